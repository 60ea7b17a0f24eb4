//! Stage 2: doc model + metadata → one API's typed tree (this module), then the system's type space
//! ([`crate::typespace`]). All BlueKing doc conventions live here: section names, table columns, references
//! between sections, envelopes, where examples are.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use heck::ToUpperCamelCase;
use regex::Regex;
use serde_json::Value;

use crate::diagnostics::Diagnostic;
use crate::doc::{Block, Document, Section, Table, normalize_title};
use crate::examples;
use crate::ir::{
    AUTH_KEYS, Correction, DocumentedValue, EnumValue, Example, ExampleKind, Flavor, HttpMethod, ParamLocation, Type,
};
use crate::metadata::{AcceptedDrift, ApiMeta, FieldCorrection};
use crate::types::{Shape, parse_type_word};

#[derive(Debug, Clone, Copy)]
pub struct LowerOptions {
    /// Apply the corrections of the metadata. Off, the IR shows exactly what the doc claims.
    pub apply_corrections: bool,
}

impl Default for LowerOptions {
    fn default() -> Self {
        LowerOptions { apply_corrections: true }
    }
}

/// A type as one API's doc describes it, before naming and deduplication across the system.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Scalar(Type),
    Array(Box<Ty>),
    Map(Box<Ty>),
    Object(ObjectNode),
    Enum(EnumNode),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectNode {
    /// Candidate type name (UpperCamelCase).
    pub name: String,
    pub doc: String,
    pub line: u32,
    pub fields: Vec<FieldNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumNode {
    pub name: String,
    pub doc: String,
    pub line: u32,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldNode {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub doc: String,
    pub line: u32,
    pub type_word: String,
    pub location: ParamLocation,
    pub documented_values: Vec<DocumentedValue>,
    pub inferred: bool,
    pub secret: bool,
}

/// One API, lowered but not yet placed into its system's type space.
#[derive(Debug, Clone)]
pub struct ApiDraft {
    pub name: String,
    pub source: String,
    pub summary: String,
    pub method: HttpMethod,
    pub path: String,
    pub request: ObjectNode,
    pub response: Ty,
    pub envelope: Vec<FieldNode>,
    pub examples: Vec<Example>,
    pub corrections: Vec<Correction>,
    pub accepted_drift: Vec<AcceptedDrift>,
}

/// Where the metadata for an API came from, for diagnostics that point into it.
pub struct MetaSource<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

impl MetaSource<'_> {
    /// Line of the first occurrence of `needle` in the metadata file (1 if absent).
    pub fn line_of(&self, needle: &str) -> u32 {
        self.text.lines().position(|l| l.contains(needle)).and_then(|i| u32::try_from(i + 1).ok()).unwrap_or(1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Address,
    Method,
    Summary,
    CommonArgs,
    Header,
    PathParams,
    QueryParams,
    BodyParams,
    RequestExample,
    ResponseExample,
    ResponseParams,
    /// Anything else: a definition named by field (`server`) or path (`data.success & data.failed`).
    Definition,
}

fn classify(title: &str) -> SectionKind {
    let t = normalize_title(title);
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["示例", "example", "样例", "范例"]) {
        return if has(&["返回", "响应", "response", "return", "result", "输出"]) {
            SectionKind::ResponseExample
        } else {
            SectionKind::RequestExample
        };
    }
    match t.as_str() {
        "请求地址" | "请求url" | "url" | "requesturl" | "requestaddress" | "请求路径" | "接口地址" | "path"
        | "requestpath" => {
            return SectionKind::Address;
        }
        "请求方法" | "请求方式" | "method" | "requestmethod" | "httpmethod" => return SectionKind::Method,
        "功能描述" | "接口描述" | "描述" | "description" | "functiondescription" | "功能说明" => {
            return SectionKind::Summary;
        }
        "通用参数" | "commonparameters" | "commonargs" | "commonarguments" | "公共参数" => {
            return SectionKind::CommonArgs;
        }
        "response" | "返回结果" | "返回参数" | "响应参数" | "返回值" | "出参" => {
            return SectionKind::ResponseParams;
        }
        _ => {}
    }
    if has(&["header"]) || t == "请求头" {
        return SectionKind::Header;
    }
    if t.starts_with("path参数") || t == "pathparameters" || t == "pathparams" || t == "路径参数" {
        return SectionKind::PathParams;
    }
    if t.starts_with("query参数") || t == "queryparameters" || t == "queryparams" || t == "查询参数" {
        return SectionKind::QueryParams;
    }
    if t.starts_with("body参数")
        || matches!(
            t.as_str(),
            "接口参数" | "请求参数" | "输入参数" | "body" | "bodyparameters" | "requestparameters" | "入参" | "参数"
        )
    {
        return SectionKind::BodyParams;
    }
    if has(&["返回结果", "返回参数", "响应参数", "返回说明", "returnresult", "responseparameters", "responsebody"])
    {
        return SectionKind::ResponseParams;
    }
    SectionKind::Definition
}

/// Which column holds what, found by header words.
#[derive(Debug, Clone, Copy)]
struct Columns {
    name: usize,
    ty: Option<usize>,
    required: Option<usize>,
    desc: Option<usize>,
    default: Option<usize>,
}

fn columns(header: &[String]) -> Columns {
    let find = |words: &[&str]| {
        header.iter().position(|h| {
            let h = normalize_title(h);
            words.iter().any(|w| h == *w)
        })
    };
    let find_contains = |words: &[&str]| {
        header.iter().position(|h| {
            let h = normalize_title(h);
            words.iter().any(|w| h.contains(w))
        })
    };
    let name = find(&[
        "字段",
        "名称",
        "参数",
        "参数名",
        "参数名称",
        "键值",
        "字段名",
        "字段名称",
        "field",
        "fields",
        "name",
        "parameter",
        "parameters",
        "param",
        "key",
        "属性",
        "变量",
    ])
    .unwrap_or(0);
    let ty = find(&["类型", "参数类型", "type", "数据类型", "字段类型"]).or_else(|| find_contains(&["类型", "type"]));
    let required = find_contains(&["必选", "必须", "必填", "required", "mandatory", "是否必"]);
    let desc = find_contains(&["描述", "说明", "含义", "description", "desc", "备注", "remark", "comment"]);
    let default = find_contains(&["默认", "default"]);
    Columns { name, ty, required, desc, default }
}

fn parse_required(cell: &str) -> Option<bool> {
    match normalize_title(cell).as_str() {
        "是" | "y" | "yes" | "true" | "必选" | "必须" | "必填" | "required" | "√" | "1" => Some(true),
        "否" | "n" | "no" | "false" | "可选" | "选填" | "optional" | "×" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Names a section by reference in a description: `见server定义`, `定义见 ip`, `见下面file_source定义`, `see X`.
static REFERENCE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:见\s*(?:下面|下方|下文|下表)?\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:定义|说明|结构)|定义见\s*([A-Za-z_][A-Za-z0-9_.]*)|详见\s*([A-Za-z_][A-Za-z0-9_.]*)|(?i:see)\s+(?:the\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s+(?i:definition|below|section))",
    )
    .ok()
});

fn find_reference(desc: &str) -> Option<String> {
    let re = REFERENCE.as_ref()?;
    let caps = re.captures(desc)?;
    caps.iter().skip(1).flatten().next().map(|m| m.as_str().trim_end_matches('.').to_string())
}

/// `1：LINUX 2：WINDOWS`, `1 - shell, 2 - bat`, `0:不是（默认），1:是`: at least two distinct numeric codes.
static VALUE_LIST: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9A-Za-z_.])(\d+)\s*(?:[:：=]|-\s)\s*([^\s,，;；。、(（)）]+)").ok());

fn documented_values(desc: &str) -> Vec<DocumentedValue> {
    let Some(re) = VALUE_LIST.as_ref() else { return Vec::new() };
    let mut out: Vec<DocumentedValue> = Vec::new();
    for caps in re.captures_iter(desc) {
        let (Some(code), Some(label)) = (caps.get(1), caps.get(2)) else { continue };
        if !out.iter().any(|v| v.code == code.as_str()) {
            out.push(DocumentedValue { code: code.as_str().to_string(), label: label.as_str().to_string() });
        }
    }
    if out.len() >= 2 { out } else { Vec::new() }
}

/// Converts a section title or field name to a type-name candidate (`topo_node_list` → `TopoNode`).
pub fn type_name(raw: &str) -> String {
    let last = raw.rsplit('.').next().unwrap_or(raw);
    camel_ident(last.strip_suffix("_list").filter(|b| !b.is_empty()).unwrap_or(last))
}

/// An UpperCamelCase ASCII identifier for any text: never empty, never starting with a digit.
pub fn camel_ident(raw: &str) -> String {
    let ascii: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let camel = ascii.to_upper_camel_case();
    match camel.chars().next() {
        None => "Object".to_string(),
        Some(c) if c.is_ascii_digit() => format!("T{camel}"),
        Some(_) if camel == "Self" => "SelfType".to_string(),
        Some(_) => camel,
    }
}

struct Ctx<'a> {
    doc: &'a Document,
    file: &'a str,
    kinds: Vec<SectionKind>,
    /// Definition sections by normalized single name.
    by_name: HashMap<String, Vec<usize>>,
    /// Definition sections that name dotted paths (`data.success & data.failed`).
    by_path: Vec<(String, usize)>,
    used: HashSet<usize>,
    stack: Vec<usize>,
    diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new(doc: &'a Document) -> Self {
        let kinds: Vec<SectionKind> = doc.sections.iter().map(|s| classify(&s.title)).collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_path = Vec::new();
        for (i, s) in doc.sections.iter().enumerate() {
            if kinds.get(i) != Some(&SectionKind::Definition) {
                continue;
            }
            let title = s.title.trim_matches(|c: char| c == '`' || c.is_whitespace());
            for part in title.split(['&', ',', '，', '、', '/']).flat_map(|p| p.split(" and ")) {
                let part = normalize_title(part).trim_matches('`').to_string();
                if part.is_empty() {
                    continue;
                }
                if part.contains('.') {
                    by_path.push((part, i));
                } else {
                    by_name.entry(part).or_default().push(i);
                }
            }
        }
        Ctx {
            doc,
            file: &doc.path,
            kinds,
            by_name,
            by_path,
            used: HashSet::new(),
            stack: Vec::new(),
            diags: Vec::new(),
        }
    }

    fn section(&self, i: usize) -> Option<&'a Section> {
        self.doc.sections.get(i)
    }

    fn first_table(&self, i: usize) -> Option<&'a Table> {
        self.section(i)?.tables().next()
    }

    fn section_by_name(&self, name: &str) -> Option<usize> {
        let key = normalize_title(name);
        let candidates = self.by_name.get(&key)?;
        // Prefer a section with a table that is not already being expanded (a field named like its own section).
        candidates.iter().copied().find(|i| !self.stack.contains(i) && self.first_table(*i).is_some())
    }

    fn section_by_path(&self, path: &str) -> Option<usize> {
        let key = normalize_title(path);
        self.by_path.iter().find(|(p, _)| *p == key).map(|(_, i)| *i)
    }

    /// The definition section for an object-ish field: by reference, by dotted path, by name, by name sans `_list`.
    fn object_section(&mut self, reference: Option<&str>, path: &str, name: &str, line: u32) -> Option<usize> {
        if let Some(r) = reference {
            if let Some(i) = self.section_by_name(r).or_else(|| self.section_by_path(r)) {
                return Some(i);
            }
            let fallback = self.section_for_field(path, name);
            let msg = match fallback.and_then(|i| self.section(i)) {
                Some(s) => format!(
                    "`{path}` refers to a definition `{r}` that has no section; used section `{}` (line {}) that matches the field name",
                    s.title, s.line
                ),
                None => format!("`{path}` refers to a definition `{r}` that has no section"),
            };
            self.diags.push(
                Diagnostic::warning(self.file, line, msg)
                    .with_help(format!("add a `#### {r}` section with a field table, or fix the reference")),
            );
            return fallback;
        }
        self.section_for_field(path, name)
    }

    /// A field's own section, found without a reference: by dotted path, by name, by name sans `_list`.
    fn section_for_field(&self, path: &str, name: &str) -> Option<usize> {
        self.section_by_path(path)
            .or_else(|| self.section_by_name(name))
            .or_else(|| name.strip_suffix("_list").and_then(|n| self.section_by_name(n)))
    }

    /// Fields of a parameter table. `path` is the dotted path of the object these fields belong to ("" for root).
    fn fields_of(&mut self, table: &'a Table, path: &str, location: ParamLocation) -> Vec<FieldNode> {
        let cols = columns(&table.header);
        let mut fields: Vec<FieldNode> = Vec::new();
        for row in &table.rows {
            let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).map(String::as_str).unwrap_or("");
            let name = cell(Some(cols.name)).trim_matches(|c: char| c == '`' || c == '*' || c.is_whitespace());
            if name.is_empty() || name.chars().all(|c| c == '-' || c == '.') {
                continue;
            }
            if AUTH_KEYS.contains(&name) {
                continue;
            }
            if let Some(prev) = fields.iter().find(|f| f.name == name) {
                self.diags.push(
                    Diagnostic::error(
                        self.file,
                        row.line,
                        format!("duplicate field `{name}` (first at line {})", prev.line),
                    )
                    .with_help("remove one row, or give the nested object its own section"),
                );
                continue;
            }
            let type_word = cell(cols.ty).to_string();
            let mut doc = cell(cols.desc).to_string();
            let default = cell(cols.default);
            if !default.is_empty() && default != "-" {
                doc = format!("{doc} (default: {default})").trim().to_string();
            }
            let required = match cols.required {
                None => false,
                Some(_) => match parse_required(cell(cols.required)) {
                    Some(r) => r,
                    None => {
                        self.diags.push(Diagnostic::warning(
                            self.file,
                            row.line,
                            format!(
                                "`{}` is not a required-flag value; treating `{name}` as optional",
                                cell(cols.required)
                            ),
                        ));
                        false
                    }
                },
            };
            let child_path = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
            let ty = self.resolve(name, &child_path, &type_word, &doc, row.line);
            let documented_values = match &ty {
                Ty::Scalar(Type::Integer | Type::String) => documented_values(&doc),
                _ => Vec::new(),
            };
            let secret = is_secret_name(name) && ty == Ty::Scalar(Type::String);
            fields.push(FieldNode {
                name: name.to_string(),
                ty,
                required,
                doc,
                line: row.line,
                type_word,
                location,
                documented_values,
                inferred: false,
                secret,
            });
        }
        self.add_path_children(path, &mut fields);
        fields
    }

    /// Fields named only by a path heading (`#### data.success`) that no table row declares.
    fn add_path_children(&mut self, path: &str, fields: &mut Vec<FieldNode>) {
        let prefix = format!("{}.", normalize_title(path));
        let children: Vec<(String, usize)> = self
            .by_path
            .iter()
            .filter_map(|(p, i)| {
                let rest = p.strip_prefix(&prefix)?;
                (!rest.contains('.')).then(|| (rest.to_string(), *i))
            })
            .collect();
        for (child, i) in children {
            if fields.iter().any(|f| normalize_title(&f.name) == child) || self.stack.contains(&i) {
                continue;
            }
            let line = self.section(i).map_or(1, |s| s.line);
            self.diags.push(Diagnostic::warning(
                self.file,
                line,
                format!("`{path}.{child}` is defined only by this heading, with no row in `{path}`'s table; its container type is taken from the example"),
            ));
            let child_path = format!("{path}.{child}");
            let ty = match self.object(i, &child_path) {
                Some(o) => Ty::Object(o),
                None => Ty::Scalar(Type::Json),
            };
            fields.push(FieldNode {
                name: child.clone(),
                ty,
                required: false,
                doc: String::new(),
                line,
                type_word: String::new(),
                location: ParamLocation::Body,
                documented_values: Vec::new(),
                inferred: true,
                secret: false,
            });
        }
    }

    fn object(&mut self, section: usize, path: &str) -> Option<ObjectNode> {
        if self.stack.contains(&section) {
            let line = self.section(section).map_or(1, |s| s.line);
            self.diags.push(Diagnostic::warning(
                self.file,
                line,
                format!("recursive definition at `{path}`; typed as untyped JSON"),
            ));
            return None;
        }
        let s = self.section(section)?;
        let table = self.first_table(section)?;
        self.used.insert(section);
        self.stack.push(section);
        let fields = self.fields_of(table, path, ParamLocation::Body);
        self.stack.pop();
        let doc = s.texts().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
        let title_name = s.title.split(['&', ',', '，', '、']).next().unwrap_or(&s.title).trim().to_string();
        Some(ObjectNode { name: type_name(&title_name), doc, line: s.line, fields })
    }

    fn value_enum(&mut self, section: usize, field: &str) -> Option<EnumNode> {
        let s = self.section(section)?;
        let table = self.first_table(section)?;
        let cols = columns(&table.header);
        let values: Vec<EnumValue> = table
            .rows
            .iter()
            .filter_map(|r| {
                let value = r.cells.get(cols.name)?.trim_matches('`').trim().to_string();
                let doc = cols.desc.and_then(|d| r.cells.get(d)).cloned().unwrap_or_default();
                (!value.is_empty()).then_some(EnumValue { value, doc, line: r.line })
            })
            .collect();
        if values.is_empty() {
            return None;
        }
        self.used.insert(section);
        let doc = s.texts().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
        Some(EnumNode { name: type_name(field), doc, line: s.line, values })
    }

    fn resolve(&mut self, name: &str, path: &str, type_word: &str, desc: &str, line: u32) -> Ty {
        let reference = find_reference(desc);
        let shape = match parse_type_word(type_word) {
            Some(s) => s,
            None => {
                self.diags.push(
                    Diagnostic::warning(
                        self.file,
                        line,
                        format!("unknown type `{type_word}` of `{path}`; generated as untyped JSON"),
                    )
                    .with_help("correct the type in bkapi.toml (`corrections`), or fix the doc"),
                );
                Shape::Any
            }
        };
        match shape {
            Shape::String | Shape::Integer | Shape::Number | Shape::Boolean => {
                let scalar = scalar_type(&shape);
                // A scalar that refers to a section: that section lists its values.
                if let Some(r) = reference.as_deref()
                    && let Some(i) = self.section_by_name(r)
                    && matches!(scalar, Type::String)
                    && let Some(e) = self.value_enum(i, name)
                {
                    return Ty::Enum(e);
                }
                Ty::Scalar(scalar)
            }
            Shape::Any => Ty::Scalar(Type::Json),
            Shape::Object => match self.object_section(reference.as_deref(), path, name, line) {
                Some(i) => match self.object(i, path) {
                    Some(o) => Ty::Object(o),
                    None => Ty::Map(Box::new(Ty::Scalar(Type::Json))),
                },
                None => {
                    let mut fields = Vec::new();
                    self.add_path_children(path, &mut fields);
                    if fields.is_empty() {
                        Ty::Map(Box::new(Ty::Scalar(Type::Json)))
                    } else {
                        Ty::Object(ObjectNode { name: type_name(name), doc: String::new(), line, fields })
                    }
                }
            },
            Shape::Array(elem) => match elem.as_deref() {
                Some(s @ (Shape::String | Shape::Integer | Shape::Number | Shape::Boolean)) => {
                    Ty::Array(Box::new(Ty::Scalar(scalar_type(s))))
                }
                Some(Shape::Array(_)) | Some(Shape::Any) => Ty::Array(Box::new(Ty::Scalar(Type::Json))),
                Some(Shape::Object) | None => match self.object_section(reference.as_deref(), path, name, line) {
                    Some(i) => match self.object(i, path) {
                        Some(o) => Ty::Array(Box::new(Ty::Object(o))),
                        None => Ty::Array(Box::new(Ty::Scalar(Type::Json))),
                    },
                    None if elem.is_some() => Ty::Array(Box::new(Ty::Map(Box::new(Ty::Scalar(Type::Json))))),
                    // Element type unknown: filled in from the examples, if they show it.
                    None => Ty::Array(Box::new(Ty::Scalar(Type::Json))),
                },
            },
        }
    }
}

/// Field names that carry credentials (`password`, `key`, `bk_token`, `*_secret`, …).
fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "password"
            | "passwd"
            | "pwd"
            | "key"
            | "secret"
            | "token"
            | "private_key"
            | "secret_key"
            | "access_token"
            | "bk_token"
            | "app_secret"
            | "bk_app_secret"
    ) || ["_password", "_passwd", "_secret", "_token"].iter().any(|s| n.ends_with(s))
}

fn scalar_type(shape: &Shape) -> Type {
    match shape {
        Shape::String => Type::String,
        Shape::Integer => Type::Integer,
        Shape::Number => Type::Number,
        Shape::Boolean => Type::Boolean,
        _ => Type::Json,
    }
}

/// `POST /path` on one line.
fn request_line(text: &str) -> Option<(HttpMethod, String)> {
    let mut words = text.split_whitespace();
    let method = HttpMethod::parse(words.next()?)?;
    let path = words.next()?;
    if words.next().is_some() || !path.starts_with('/') {
        return None;
    }
    Some((method, path.to_string()))
}

/// A path from an address section: a bare path, or a URL whose path is taken.
fn address_path(text: &str) -> Option<String> {
    let word = text.split_whitespace().find(|w| w.contains('/'))?;
    let word = word.trim_matches(|c: char| c == '`' || c == '"');
    if word.starts_with('/') {
        return Some(word.to_string());
    }
    let after_scheme = word.split_once("://").map(|(_, rest)| rest)?;
    after_scheme.find('/').and_then(|i| after_scheme.get(i..)).map(str::to_string)
}

/// Lowers one document. Returns `None` (with error diagnostics) when the API cannot be generated.
pub fn lower_api(
    doc: &Document,
    api_name: &str,
    flavor: Flavor,
    meta: Option<&ApiMeta>,
    meta_source: &MetaSource<'_>,
    options: LowerOptions,
) -> (Option<ApiDraft>, Vec<Diagnostic>) {
    let mut cx = Ctx::new(doc);
    let file = doc.path.clone();
    let camel = camel_ident(api_name);

    // Summary, method, path.
    let mut summary = String::new();
    let mut method: Option<HttpMethod> = None;
    let mut path: Option<(String, u32)> = None;
    for (i, s) in doc.sections.iter().enumerate() {
        let kind = cx.kinds.get(i).copied().unwrap_or(SectionKind::Definition);
        let texts: Vec<(&str, u32)> = s
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(t) => Some((t.text.as_str(), t.line)),
                Block::Code(c) if kind == SectionKind::Address || kind == SectionKind::Method => {
                    Some((c.text.trim(), c.line))
                }
                _ => None,
            })
            .collect();
        match kind {
            SectionKind::Summary if summary.is_empty() => {
                summary = texts.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(" ");
            }
            SectionKind::Method => {
                method = method.or_else(|| texts.iter().find_map(|(t, _)| HttpMethod::parse(t)));
            }
            SectionKind::Address => {
                if path.is_none() {
                    path = texts.iter().find_map(|(t, l)| address_path(t).map(|p| (p, *l)));
                }
            }
            SectionKind::RequestExample | SectionKind::ResponseExample => {}
            _ => {
                for (t, l) in &texts {
                    if let Some((m, p)) = request_line(t) {
                        method = method.or(Some(m));
                        if path.is_none() {
                            path = Some((p, *l));
                        }
                    }
                }
            }
        }
    }
    if summary.is_empty() {
        summary = api_name.to_string();
    }

    // Request fields from body / path / query tables.
    let mut request_fields: Vec<FieldNode> = Vec::new();
    for (i, s) in doc.sections.iter().enumerate() {
        let location = match cx.kinds.get(i) {
            Some(SectionKind::BodyParams) => ParamLocation::Body,
            Some(SectionKind::PathParams) => ParamLocation::Path,
            Some(SectionKind::QueryParams) => ParamLocation::Query,
            _ => continue,
        };
        for table in s.tables() {
            for f in cx.fields_of(table, "", location) {
                if let Some(prev) = request_fields.iter().find(|p| p.name == f.name) {
                    cx.diags.push(Diagnostic::error(
                        &file,
                        f.line,
                        format!("duplicate request parameter `{}` (first at line {})", f.name, prev.line),
                    ));
                } else {
                    request_fields.push(f);
                }
            }
        }
    }
    let request_line_no =
        doc.sections.iter().zip(&cx.kinds).find(|(_, k)| **k == SectionKind::BodyParams).map_or(1, |(s, _)| s.line);
    let mut request = ObjectNode {
        name: format!("{camel}Request"),
        doc: summary.clone(),
        line: request_line_no,
        fields: request_fields,
    };

    // Response: the first table of the response-parameter sections.
    let mut envelope: Vec<FieldNode> = Vec::new();
    let mut data_word = String::new();
    let response_table = doc
        .sections
        .iter()
        .enumerate()
        .filter(|(i, _)| cx.kinds.get(*i) == Some(&SectionKind::ResponseParams))
        .find_map(|(_, s)| s.tables().next());
    let mut response: Option<Ty> = None;
    if let Some(table) = response_table {
        let fields = cx.fields_of(table, "", ParamLocation::Body);
        let names: HashSet<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let is_envelope = names.contains("data")
            && (["result", "code", "message"].iter().any(|k| names.contains(k))
                || (flavor == Flavor::Gateway && names.contains("error")));
        if is_envelope {
            for f in fields {
                if f.name == "data" {
                    data_word = f.type_word.clone();
                    response = Some(f.ty);
                } else {
                    envelope.push(f);
                }
            }
            if flavor == Flavor::Gateway
                && let Some(i) = cx.section_by_name("error")
            {
                cx.used.insert(i);
            }
        } else {
            response =
                Some(Ty::Object(ObjectNode { name: String::new(), doc: String::new(), line: table.line, fields }));
        }
    }

    // Examples.
    let mut example_list: Vec<Example> = Vec::new();
    let mut request_line_examples: Vec<(String, u32)> = Vec::new();
    for (i, s) in doc.sections.iter().enumerate() {
        let kind = cx.kinds.get(i).copied().unwrap_or(SectionKind::Definition);
        for code in s.code_blocks() {
            let text = code.text.trim();
            if let Some((_, p)) = request_line(text) {
                if kind == SectionKind::RequestExample {
                    request_line_examples.push((p, code.line));
                }
                continue;
            }
            let in_example_section = matches!(kind, SectionKind::RequestExample | SectionKind::ResponseExample);
            if !(in_example_section || text.starts_with('{') || text.starts_with('[')) {
                continue;
            }
            let read = examples::read(text);
            let example_kind = match kind {
                SectionKind::RequestExample => ExampleKind::Request,
                SectionKind::ResponseExample => ExampleKind::Response,
                _ => {
                    let looks_like_response = matches!(&read.value, Some(Value::Object(m)) if m.contains_key("result") || (m.contains_key("data") && crate::ir::is_envelope(m)));
                    let k = if looks_like_response { ExampleKind::Response } else { ExampleKind::Request };
                    cx.diags.push(
                        Diagnostic::warning(
                            &file,
                            code.line,
                            format!(
                                "example outside an example section (in `{}`); taken as the {} example",
                                s.title,
                                kind_word(k)
                            ),
                        )
                        .with_help("put it under `### 请求参数示例` / `### 返回结果示例`"),
                    );
                    k
                }
            };
            let error = read.error.map(|(l, m)| {
                let line = code.line + l.saturating_sub(1);
                cx.diags.push(
                    Diagnostic::error(&file, line, format!("unreadable {} example: {m}", kind_word(example_kind)))
                        .with_help("fix the JSON in the doc's example"),
                );
                format!("line {line}: {m}")
            });
            example_list.push(Example {
                kind: example_kind,
                line: code.line,
                value: read.value,
                repairs: read.repairs,
                error,
            });
        }
    }

    // Method and path: the doc's, unless the metadata gives them.
    let mut corrections: Vec<Correction> = Vec::new();
    let doc_path = path.clone().map(|(p, _)| p);
    if let Some(m) = meta {
        if let Some(word) = &m.method {
            match HttpMethod::parse(word) {
                Some(mm) => {
                    if method != Some(mm) {
                        corrections.push(Correction {
                            target: "method".into(),
                            doc_says: method.map_or("(not stated)".into(), |x| x.as_str().to_string()),
                            corrected: mm.as_str().to_string(),
                            reason: m.reason.clone().unwrap_or_default(),
                        });
                    }
                    method = Some(mm);
                }
                None => cx.diags.push(Diagnostic::error(
                    meta_source.path,
                    meta_source.line_of(word),
                    format!("`{word}` is not an HTTP method"),
                )),
            }
        }
        if options.apply_corrections
            && let Some(p) = &m.path
        {
            if doc_path.as_deref() != Some(p.as_str()) {
                corrections.push(Correction {
                    target: "path".into(),
                    doc_says: doc_path.clone().unwrap_or_else(|| "(not stated)".into()),
                    corrected: p.clone(),
                    reason: m.reason.clone().unwrap_or_default(),
                });
            }
            path = Some((p.clone(), 0));
        } else if doc_path.is_none()
            && let Some(p) = &m.path
        {
            path = Some((p.clone(), 0));
        }
    }
    let (Some(method), Some((path, _))) = (method, path) else {
        cx.diags.push(
            Diagnostic::error(
                &file,
                1,
                "no HTTP method and path: the doc has no `请求地址`/`请求方法` section or `METHOD /path` line",
            )
            .with_help(format!("add `[apis.{api_name}]` with `method` and `path` to {}", meta_source.path)),
        );
        return (None, cx.diags);
    };

    // Request-line examples give path parameter values: merge them into the request example.
    if let Some(template) = &doc_path {
        let aliases = meta.map(|m| &m.path_param_aliases);
        for (line_path, line) in &request_line_examples {
            let Some(values) = match_template(template, line_path) else {
                cx.diags.push(Diagnostic::warning(
                    &file,
                    *line,
                    format!("request line `{line_path}` does not match the path `{template}`"),
                ));
                continue;
            };
            let values: Vec<(String, String)> =
                values.into_iter().map(|(k, v)| (aliases.and_then(|a| a.get(&k)).cloned().unwrap_or(k), v)).collect();
            let names = values.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ");
            let note = format!("path parameters {names} taken from the request line at line {line}");
            match example_list.iter_mut().find(|e| e.kind == ExampleKind::Request) {
                Some(Example { value: Some(Value::Object(map)), repairs, .. }) => {
                    for (k, v) in values {
                        map.entry(k).or_insert(Value::String(v));
                    }
                    repairs.push(note);
                }
                Some(_) => {}
                None => example_list.push(Example {
                    kind: ExampleKind::Request,
                    line: *line,
                    value: Some(Value::Object(values.into_iter().map(|(k, v)| (k, Value::String(v))).collect())),
                    repairs: vec![note],
                    error: None,
                }),
            }
        }
    }

    // Corrections from metadata.
    if let Some(m) = meta
        && options.apply_corrections
    {
        if m.path_params_to_body {
            for f in request.fields.iter_mut().filter(|f| f.location == ParamLocation::Path) {
                f.location = ParamLocation::Body;
                corrections.push(Correction {
                    target: format!("request.{}", f.name),
                    doc_says: "path parameter".into(),
                    corrected: "body parameter".into(),
                    reason: m.reason.clone().unwrap_or_default(),
                });
            }
        }
        for c in &m.corrections {
            apply_correction(c, &mut request, &mut response, &data_word, &mut corrections, &mut cx.diags, meta_source);
        }
    }

    // Response type: documented, or inferred from the example when the doc has no response table.
    let response_example = example_list
        .iter()
        .find(|e| e.kind == ExampleKind::Response)
        .and_then(|e| e.value.clone().map(|v| (v, e.line)));
    let mut response = match response {
        Some(t) => t,
        None => match &response_example {
            Some((v, line)) => {
                cx.diags.push(
                    Diagnostic::warning(
                        &file,
                        *line,
                        "no response parameter table; response type inferred from this example",
                    )
                    .with_help("add a `### 返回结果参数说明` table to the doc"),
                );
                infer_ty(crate::ir::response_data(v), &format!("{camel}Response"), *line)
            }
            None => {
                cx.diags.push(Diagnostic::warning(
                    &file,
                    1,
                    "no response table and no response example; response is untyped JSON",
                ));
                Ty::Scalar(Type::Json)
            }
        },
    };
    match &mut response {
        Ty::Object(o) => o.name = format!("{camel}Response"),
        Ty::Array(inner) => {
            if let Ty::Object(o) = inner.as_mut() {
                o.name = format!("{camel}ResponseItem");
            }
        }
        _ => {}
    }

    // Fill in what the doc leaves open (array element types, heading-only containers) from the examples.
    for e in &example_list {
        let Some(v) = &e.value else { continue };
        match e.kind {
            ExampleKind::Request => refine_object(&mut request, &crate::ir::request_params(v), e.line),
            ExampleKind::Response => refine_ty(&mut response, crate::ir::response_data(v), e.line),
        }
    }

    // Definition sections nobody refers to.
    for (i, s) in doc.sections.iter().enumerate() {
        if cx.kinds.get(i) == Some(&SectionKind::Definition) && !cx.used.contains(&i) && s.tables().next().is_some() {
            cx.diags.push(Diagnostic::warning(
                &file,
                s.line,
                format!("section `{}` is not referred to by any field; ignored", s.title),
            ));
        }
    }

    let draft = ApiDraft {
        name: api_name.to_string(),
        source: file,
        summary,
        method,
        path,
        request,
        response,
        envelope,
        examples: example_list,
        corrections,
        accepted_drift: meta.map(|m| m.accepted_drift.clone()).unwrap_or_default(),
    };
    (Some(draft), cx.diags)
}

fn kind_word(kind: ExampleKind) -> &'static str {
    match kind {
        ExampleKind::Request => "request",
        ExampleKind::Response => "response",
    }
}

/// Matches `/a/{x}/b` against `/a/1/b`: placeholder → value.
fn match_template(template: &str, actual: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let a: Vec<&str> = actual.trim_matches('/').split('/').collect();
    if t.len() != a.len() {
        return None;
    }
    let mut out = Vec::new();
    for (ts, as_) in t.iter().zip(&a) {
        if let Some(name) = ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            out.push((name.to_string(), (*as_).to_string()));
        } else if ts != as_ {
            return None;
        }
    }
    Some(out)
}

fn apply_correction(
    c: &FieldCorrection,
    request: &mut ObjectNode,
    response: &mut Option<Ty>,
    data_word: &str,
    corrections: &mut Vec<Correction>,
    diags: &mut Vec<Diagnostic>,
    meta: &MetaSource<'_>,
) {
    let line = meta.line_of(&format!("\"{}\"", c.field));
    let mut segments = c.field.split('.');
    let root = segments.next().unwrap_or("");
    let rest: Vec<&str> = segments.collect();
    let mut record = |what: &str, doc_says: String, corrected: String| {
        corrections.push(Correction {
            target: format!("{}{what}", c.field),
            doc_says,
            corrected,
            reason: c.reason.clone(),
        });
    };
    match (root, rest.split_last()) {
        ("response", None) => {
            let Some(ty) = response.as_mut() else {
                diags.push(Diagnostic::error(
                    meta.path,
                    line,
                    "correction of `response`, but the doc has no response table",
                ));
                return;
            };
            if let Some(word) = &c.ty {
                match retype(ty, word) {
                    Some(new) => {
                        *ty = new;
                        record("", data_word.to_string(), word.clone());
                    }
                    None => {
                        diags.push(Diagnostic::error(meta.path, line, format!("unknown type `{word}` in correction")))
                    }
                }
            }
        }
        (root @ ("request" | "response"), Some((last, parents))) => {
            let target = if root == "request" {
                Some(&mut *request)
            } else {
                match response.as_mut() {
                    Some(Ty::Object(o)) => Some(o),
                    Some(Ty::Array(inner)) => match inner.as_mut() {
                        Ty::Object(o) => Some(o),
                        _ => None,
                    },
                    _ => None,
                }
            };
            let field = target.and_then(|o| find_field(o, parents, last));
            let Some(field) = field else {
                diags.push(
                    Diagnostic::error(meta.path, line, format!("correction `{}` matches no field of the doc", c.field))
                        .with_help(
                            "fix the path (request.<field>.<field> or response.<field>) or remove the stale correction",
                        ),
                );
                return;
            };
            if let Some(word) = &c.ty {
                match retype(&field.ty, word) {
                    Some(new) => {
                        field.ty = new;
                        record("", field.type_word.clone(), word.clone());
                    }
                    None => {
                        diags.push(Diagnostic::error(meta.path, line, format!("unknown type `{word}` in correction")))
                    }
                }
            }
            if let Some(values) = &c.enum_values {
                let doc_values = field
                    .documented_values
                    .iter()
                    .map(|v| format!("{}：{}", v.code, v.label))
                    .collect::<Vec<_>>()
                    .join(" ");
                field.ty = Ty::Enum(EnumNode {
                    name: type_name(&field.name),
                    doc: field.doc.clone(),
                    line: field.line,
                    values: values
                        .iter()
                        .map(|v| EnumValue { value: v.clone(), doc: String::new(), line: field.line })
                        .collect(),
                });
                field.documented_values.clear();
                record(
                    " (values)",
                    if doc_values.is_empty() { field.type_word.clone() } else { doc_values },
                    values.join(", "),
                );
            }
            if let Some(required) = c.required {
                record(" (required)", field.required.to_string(), required.to_string());
                field.required = required;
            }
            if let Some(name) = &c.rename {
                record(" (name)", field.name.clone(), name.clone());
                field.name = name.clone();
            }
        }
        _ => diags.push(Diagnostic::error(
            meta.path,
            line,
            format!("correction target `{}` must start with `request.` or `response`", c.field),
        )),
    }
}

fn find_field<'a>(object: &'a mut ObjectNode, parents: &[&str], last: &str) -> Option<&'a mut FieldNode> {
    let mut current = object;
    for p in parents {
        let field = current.fields.iter_mut().find(|f| f.name == *p)?;
        current = match &mut field.ty {
            Ty::Object(o) => o,
            Ty::Array(inner) => match inner.as_mut() {
                Ty::Object(o) => o,
                _ => return None,
            },
            _ => return None,
        };
    }
    current.fields.iter_mut().find(|f| f.name == last)
}

/// The type a correction's type word gives, keeping nested objects the doc defined.
fn retype(old: &Ty, word: &str) -> Option<Ty> {
    let shape = parse_type_word(word)?;
    let object_of = |t: &Ty| match t {
        Ty::Object(o) => Some(o.clone()),
        Ty::Array(inner) => match inner.as_ref() {
            Ty::Object(o) => Some(o.clone()),
            _ => None,
        },
        _ => None,
    };
    Some(match shape {
        Shape::Object => match object_of(old) {
            Some(o) => Ty::Object(o),
            None => Ty::Map(Box::new(Ty::Scalar(Type::Json))),
        },
        Shape::Array(elem) => match elem.as_deref() {
            Some(s @ (Shape::String | Shape::Integer | Shape::Number | Shape::Boolean)) => {
                Ty::Array(Box::new(Ty::Scalar(scalar_type(s))))
            }
            _ => match object_of(old) {
                Some(o) => Ty::Array(Box::new(Ty::Object(o))),
                None => Ty::Array(Box::new(Ty::Scalar(Type::Json))),
            },
        },
        Shape::Any => Ty::Scalar(Type::Json),
        s => Ty::Scalar(scalar_type(&s)),
    })
}

fn scalar_of(value: &Value) -> Option<Type> {
    match value {
        Value::String(_) => Some(Type::String),
        Value::Bool(_) => Some(Type::Boolean),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(Type::Integer),
        Value::Number(_) => Some(Type::Number),
        _ => None,
    }
}

/// Element type shared by all scalar elements of an example array.
fn common_scalar(items: &[Value]) -> Option<Type> {
    let mut common: Option<Type> = None;
    for item in items {
        let t = scalar_of(item)?;
        common = match (common, t) {
            (None, t) => Some(t),
            (Some(a), b) if a == b => Some(a),
            (Some(Type::Integer | Type::Number), Type::Integer | Type::Number) => Some(Type::Number),
            _ => return None,
        };
    }
    common
}

/// A type for a value the doc has no table for. Nested objects stay untyped maps: names for them would be guesses.
fn infer_ty(value: &Value, name: &str, line: u32) -> Ty {
    match value {
        Value::Object(map) => Ty::Object(ObjectNode {
            name: name.to_string(),
            doc: String::new(),
            line,
            fields: map
                .iter()
                .map(|(k, v)| FieldNode {
                    name: k.clone(),
                    ty: match v {
                        Value::Object(_) | Value::Null => Ty::Map(Box::new(Ty::Scalar(Type::Json))),
                        Value::Array(items) => {
                            Ty::Array(Box::new(Ty::Scalar(common_scalar(items).unwrap_or(Type::Json))))
                        }
                        v => Ty::Scalar(scalar_of(v).unwrap_or(Type::Json)),
                    },
                    required: false,
                    doc: String::new(),
                    line,
                    type_word: String::new(),
                    location: ParamLocation::Body,
                    documented_values: Vec::new(),
                    inferred: true,
                    secret: is_secret_name(k),
                })
                .collect(),
        }),
        Value::Array(items) => match items.first() {
            Some(first @ Value::Object(_)) => Ty::Array(Box::new(infer_ty(first, name, line))),
            _ => Ty::Array(Box::new(Ty::Scalar(common_scalar(items).unwrap_or(Type::Json)))),
        },
        v => Ty::Scalar(scalar_of(v).unwrap_or(Type::Json)),
    }
}

fn refine_object(object: &mut ObjectNode, value: &Value, line: u32) {
    let Value::Object(map) = value else { return };
    for field in &mut object.fields {
        let Some(v) = map.get(&field.name) else { continue };
        // A heading-only field: the example decides between object and array of objects.
        if field.inferred
            && let (Ty::Object(_), Value::Array(_)) = (&field.ty, v)
        {
            let old = std::mem::replace(&mut field.ty, Ty::Scalar(Type::Json));
            field.ty = Ty::Array(Box::new(old));
        }
        if let Ty::Array(inner) = &mut field.ty
            && **inner == Ty::Scalar(Type::Json)
            && let Value::Array(items) = v
            && let Some(t) = common_scalar(items)
        {
            **inner = Ty::Scalar(t);
            field.inferred = true;
            if field.line == 0 {
                field.line = line;
            }
        }
        refine_ty(&mut field.ty, v, line);
    }
}

fn refine_ty(ty: &mut Ty, value: &Value, line: u32) {
    match (ty, value) {
        (Ty::Object(o), v) => refine_object(o, v, line),
        (Ty::Array(inner), Value::Array(items)) => {
            for item in items {
                refine_ty(inner, item, line);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_section_titles() {
        assert_eq!(classify("请求参数示例"), SectionKind::RequestExample);
        assert_eq!(classify("返回结果示例"), SectionKind::ResponseExample);
        assert_eq!(classify("返回结果参数说明"), SectionKind::ResponseParams);
        assert_eq!(classify("Path 参数"), SectionKind::PathParams);
        assert_eq!(classify("Header参数"), SectionKind::Header);
        assert_eq!(classify("接口参数"), SectionKind::BodyParams);
        assert_eq!(classify("data.success & data.failed"), SectionKind::Definition);
        assert_eq!(classify("通用参数"), SectionKind::CommonArgs);
    }

    #[test]
    fn finds_references_in_descriptions() {
        assert_eq!(find_reference("目标服务器，见 server 定义").as_deref(), Some("server"));
        assert_eq!(find_reference("静态 IP 列表，定义见 ip").as_deref(), Some("ip"));
        assert_eq!(find_reference("主机列表，见hosts定义").as_deref(), Some("hosts"));
        assert_eq!(find_reference("源文件对象数组，见下面file_source定义").as_deref(), Some("file_source"));
        assert_eq!(find_reference("Static IP list, see ip definition").as_deref(), Some("ip"));
        assert_eq!(find_reference("业务 ID"), None);
    }

    #[test]
    fn extracts_value_lists_from_descriptions() {
        let v = documented_values("操作系统，1：LINUX 2：WINDOWS 3：AIX 4：SOLARIS");
        assert_eq!(
            v.iter().map(|v| (v.code.as_str(), v.label.as_str())).collect::<Vec<_>>(),
            [("1", "LINUX"), ("2", "WINDOWS"), ("3", "AIX"), ("4", "SOLARIS")]
        );
        let v = documented_values("脚本语言：1 - shell, 2 - bat, 3 - perl");
        assert_eq!(v.len(), 3);
        assert_eq!(v[1].label, "bat");
        assert_eq!(documented_values("敏感参数, 0:不是（默认），1:是").len(), 2);
        assert!(documented_values("默认 7200，取值范围 1-86400").is_empty());
    }

    #[test]
    fn type_names_from_titles() {
        assert_eq!(type_name("topo_node_list"), "TopoNode");
        assert_eq!(type_name("data.success"), "Success");
        assert_eq!(type_name("ip"), "Ip");
        assert_eq!(type_name("3rd"), "T3rd");
        assert_eq!(type_name("主机"), "Object");
        assert_eq!(camel_ident("get_host_list"), "GetHostList");
        assert_eq!(camel_ident("self"), "SelfType");
    }

    #[test]
    fn matches_path_templates() {
        assert_eq!(
            match_template("/open/{a}/x/{b}", "/open/biz/x/1"),
            Some(vec![("a".into(), "biz".into()), ("b".into(), "1".into())])
        );
        assert_eq!(match_template("/open/{a}", "/close/biz"), None);
    }
}
