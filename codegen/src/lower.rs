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
    AUTH_KEYS, Correction, DocumentedValue, EnumRepr, EnumValue, Example, ExampleKind, Flavor, HttpMethod,
    ParamLocation, Type,
};
use crate::locate::Location;
use crate::metadata::{ApiMeta, FieldCorrection};
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
    pub repr: EnumRepr,
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
    pub base64: bool,
    pub deprecated: bool,
}

/// One API, lowered but not yet placed into its system's type space.
#[derive(Debug, Clone)]
pub struct ApiDraft {
    pub name: String,
    pub source: String,
    pub summary: String,
    /// Method and path; `None` when neither the doc, its metadata nor the files beside it say.
    pub location: Option<(HttpMethod, String)>,
    pub request: ObjectNode,
    pub response: Ty,
    pub envelope: Vec<FieldNode>,
    pub examples: Vec<Example>,
    pub corrections: Vec<Correction>,
    pub one_of: Vec<Vec<String>>,
    /// Every name the doc's tables give (last segment of dotted names), sorted: what "documented" means when
    /// measuring which example values the types lose.
    pub table_keys: Vec<String>,
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

/// The section a heading sits under: the nearest earlier one with a lower level.
fn parent_section(doc: &Document, i: usize) -> Option<usize> {
    let level = doc.sections.get(i)?.level;
    (0..i).rev().find(|j| doc.sections.get(*j).is_some_and(|p| p.level < level))
}

/// Titles that name no field: `字段说明`, `参数说明`, `Fields`.
fn is_generic_title(title: &str) -> bool {
    matches!(
        normalize_title(title).as_str(),
        "字段说明"
            | "参数说明"
            | "说明"
            | "字段"
            | "字段列表"
            | "参数列表"
            | "fields"
            | "fielddescription"
            | "fielddescriptions"
            | "parameterdescription"
            | "description"
    )
}

/// The keys of a response envelope (`data` and what surrounds it).
const ENVELOPE_KEYS: &[&str] =
    &["result", "code", "message", "data", "request_id", "permission", "error", "errors", "trace_id", "_meta"];

/// A title that says it is about the request (`请求示例`, `Request example`, `输入示例`).
fn names_request(title: &str) -> bool {
    let t = normalize_title(title);
    ["请求", "request", "输入", "调用", "入参"].iter().any(|w| t.contains(w))
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

/// Identifiers in parentheses: `处理套餐列表(ActionRelation)` → `ActionRelation`.
fn parenthesized_identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(['(', '（']).skip(1).filter_map(|rest| {
        let inner = rest.split([')', '）']).next()?.trim();
        let ok = inner.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        ok.then_some(inner)
    })
}

/// The element of `list[duty_arrange]` / `list（agg）` when it is not a type word: the name of a section.
fn element_name(type_word: &str) -> Option<String> {
    let inner =
        parenthesized_identifiers(&type_word.replace(['[', '<'], "(").replace([']', '>'], ")")).next()?.to_string();
    crate::types::parse_type_word(&inner).is_none().then_some(inner)
}

/// `1：LINUX 2：WINDOWS`, `1 - shell, 2 - bat`, `0:不是（默认），1:是`: at least two distinct numeric codes.
/// `1-执行失败则暂停；2-忽略失败` too; a label never starts with a digit (`1-86400` is a range, not a list).
static VALUE_LIST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9A-Za-z_.])(\d+)\s*(?:[:：=]|-)\s*([^\s\d,，;；。、(（)）][^\s,，;；。、(（)）]*)").ok()
});

/// `可选值: biz - 业务，biz_set - 业务集`: named values after a marker that says the list is the values.
static NAMED_VALUE_LIST: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i:可选值|取值|枚举值|possible values|allowed values|one of)\s*[:：]?\s*(.+)").ok());
static NAMED_VALUE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s,，;；、])([A-Za-z_][A-Za-z0-9_]*)\s*(?:-|:|：)\s*([^\s,，;；。、]+)").ok());

fn documented_values(desc: &str) -> Vec<DocumentedValue> {
    let mut out: Vec<DocumentedValue> = Vec::new();
    let mut push = |code: &str, label: &str| {
        if !out.iter().any(|v| v.code == code) {
            out.push(DocumentedValue { code: code.to_string(), label: label.to_string() });
        }
    };
    if let Some(re) = VALUE_LIST.as_ref() {
        for caps in re.captures_iter(desc) {
            if let (Some(code), Some(label)) = (caps.get(1), caps.get(2)) {
                push(code.as_str(), label.as_str());
            }
        }
    }
    if let (Some(list), Some(named)) = (NAMED_VALUE_LIST.as_ref(), NAMED_VALUE.as_ref())
        && let Some(rest) = list.captures(desc).and_then(|c| c.get(1))
    {
        for caps in named.captures_iter(rest.as_str()) {
            if let (Some(code), Some(label)) = (caps.get(1), caps.get(2)) {
                push(code.as_str(), label.as_str());
            }
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
    /// Line of the table row being resolved: sections named twice are looked up after it.
    near: u32,
    diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new(doc: &'a Document) -> Self {
        let mut kinds: Vec<SectionKind> = doc.sections.iter().map(|s| classify(&s.title)).collect();
        // `### 返回结果` › `#### 字段说明`: a heading that only says "fields" belongs to its parent's table.
        for i in 0..kinds.len() {
            let Some(s) = doc.sections.get(i) else { continue };
            if kinds.get(i) != Some(&SectionKind::Definition) || !is_generic_title(&s.title) {
                continue;
            }
            let parent = parent_section(doc, i);
            if let Some(k @ (SectionKind::BodyParams | SectionKind::ResponseParams)) =
                parent.and_then(|j| kinds.get(j)).copied()
                && let Some(slot) = kinds.get_mut(i)
            {
                *slot = k;
            }
        }
        // `### 响应参数` › `#### 示例数据`: an example heading that names no side takes its parent section's.
        for i in 0..kinds.len() {
            let Some(s) = doc.sections.get(i) else { continue };
            if kinds.get(i) != Some(&SectionKind::RequestExample) || names_request(&s.title) {
                continue;
            }
            let parent = parent_section(doc, i);
            if let Some(SectionKind::ResponseParams | SectionKind::ResponseExample) = parent.and_then(|j| kinds.get(j))
                && let Some(k) = kinds.get_mut(i)
            {
                *k = SectionKind::ResponseExample;
            }
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_path = Vec::new();
        for (i, s) in doc.sections.iter().enumerate() {
            if kinds.get(i) != Some(&SectionKind::Definition) {
                continue;
            }
            let title = s.title.trim_matches(|c: char| c == '`' || c.is_whitespace());
            // `重复事项配置信息（repeat）`: the parenthesized identifier names the section too.
            let parenthesized = title
                .split(['(', '（'])
                .nth(1)
                .and_then(|rest| rest.split([')', '）']).next())
                .map(str::trim)
                .filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') && !n.is_empty());
            for part in title.split(['&', ',', '，', '、', '/']).flat_map(|p| p.split(" and ")).chain(parenthesized) {
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
            near: 0,
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
        // A section with a table that is not already being expanded (a field named like its own section); of
        // two sections with one name (`#### data` for the request and for the response), the first one after
        // the row being resolved.
        let usable = |i: &usize| !self.stack.contains(i) && self.first_table(*i).is_some();
        let after = |i: &usize| self.section(*i).is_some_and(|s| s.line > self.near);
        candidates.iter().copied().find(|i| usable(i) && after(i)).or_else(|| candidates.iter().copied().find(usable))
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
                    .with_help(format!("add a `#### {r}` section with a field table, or fix the reference"))
                    .with_code(crate::review::UNRESOLVED_REFERENCE),
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
                    .with_help("remove one row, or give the nested object its own section")
                    .with_code(crate::review::DUPLICATE_FIELD),
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
            let required = if required && is_deprecated(&doc) {
                self.diags.push(
                    Diagnostic::warning(
                        self.file,
                        row.line,
                        format!("`{child_path}` is marked required but described as deprecated; generated as optional"),
                    )
                    .with_help("a deprecated field cannot be required: fix the required flag in the doc"),
                );
                false
            } else {
                required
            };
            let ty = self.resolve(name, &child_path, &type_word, &doc, row.line);
            let documented_values = match &ty {
                Ty::Scalar(Type::Integer | Type::String) => documented_values(&doc),
                _ => Vec::new(),
            };
            // Value lists become enums: `1 - shell, 2 - bat, …` on an integer (sent as integers, variants named by
            // the labels); `可选值: biz - 业务，biz_set - 业务集` on a string (named values only: numeric codes on a
            // string field may be labels of the names the API takes, as in nodeman's `os_type`).
            let named = documented_values.iter().all(|v| !v.code.starts_with(|c: char| c.is_ascii_digit()));
            let repr = match &ty {
                _ if documented_values.is_empty() => None,
                Ty::Scalar(Type::Integer) => Some(EnumRepr::Integer),
                Ty::Scalar(Type::String) if named => Some(EnumRepr::String),
                _ => None,
            };
            let ty = match repr {
                Some(repr) => Ty::Enum(EnumNode {
                    name: type_name(name),
                    doc: doc.clone(),
                    line: row.line,
                    values: documented_values
                        .iter()
                        .map(|v| EnumValue { value: v.code.clone(), doc: v.label.clone(), line: row.line })
                        .collect(),
                    repr,
                }),
                None => ty,
            };
            let secret = is_secret_name(name) && ty == Ty::Scalar(Type::String);
            let deprecated = is_deprecated(&doc);
            let base64 = !secret && ty == Ty::Scalar(Type::String) && doc.to_ascii_lowercase().contains("base64");
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
                base64,
                deprecated,
            });
        }
        self.add_path_children(path, &mut fields);
        nest_dotted_rows(&mut fields);
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
                base64: false,
                deprecated: false,
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
        Some(EnumNode { name: type_name(field), doc, line: s.line, values, repr: EnumRepr::String })
    }

    fn resolve(&mut self, name: &str, path: &str, type_word: &str, desc: &str, line: u32) -> Ty {
        self.near = line;
        // `处理套餐列表(ActionRelation)` / `list[duty_arrange]`: an identifier that names a section refers to it.
        let named_element = element_name(type_word).filter(|n| self.section_by_name(n).is_some());
        let reference = find_reference(desc).or(named_element).or_else(|| {
            parenthesized_identifiers(desc).find(|n| self.section_by_name(n).is_some()).map(str::to_string)
        });
        let shape = match parse_type_word(type_word) {
            Some(s) => s,
            None => {
                self.diags.push(
                    Diagnostic::warning(
                        self.file,
                        line,
                        format!("unknown type `{type_word}` of `{path}`; generated as untyped JSON"),
                    )
                    .with_help("correct the type in bkapi.toml (`corrections`), or fix the doc")
                    .with_code(crate::review::UNKNOWN_TYPE),
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

/// `与 account_id 必须存在一个` / `和 x 二选一` / `either this or x`: the other field of a one-of pair.
static ONE_OF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:与|和|或)\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:必须存在一个|至少(?:存在|提供|填写|传入)?一个|二选一|必填其一|必须有一个)|(?i:either\s+this\s+or|one\s+of\s+this\s+and)\s+`?([A-Za-z_][A-Za-z0-9_]*)",
    )
    .ok()
});

/// Groups of optional top-level request fields that the docs say cannot all be absent.
fn one_of_groups(fields: &[FieldNode]) -> Vec<Vec<String>> {
    let Some(re) = ONE_OF.as_ref() else { return Vec::new() };
    let mut groups: Vec<Vec<String>> = Vec::new();
    for f in fields.iter().filter(|f| !f.required) {
        for caps in re.captures_iter(&f.doc) {
            let Some(other) = caps.get(1).or_else(|| caps.get(2)).map(|m| m.as_str()) else { continue };
            if !fields.iter().any(|g| g.name == other && !g.required) || other == f.name {
                continue;
            }
            let mut group = vec![f.name.clone(), other.to_string()];
            group.sort();
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
    }
    groups
}

/// Descriptions that retire a field: `*已弃用*`, `已废弃`, `不推荐使用`, `deprecated`, `请使用 X 替代`,
/// `use X instead`.
static REPLACED_BY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i:请使用\s*\S+\s*(?:替代|代替|替换)|\buse\s+`?\S+`?\s+instead\b)").ok());

fn is_deprecated(desc: &str) -> bool {
    let d = desc.to_lowercase();
    ["弃用", "废弃", "不推荐使用", "deprecated"].iter().any(|w| d.contains(w))
        || REPLACED_BY.as_ref().is_some_and(|re| re.is_match(desc))
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

/// A request example written as a query string: `/api/v3/get_x?a=1&b=2`, `GET {{API_URL}}/?a=1`, `?a=1`,
/// `a=1&b=2`, or a bare path (no parameters). Pairs are percent-decoded.
fn query_example(text: &str) -> Option<Vec<(String, String)>> {
    if text.contains('\n') {
        return None;
    }
    let mut rest = text.trim();
    if let Some((word, after)) = rest.split_once(' ')
        && HttpMethod::parse(word).is_some()
    {
        rest = after.trim();
    }
    let query = match rest.split_once('?') {
        Some((before, query)) if !before.contains(char::is_whitespace) => query,
        Some(_) => return None,
        None if rest.starts_with('/') && !rest.contains(char::is_whitespace) && !rest.contains('=') => "",
        None => rest,
    };
    if query.is_empty() {
        return Some(Vec::new());
    }
    let key_ok = |k: &str| {
        k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
    };
    if !query.split('&').all(|pair| pair.split_once('=').is_some_and(|(k, _)| key_ok(k))) {
        return None;
    }
    Some(form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
}

/// Query strings carry no types: a value becomes a number or boolean where the table types the parameter so
/// (and the text is one), else a string. A repeated key becomes an array.
fn query_object(fields: &[FieldNode], pairs: Vec<(String, String)>) -> Value {
    let mut map = serde_json::Map::new();
    for (key, raw) in pairs {
        let ty = fields.iter().find(|f| f.name == key).map(|f| &f.ty);
        let scalar_ty = match ty {
            Some(Ty::Array(inner)) => Some(inner.as_ref()),
            other => other,
        };
        let value = match scalar_ty {
            Some(Ty::Scalar(Type::Integer)) => raw.parse::<i64>().map(Value::from).ok(),
            Some(Ty::Scalar(Type::Number)) => {
                raw.parse::<f64>().ok().and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            }
            Some(Ty::Scalar(Type::Boolean)) => raw.parse::<bool>().map(Value::Bool).ok(),
            _ => None,
        }
        .unwrap_or(Value::String(raw));
        match map.get_mut(&key) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None if matches!(ty, Some(Ty::Array(_))) => {
                map.insert(key, Value::Array(vec![value]));
            }
            None => {
                map.insert(key, value);
            }
        }
    }
    Value::Object(map)
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

/// Lowers one document. `beside` is what a manifest next to the docs says about its method and path.
/// Returns `None` (with an error diagnostic) when the document describes no API at all.
pub fn lower_api(
    doc: &Document,
    api_name: &str,
    flavor: Flavor,
    meta: Option<&ApiMeta>,
    meta_source: &MetaSource<'_>,
    beside: Option<&Location>,
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
                    cx.diags.push(
                        Diagnostic::error(
                            &file,
                            f.line,
                            format!("duplicate request parameter `{}` (first at line {})", f.name, prev.line),
                        )
                        .with_code(crate::review::DUPLICATE_FIELD),
                    );
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
    let mut data_line = 0;
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
        // A table of `data` alone (`| data | list | 告警列表 |`) describes the envelope too.
        let only_envelope_keys = names.iter().all(|n| ENVELOPE_KEYS.contains(n));
        let is_envelope = names.contains("data")
            && (["result", "code", "message"].iter().any(|k| names.contains(k))
                || (flavor == Flavor::Gateway && names.contains("error"))
                || only_envelope_keys);
        if is_envelope {
            for f in fields {
                if f.name == "data" {
                    data_word = f.type_word.clone();
                    data_line = f.line;
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
    let mut query_examples = false;
    let mut strays: Vec<StrayExample> = Vec::new();
    for (i, s) in doc.sections.iter().enumerate() {
        let kind = cx.kinds.get(i).copied().unwrap_or(SectionKind::Definition);
        for code in s.code_blocks() {
            let text = code.text.trim();
            let is_request_line = request_line(text).is_some_and(|(_, p)| !p.contains('?'));
            if kind == SectionKind::RequestExample
                && !is_request_line
                && let Some(pairs) = query_example(text)
            {
                query_examples = true;
                example_list.push(Example {
                    kind: ExampleKind::Request,
                    line: code.line,
                    value: Some(query_object(&request.fields, pairs)),
                    repairs: vec!["read from a query string; values typed by the parameter table".into()],
                    error: None,
                });
                continue;
            }
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
            let (example_kind, stray) = match kind {
                SectionKind::RequestExample => (ExampleKind::Request, false),
                SectionKind::ResponseExample => (ExampleKind::Response, false),
                _ => {
                    let looks_like_response = matches!(&read.value, Some(Value::Object(m)) if m.contains_key("result") || (m.contains_key("data") && crate::ir::is_envelope(m)));
                    (if looks_like_response { ExampleKind::Response } else { ExampleKind::Request }, true)
                }
            };
            let example =
                Example { kind: example_kind, line: code.line, value: read.value, repairs: read.repairs, error: None };
            let error = read.error.map(|(l, m)| (code.line + l.saturating_sub(1), m));
            if stray {
                strays.push(StrayExample { example, error, section: s.title.clone() });
            } else {
                example_list.push(read_example(&mut cx.diags, &file, example, error));
            }
        }
    }
    // JSON in other sections (`#### Target` with a sample of its object) is the API's example only when the doc
    // has none of that kind in its example sections.
    for StrayExample { example, error, section } in strays {
        if example_list.iter().any(|e| e.kind == example.kind) {
            continue;
        }
        cx.diags.push(
            Diagnostic::warning(
                &file,
                example.line,
                format!(
                    "example outside an example section (in `{section}`); taken as the {} example",
                    kind_word(example.kind)
                ),
            )
            .with_help("put it under `### 请求参数示例` / `### 返回结果示例`"),
        );
        example_list.push(read_example(&mut cx.diags, &file, example, error));
    }

    // An ESB doc that gives its path relative to the component root (`/v2/monitor/…`): the ESB serves it
    // under `/api/c/compapi`.
    if flavor == Flavor::Esb
        && let Some((p, _)) = &mut path
        && p.starts_with("/v2/")
    {
        *p = format!("{}{p}", crate::locate::ESB_PREFIX);
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
                            by_example: None,
                            line: 0,
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
                    by_example: None,
                    line: 0,
                });
            }
            path = Some((p.clone(), 0));
        } else if doc_path.is_none()
            && let Some(p) = &m.path
        {
            path = Some((p.clone(), 0));
        }
    }
    if let Some(found) = beside {
        match &path {
            None => path = Some((found.path.clone(), 0)),
            Some((p, line)) if !found.by_convention && p.trim_end_matches('/') != found.path.trim_end_matches('/') => {
                cx.diags.push(Diagnostic::warning(
                    &file,
                    *line,
                    format!(
                        "the doc's path `{p}` differs from `{}` in {}; the doc's is used",
                        found.path, found.origin
                    ),
                ));
            }
            Some(_) => {}
        }
        if method.is_none() {
            method = found.method;
        }
        if found.method.is_none() && doc_path.is_none() {
            cx.diags.push(Diagnostic::warning(&file, 1, format!("path `{}` taken from {}", found.path, found.origin)));
        }
    }
    if method.is_none()
        && let Some((p, _)) = &path
    {
        let guess = guess_method(api_name, query_examples);
        cx.diags.push(
            Diagnostic::warning(
                &file,
                1,
                format!("no HTTP method for `{p}`; guessed {} from the API's name and examples", guess.as_str()),
            )
            .with_help(format!("add `method` to `[apis.{api_name}]` in {}", meta_source.path)),
        );
        method = Some(guess);
    }
    let has_tables = cx.kinds.iter().any(|k| {
        matches!(
            k,
            SectionKind::BodyParams | SectionKind::PathParams | SectionKind::QueryParams | SectionKind::ResponseParams
        )
    });
    if !has_tables && example_list.is_empty() && request.fields.is_empty() {
        cx.diags.push(
            Diagnostic::error(&file, 1, "no parameter table and no example: this does not read as an API doc")
                .with_help("API docs have `请求参数` / `返回结果` sections with tables, or JSON examples"),
        );
        return (None, cx.diags);
    }
    let location = match (method, path) {
        (Some(m), Some((p, _))) => Some((m, p)),
        _ => {
            cx.diags.push(
                Diagnostic::error(
                    &file,
                    1,
                    "no HTTP method and path: the doc has no `请求地址`/`请求方法` section or `METHOD /path` line, \
                     and no manifest beside it names this API",
                )
                .with_help(format!("add `[apis.{api_name}]` with `method` and `path` to {}", meta_source.path)),
            );
            None
        }
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
                    by_example: None,
                    line: 0,
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

    // Fill in what the doc leaves open (array element types, heading-only containers, bare `dict`/`list`) from
    // the examples, and settle the few contradictions an example decides (`reconcile`; still reported as drift).
    for e in &example_list {
        let Some(v) = &e.value else { continue };
        match e.kind {
            ExampleKind::Request => {
                let params = crate::ir::request_params(v);
                reconcile_fields(&mut request.fields, &params, "request", e.line, &mut corrections);
                refine_object(&mut request, &params, e.line);
            }
            ExampleKind::Response => {
                let data = crate::ir::response_data(v);
                reconcile(&mut response, data, "response", data_line, e.line, &mut corrections);
                refine_ty(&mut response, data, e.line);
            }
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
        table_keys: table_keys(doc),
        name: api_name.to_string(),
        source: file,
        summary,
        location,
        one_of: one_of_groups(&request.fields),
        request,
        response,
        envelope,
        examples: example_list,
        corrections,
    };
    (Some(draft), cx.diags)
}

/// Every row name of every table in the doc (the last segment of a dotted name), sorted and unique.
fn table_keys(doc: &Document) -> Vec<String> {
    let mut keys = std::collections::BTreeSet::new();
    for table in doc.sections.iter().flat_map(Section::tables) {
        let cols = columns(&table.header);
        for row in &table.rows {
            let Some(cell) = row.cells.get(cols.name) else { continue };
            let name = cell.trim_matches(|c: char| c == '`' || c == '*' || c.is_whitespace());
            if let Some(last) = name.rsplit('.').next().filter(|n| !n.is_empty()) {
                keys.insert(last.to_string());
            }
        }
    }
    keys.into_iter().collect()
}

/// JSON found outside the example sections, with its reading error and the section it sits in.
struct StrayExample {
    example: Example,
    error: Option<(u32, String)>,
    section: String,
}

/// An example as the IR keeps it; an unreadable one is also an error diagnostic at its line.
fn read_example(
    diags: &mut Vec<Diagnostic>,
    file: &str,
    mut example: Example,
    error: Option<(u32, String)>,
) -> Example {
    if let Some((line, message)) = error {
        diags.push(
            Diagnostic::error(file, line, format!("unreadable {} example: {message}", kind_word(example.kind)))
                .with_help("fix the JSON in the doc's example"),
        );
        example.error = Some(format!("line {line}: {message}"));
    }
    example
}

fn kind_word(kind: ExampleKind) -> &'static str {
    match kind {
        ExampleKind::Request => "request",
        ExampleKind::Response => "response",
    }
}

/// ESB components take GET or POST; lookups (`get_…`, `list_…`) and docs whose example is a query string are GET.
fn guess_method(api_name: &str, query_string_example: bool) -> HttpMethod {
    let lookup = ["get_", "list_", "search_", "query_", "fetch_", "check_"].iter().any(|p| api_name.starts_with(p));
    if lookup || query_string_example { HttpMethod::Get } else { HttpMethod::Post }
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
            by_example: None,
            line: 0,
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
                        .with_code(crate::review::STALE_OVERRIDE)
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
                    repr: EnumRepr::String,
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

/// A type for a value the doc has no table for (or types only as `dict` / `list`): objects become structs named
/// after their field, with every field optional; list elements are merged. Marked `inferred` in the IR.
fn infer_ty(value: &Value, name: &str, line: u32) -> Ty {
    match value {
        Value::Object(map) if looks_like_record(map) => Ty::Object(infer_object(&[map], name, line)),
        Value::Object(_) | Value::Null => Ty::Map(Box::new(Ty::Scalar(Type::Json))),
        Value::Array(items) => Ty::Array(Box::new(infer_items(items, name, line))),
        v => Ty::Scalar(scalar_of(v).unwrap_or(Type::Json)),
    }
}

/// The element type of a list from all its example items.
fn infer_items(items: &[Value], name: &str, line: u32) -> Ty {
    let objects: Vec<&serde_json::Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
    if !objects.is_empty() && objects.len() == items.len() && objects.iter().all(|m| looks_like_record(m)) {
        return Ty::Object(infer_object(&objects, name, line));
    }
    Ty::Scalar(common_scalar(items).unwrap_or(Type::Json))
}

/// An object whose keys are field names (`{"id": 1}`), not data (`{"1": …}`, `{"10.0.0.1": …}`).
fn looks_like_record(map: &serde_json::Map<String, Value>) -> bool {
    !map.is_empty()
        && map.keys().all(|k| {
            k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

fn infer_object(maps: &[&serde_json::Map<String, Value>], name: &str, line: u32) -> ObjectNode {
    let mut keys: Vec<&String> = Vec::new();
    for m in maps {
        for k in m.keys() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let fields = keys
        .into_iter()
        .map(|k| {
            let values: Vec<Value> = maps.iter().filter_map(|m| m.get(k)).filter(|v| !v.is_null()).cloned().collect();
            let ty = match values.first() {
                None => Ty::Scalar(Type::Json),
                Some(Value::Array(_)) => {
                    let items: Vec<Value> = values.iter().filter_map(Value::as_array).flatten().cloned().collect();
                    Ty::Array(Box::new(infer_items(&items, k, line)))
                }
                Some(Value::Object(_)) => {
                    let objects: Vec<&serde_json::Map<String, Value>> =
                        values.iter().filter_map(Value::as_object).collect();
                    if objects.len() == values.len() && objects.iter().all(|m| looks_like_record(m)) {
                        Ty::Object(infer_object(&objects, k, line))
                    } else {
                        Ty::Map(Box::new(Ty::Scalar(Type::Json)))
                    }
                }
                Some(_) => Ty::Scalar(common_scalar(&values).unwrap_or(Type::Json)),
            };
            FieldNode {
                name: k.clone(),
                ty,
                required: false,
                doc: String::new(),
                line,
                type_word: String::new(),
                location: ParamLocation::Body,
                documented_values: Vec::new(),
                inferred: true,
                secret: is_secret_name(k),
                base64: false,
                deprecated: false,
            }
        })
        .collect();
    ObjectNode { name: type_name(name), doc: String::new(), line, fields }
}

/// Where the doc's table and its example disagree, some cases are settled by the example, recorded as a
/// correction `by_example` that drift still reports:
/// - a documented object (a struct from its section, or an untyped `dict`) that the example sends as a
///   non-empty list of objects becomes a list of it (docs often type a list field by its element's section);
/// - and the reverse: a list documented by its element's section that the example sends as one object;
/// - in a response, a scalar the example shows in a form the documented type cannot read (`long` but
///   `"API Quick execution"`) takes the example's type, and an untyped list or dict the example shows as the
///   other container becomes that: the client must read what the server sends.
///
/// Requests keep the table's scalar types: they send what the doc says. Everything else is only reported.
fn reconcile(ty: &mut Ty, value: &Value, target: &str, line: u32, example_line: u32, out: &mut Vec<Correction>) {
    let response = target.starts_with("response");
    if response
        && let Ty::Scalar(doc) = ty
        && let Some(example) = scalar_of(value)
        && !scalar_reads(doc, value)
    {
        out.push(Correction {
            target: target.to_string(),
            doc_says: scalar_word(doc).into(),
            corrected: scalar_word(&example).into(),
            reason: format!("the example at line {example_line} sends `{value}`"),
            by_example: Some(example_line),
            line,
        });
        *doc = example;
        return;
    }
    match (&mut *ty, value) {
        (Ty::Object(_) | Ty::Map(_), Value::Array(items))
            if !items.is_empty() && items.iter().all(Value::is_object) =>
        {
            let old = std::mem::replace(ty, Ty::Scalar(Type::Json));
            *ty = Ty::Array(Box::new(old));
            out.push(Correction {
                target: target.to_string(),
                doc_says: "object".into(),
                corrected: "array of objects".into(),
                reason: format!("the example at line {example_line} sends a list of these objects"),
                by_example: Some(example_line),
                line,
            });
            if let Ty::Array(inner) = ty {
                for item in items {
                    reconcile(inner, item, target, line, example_line, out);
                }
            }
        }
        // The reverse: a list documented by its element's section, sent as one such object.
        (Ty::Array(inner), Value::Object(_)) if matches!(inner.as_ref(), Ty::Object(_)) => {
            let Ty::Array(inner) = std::mem::replace(ty, Ty::Scalar(Type::Json)) else { return };
            *ty = *inner;
            out.push(Correction {
                target: target.to_string(),
                doc_says: "array of objects".into(),
                corrected: "object".into(),
                reason: format!("the example at line {example_line} sends one such object"),
                by_example: Some(example_line),
                line,
            });
            reconcile(ty, value, target, line, example_line, out);
        }
        // An untyped list or dict in a response that the example shows as the other kind of container.
        (Ty::Array(inner), Value::Object(_)) | (Ty::Map(inner), Value::Array(_))
            if response && **inner == Ty::Scalar(Type::Json) =>
        {
            let (doc_says, corrected, new) = if value.is_object() {
                ("array", "object", Ty::Map(Box::new(Ty::Scalar(Type::Json))))
            } else {
                ("object", "array", Ty::Array(Box::new(Ty::Scalar(Type::Json))))
            };
            *ty = new;
            out.push(Correction {
                target: target.to_string(),
                doc_says: doc_says.into(),
                corrected: corrected.into(),
                reason: format!("the example at line {example_line} sends an {corrected}"),
                by_example: Some(example_line),
                line,
            });
        }
        (Ty::Object(o), Value::Object(_)) => reconcile_fields(&mut o.fields, value, target, example_line, out),
        (Ty::Array(inner), Value::Array(items)) => {
            for item in items {
                reconcile(inner, item, target, line, example_line, out);
            }
        }
        _ => {}
    }
}

/// Rows named `config.alarm_end_time` next to a row `config` are fields of `config`'s object.
fn nest_dotted_rows(fields: &mut Vec<FieldNode>) {
    let mut i = 0;
    while i < fields.len() {
        let parent = match fields.get(i).and_then(|f| f.name.split_once('.')) {
            Some((parent, _)) if fields.iter().any(|f| f.name == parent) => parent.to_string(),
            _ => {
                i += 1;
                continue;
            }
        };
        let mut child = fields.remove(i);
        let target = fields.iter_mut().find(|f| f.name == parent).map(|f| match &mut f.ty {
            Ty::Array(inner) => inner.as_mut(),
            ty => ty,
        });
        let Some(target) = target else { break };
        if matches!(target, Ty::Map(_) | Ty::Scalar(Type::Json)) {
            *target = Ty::Object(ObjectNode {
                name: type_name(&parent),
                doc: String::new(),
                line: child.line,
                fields: Vec::new(),
            });
        }
        if let Ty::Object(object) = target {
            child.name = child.name.split_once('.').map_or(String::new(), |(_, rest)| rest.to_string());
            object.fields.push(child);
            nest_dotted_rows(&mut object.fields);
        } else {
            // A scalar parent: keep the row as it is.
            fields.insert(i, child);
            i += 1;
        }
    }
}

/// Whether the generated (lenient) reading of a documented scalar accepts this example value.
fn scalar_reads(doc: &Type, value: &Value) -> bool {
    match (doc, value) {
        (_, Value::Null) | (Type::Json, _) => true,
        (Type::Integer, Value::Number(n)) => n.is_i64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        (Type::Integer, Value::String(s)) => s.trim().is_empty() || s.trim().parse::<i64>().is_ok(),
        (Type::String, Value::String(_) | Value::Number(_)) => true,
        (Type::Number, Value::Number(_)) | (Type::Boolean, Value::Bool(_)) => true,
        _ => false,
    }
}

fn scalar_word(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::Boolean => "boolean",
        _ => "any",
    }
}

fn reconcile_fields(
    fields: &mut [FieldNode],
    value: &Value,
    target: &str,
    example_line: u32,
    out: &mut Vec<Correction>,
) {
    let Value::Object(map) = value else { return };
    // Heading-only fields take their container type from the example anyway (with a warning).
    for f in fields.iter_mut().filter(|f| !f.inferred) {
        if let Some(v) = map.get(&f.name) {
            reconcile(&mut f.ty, v, &format!("{target}.{}", f.name), f.line, example_line, out);
        }
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
        // `dict` / `list` without a section: the example shows what is inside.
        let untyped = match &field.ty {
            Ty::Map(inner) | Ty::Array(inner) => **inner == Ty::Scalar(Type::Json),
            Ty::Scalar(Type::Json) => true,
            _ => false,
        };
        if untyped {
            let inferred = match (&field.ty, v) {
                (Ty::Map(_) | Ty::Scalar(Type::Json), Value::Object(_)) | (Ty::Array(_), Value::Array(_)) => {
                    infer_ty(v, &field.name, line)
                }
                _ => field.ty.clone(),
            };
            if inferred != field.ty && is_more_typed(&inferred) {
                field.ty = inferred;
                field.inferred = true;
                if field.line == 0 {
                    field.line = line;
                }
            }
        }
        refine_ty(&mut field.ty, v, line);
    }
}

/// A type that says more than untyped JSON at its top.
fn is_more_typed(ty: &Ty) -> bool {
    match ty {
        Ty::Scalar(Type::Json) => false,
        Ty::Map(inner) | Ty::Array(inner) => is_more_typed(inner),
        _ => true,
    }
}

fn refine_ty(ty: &mut Ty, value: &Value, line: u32) {
    // An untyped list at the top (`| data | list |`): its example items tell the element type.
    if let (Ty::Array(inner), Value::Array(items)) = (&mut *ty, value)
        && **inner == Ty::Scalar(Type::Json)
    {
        let element = infer_items(items, "item", line);
        if is_more_typed(&element) {
            **inner = element;
        }
    }
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

    /// Lowers an inline doc as API `t` located at `POST /t/`; returns the draft and the diagnostics' texts.
    fn lower_text(text: &str) -> (ApiDraft, Vec<String>) {
        let doc = crate::markdown::parse("t.md", text);
        let meta = MetaSource { path: "bkapi.toml", text: "" };
        let at = Location {
            method: Some(HttpMethod::Post),
            path: "/t/".into(),
            origin: "test".into(),
            by_convention: false,
        };
        let (draft, diags) = lower_api(&doc, "t", Flavor::Esb, None, &meta, Some(&at), LowerOptions::default());
        let diags = diags.iter().map(ToString::to_string).collect();
        (draft.expect("an API"), diags)
    }

    fn field<'a>(object: &'a ObjectNode, name: &str) -> &'a FieldNode {
        object.fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no field {name} in {object:?}"))
    }

    fn response_object(d: &ApiDraft) -> &ObjectNode {
        match &d.response {
            Ty::Object(o) => o,
            other => panic!("response is not an object: {other:?}"),
        }
    }

    #[test]
    fn header_variants_and_required_values() {
        let (d, _) = lower_text(
            "### 请求参数\n\n| 名称 | 参数类型 | 是否必选 | 默认值 | 说明 |\n|---|---|---|---|---|\n| a | int | Y | 1 | x |\n| b | string | no | - | y |\n| c | bool | true | | z |\n\n\
             ### Request Parameters\n\n| Field | Type | Mandatory | Description |\n|---|---|---|---|\n| d | long | yes | w |\n| e | str | N | v |\n",
        );
        let r = &d.request;
        assert!(field(r, "a").required && !field(r, "b").required && field(r, "c").required);
        assert!(field(r, "d").required && !field(r, "e").required);
        assert_eq!(field(r, "a").ty, Ty::Scalar(Type::Integer));
        assert_eq!(field(r, "a").doc, "x (default: 1)");
        assert_eq!(field(r, "e").ty, Ty::Scalar(Type::String));
    }

    #[test]
    fn unknown_types_missing_and_extra_cells() {
        let (d, diags) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| a | 分发模式 | 否 | x |\n| b | int |\n| c | string | 是 | y | extra |\n",
        );
        assert_eq!(field(&d.request, "a").ty, Ty::Scalar(Type::Json));
        assert!(diags.iter().any(|m| m.contains("t.md:5: warning: unknown type `分发模式` of `a`")), "{diags:?}");
        assert_eq!(field(&d.request, "b").ty, Ty::Scalar(Type::Integer));
        assert!(!field(&d.request, "b").required);
        assert!(field(&d.request, "c").required);
    }

    #[test]
    fn escaped_and_full_width_pipes_in_cells() {
        let (d, _) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| a | string | 是 | x \\| y |\n| b | string | 否 | 1｜2 ｜\n",
        );
        assert_eq!(field(&d.request, "a").doc, "x | y");
        assert_eq!(field(&d.request, "b").doc, "1｜2");
    }

    #[test]
    fn nested_sections_by_name_path_reference_and_parentheses() {
        let (d, _) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | server | object | 是 | 目标 |\n| repeat | dict | 否 | 重复 |\n| rules | list | 否 | 规则列表(Rule) |\n| hosts | array | 否 | 见 host 定义 |\n\n\
             ###### server\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| ip | string | 是 | x |\n\n\
             #### 重复配置（repeat）\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| freq | string | 是 | x |\n\n\
             #### Rule\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n\n\
             #### host\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| port | int | 是 | x |\n\n\
             ### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n| data | object | x |\n\n\
             #### data.items\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| name | string | x |\n",
        );
        let object_fields = |ty: &Ty| match ty {
            Ty::Object(o) => o.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
            Ty::Array(inner) => match inner.as_ref() {
                Ty::Object(o) => o.fields.iter().map(|f| f.name.clone()).collect(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        };
        assert_eq!(object_fields(&field(&d.request, "server").ty), ["ip"]);
        assert_eq!(object_fields(&field(&d.request, "repeat").ty), ["freq"]);
        assert_eq!(object_fields(&field(&d.request, "rules").ty), ["id"]);
        assert_eq!(object_fields(&field(&d.request, "hosts").ty), ["port"]);
        assert_eq!(object_fields(&field(response_object(&d), "items").ty), ["name"]);
    }

    #[test]
    fn one_section_name_twice_is_looked_up_after_its_row() {
        let (d, _) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| data | object | 是 | x |\n\n\
             #### data\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| input | string | 是 | x |\n\n\
             ### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n| data | object | x |\n\n\
             #### data\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| output | int | x |\n",
        );
        assert!(matches!(&field(&d.request, "data").ty, Ty::Object(o) if o.fields[0].name == "input"));
        assert_eq!(response_object(&d).fields[0].name, "output");
    }

    #[test]
    fn english_doc_with_dotted_rows_and_a_response_example_under_its_section() {
        let (d, _) = lower_text(
            "### Request Parameters\n\n| Field | Type | Required | Description |\n|---|---|---|---|\n\
             | config | dict | YES | x |\n| config.port | int | YES | y |\n\n\
             ### Return Result Description\n\n| Field | Type | Description |\n|---|---|---|\n| result | bool | x |\n| data | list | x |\n\n\
             #### Example\n\n```json\n{\"result\": true, \"data\": [1, 2]}\n```\n",
        );
        let Ty::Object(config) = &field(&d.request, "config").ty else { panic!("config is not an object") };
        assert_eq!(field(config, "port").ty, Ty::Scalar(Type::Integer));
        assert_eq!(d.examples.len(), 1);
        assert_eq!(d.examples[0].kind, ExampleKind::Response);
        // The example also tells the element type of an untyped list.
        assert_eq!(d.response, Ty::Array(Box::new(Ty::Scalar(Type::Integer))));
    }

    #[test]
    fn query_string_examples_are_typed_by_the_table() {
        let (d, _) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | long | 是 | x |\n| ok | bool | 否 | y |\n| name | string | 否 | z |\n| tag | list | 否 | w |\n\n\
             ### 请求参数示例\n\n```json\n/api/v3/get_x?id=100&ok=true&name=a%20b&tag=x&tag=y&tag=z&name=c&name=d\n```\n",
        );
        let e = &d.examples[0];
        let expected = serde_json::json!({"id": 100, "ok": true, "name": ["a b", "c", "d"], "tag": ["x", "y", "z"]});
        assert_eq!(e.value, Some(expected), "a repeated key becomes a list, whatever the table says");
        assert!(e.repairs[0].contains("query string"));
    }

    #[test]
    fn numeric_value_lists_in_descriptions_make_integer_enums() {
        let (d, _) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | script_language | int | 否 | 脚本语言：1 - shell, 2 - bat |\n| os | string | 否 | 1：LINUX 2：WINDOWS |\n",
        );
        let Ty::Enum(e) = &field(&d.request, "script_language").ty else { panic!("not an enum") };
        assert_eq!((e.name.as_str(), e.repr), ("ScriptLanguage", EnumRepr::Integer));
        let values: Vec<(&str, &str)> = e.values.iter().map(|v| (v.value.as_str(), v.doc.as_str())).collect();
        assert_eq!(values, [("1", "shell"), ("2", "bat")]);
        let (d2, _) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | bk_scope_type | string | 是 | 资源范围类型。可选值: biz - 业务，biz_set - 业务集 |\n\
             | mode | int | 否 | 1-执行失败则暂停；2-忽略失败 |\n| timeout | int | 否 | 取值范围1-86400 |\n",
        );
        let Ty::Enum(scope) = &field(&d2.request, "bk_scope_type").ty else { panic!("not an enum") };
        let values: Vec<&str> = scope.values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!((values, scope.repr), (vec!["biz", "biz_set"], EnumRepr::String));
        assert!(matches!(&field(&d2.request, "mode").ty, Ty::Enum(e) if e.values.len() == 2));
        assert_eq!(field(&d2.request, "timeout").ty, Ty::Scalar(Type::Integer), "a range is no value list");
        // A string field with numeric codes keeps its type: the codes may be labels of names the API takes
        // (nodeman's `os_type`).
        assert_eq!(field(&d.request, "os").ty, Ty::Scalar(Type::String));
        assert_eq!(field(&d.request, "os").documented_values.len(), 2, "still checked against examples");
    }

    #[test]
    fn one_of_pairs_stated_in_descriptions_are_found() {
        let (d, _) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | account_alias | string | 否 | 执行帐号别名。与 account_id 必须存在一个。 |\n\
             | account_id | long | 否 | 执行账号 ID。与account_alias必须存在一个。 |\n\
             | a | string | 否 | 和 nothing 二选一 |\n",
        );
        assert_eq!(d.one_of, [vec!["account_alias".to_string(), "account_id".to_string()]]);
    }

    #[test]
    fn deprecated_required_fields_become_optional_with_a_warning() {
        let (d, diags) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| bk_biz_id | long | 是 | *已弃用*。业务ID |\n",
        );
        assert!(!field(&d.request, "bk_biz_id").required);
        assert!(field(&d.request, "bk_biz_id").deprecated, "generated with #[deprecated]");
        for retired in ["请使用 target_server.iplist替代。静态IP列表", "Use `account_id` instead.", "不推荐使用"]
        {
            assert!(is_deprecated(retired), "{retired}");
        }
        assert!(!is_deprecated("当使用 script_content 传入自定义脚本的时候"), "mentioning 使用 is not retiring");
        assert!(diags.iter().any(|m| m.contains("marked required but described as deprecated")), "{diags:?}");
    }

    #[test]
    fn examples_settle_container_shapes_and_response_scalars_but_not_request_scalars() {
        let (d, _) = lower_text(
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n\n\
             ### 请求参数示例\n\n```json\n{\"id\": \"abc\"}\n```\n\n\
             ### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n| data | object | x |\n\n\
             #### data\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| name | long | x |\n\n\
             ### 返回结果示例\n\n```json\n{\"result\": true, \"data\": [{\"name\": \"job 1\"}]}\n```\n",
        );
        // The request keeps the table's type: it sends what the doc says.
        assert_eq!(field(&d.request, "id").ty, Ty::Scalar(Type::Integer));
        let Ty::Array(item) = &d.response else { panic!("data should be a list: {:?}", d.response) };
        let Ty::Object(item) = item.as_ref() else { panic!("{item:?}") };
        assert_eq!(field(item, "name").ty, Ty::Scalar(Type::String));
        let settled: Vec<_> =
            d.corrections.iter().map(|c| (c.target.as_str(), c.corrected.as_str(), c.by_example)).collect();
        assert_eq!(settled, [("response", "array of objects", Some(29)), ("response.name", "string", Some(29))]);
    }

    #[test]
    fn stray_json_is_an_example_only_when_the_doc_has_none() {
        let doc = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| target | object | 是 | x |\n\n\
                   #### target\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| ip | string | 是 | x |\n\n```json\n{\"ip\": \"1.1.1.1\"}\n```\n";
        let (d, diags) = lower_text(doc);
        assert_eq!(d.examples.len(), 1, "the only JSON is taken, with a warning");
        assert!(diags.iter().any(|m| m.contains("example outside an example section")));
        let (d, _) =
            lower_text(&format!("{doc}\n### 请求参数示例\n\n```json\n{{\"target\": {{\"ip\": \"x\"}}}}\n```\n"));
        assert_eq!(d.examples.len(), 1);
        assert_eq!(d.examples[0].line, 20, "the example section's, not the stray one at line 14");
    }

    #[test]
    fn a_table_of_data_alone_describes_the_envelope() {
        let (d, _) =
            lower_text("### 返回结果\n\n#### 字段说明\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| data | list | x |\n");
        assert_eq!(d.response, Ty::Array(Box::new(Ty::Scalar(Type::Json))));
        assert!(d.envelope.is_empty());
    }

    #[test]
    fn esb_paths_relative_to_the_component_root_get_the_esb_prefix() {
        let (d, _) = lower_text(&format!(
            "### 请求地址\n\n/v2/monitor/models/x/add/\n\n### 请求方法\n\nGET\n\n{}",
            "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n"
        ));
        assert_eq!(d.location, Some((HttpMethod::Get, "/api/c/compapi/v2/monitor/models/x/add/".into())));
    }

    #[test]
    fn no_table_and_no_example_is_not_an_api_doc() {
        let doc = crate::markdown::parse("common.md", "# 通用说明\n\n一些文字。\n");
        let meta = MetaSource { path: "bkapi.toml", text: "" };
        let (draft, diags) = lower_api(&doc, "common", Flavor::Esb, None, &meta, None, LowerOptions::default());
        assert!(draft.is_none());
        assert!(diags[0].to_string().starts_with("common.md:1: error: no parameter table and no example"));
    }

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
