//! Parameter tables: which column holds what, required flags, rows → [`FieldNode`]s, and what a row's
//! description says about its field (value lists that make enums, deprecation, secrets, Base64, one-of pairs).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::doc_context::DocContext;
use super::tree::{EnumNode, FieldNode, ObjectNode, Ty};
use crate::diagnostics::Diagnostic;
use crate::ir::{AUTH_KEYS, DocumentedValue, EnumRepr, EnumValue, ParamLocation, Type};
use crate::naming::type_name;
use crate::read::doc::{Block, Document, Section, Table, TableRow, normalize_title};

/// Which column holds what, found by header words.
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns {
    pub(super) name: usize,
    pub(super) ty: Option<usize>,
    required: Option<usize>,
    pub(super) desc: Option<usize>,
    default: Option<usize>,
}

pub(super) fn columns(header: &[String]) -> Columns {
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

/// A row's cell in column `i`, `""` when the column or the cell is missing.
fn cell(row: &TableRow, i: Option<usize>) -> &str {
    i.and_then(|i| row.cells.get(i)).map(String::as_str).unwrap_or("")
}

impl<'a> DocContext<'a> {
    /// Fields of a parameter table. `path` is the dotted path of the object these fields belong to ("" for root).
    pub(super) fn fields_of(&mut self, table: &'a Table, path: &str, location: ParamLocation) -> Vec<FieldNode> {
        let cols = columns(&table.header);
        let mut fields: Vec<FieldNode> = Vec::new();
        // Line of each name's first row: the duplicate check stays linear in the table's rows.
        let mut first_rows: HashMap<String, u32> = HashMap::new();
        // A table that lists the app's secret describes the common arguments every call authenticates with (ESB
        // docs, and gateway docs copied from them), not the API's own parameters.
        let lists_common_arguments =
            table.rows.iter().any(|r| matches!(row_name(cell(r, Some(cols.name))), "bk_app_secret" | "app_secret"));
        let credentials_are_parameters = self.credentials_are_parameters && !lists_common_arguments;
        for row in &table.rows {
            let name = row_name(cell(row, Some(cols.name)));
            if name.is_empty() || name.chars().all(|c| c == '-' || c == '.') {
                continue;
            }
            if AUTH_KEYS.contains(&name) && !credentials_are_parameters {
                continue;
            }
            if is_swallowed_text(row, cols.name) {
                self.diags.push(
                    Diagnostic::warning(
                        self.file,
                        row.line,
                        "a line of text right after the table reads as one of its rows (Markdown continues a table \
                         until a blank line): not a field",
                    )
                    .with_help("put a blank line between the table and the text"),
                );
                continue;
            }
            if let Some(first) = first_rows.get(name) {
                // The same row again (a copy slip: same type, same required flag, same text): one field.
                let same_text = |a: &[String], b: &[String]| {
                    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.trim() == y.trim())
                };
                if let Some(earlier) = table.rows.iter().find(|r| r.line == *first)
                    && same_text(&earlier.cells, &row.cells)
                {
                    self.diags.push(Diagnostic::warning(
                        self.file,
                        row.line,
                        format!("field `{name}` is listed again as at line {first}, word for word: one field"),
                    ));
                    continue;
                }
                self.diags.push(
                    Diagnostic::error(self.file, row.line, format!("duplicate field `{name}` (first at line {first})"))
                        .with_help("remove one row, or give the nested object its own section")
                        .with_code(
                            crate::diagnostics::codes::DUPLICATE_FIELD,
                            if path.is_empty() { name.to_string() } else { format!("{path}.{name}") },
                        ),
                );
                continue;
            }
            let field = self.field_of_row(row, &cols, name, path, location);
            first_rows.insert(name.to_string(), field.line);
            fields.push(field);
        }
        self.add_path_children(path, &mut fields);
        // The examples are read for this only when a row has a dot in its name (few tables do).
        let none = HashSet::new();
        let literal = if fields.iter().any(|f| f.name.contains('.')) { self.literal_dotted_keys() } else { &none };
        nest_dotted_rows(&mut fields, literal);
        fields
    }

    /// One row as a field: its description (with the default), required flag, type, and what the description
    /// says about it.
    fn field_of_row(
        &mut self,
        row: &TableRow,
        cols: &Columns,
        name: &str,
        path: &str,
        location: ParamLocation,
    ) -> FieldNode {
        let type_word = cell(row, cols.ty).to_string();
        let mut doc = cell(row, cols.desc).to_string();
        let default = cell(row, cols.default);
        if !default.is_empty() && default != "-" {
            doc = format!("{doc} (default: {default})").trim().to_string();
        }
        let required = self.required_flag(row, cols, name);
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
        let ty = value_list_enum(ty, name, &doc, row.line, &documented_values);
        let secret = is_secret_name(name) && ty == Ty::Scalar(Type::String);
        let deprecated = is_deprecated(&doc);
        let base64 = !secret && ty == Ty::Scalar(Type::String) && doc.to_ascii_lowercase().contains("base64");
        FieldNode {
            name: name.to_string(),
            ty,
            required,
            doc,
            line: row.line,
            type_word,
            location,
            documented_values,
            inferred: false,
            from_example: None,
            secret,
            base64,
            deprecated,
        }
    }

    /// The row's required flag; a value that is no flag is optional, with a warning. No column: optional.
    fn required_flag(&mut self, row: &TableRow, cols: &Columns, name: &str) -> bool {
        if cols.required.is_none() {
            return false;
        }
        match parse_required(cell(row, cols.required)) {
            Some(r) => r,
            None => {
                self.diags.push(Diagnostic::warning(
                    self.file,
                    row.line,
                    format!(
                        "`{}` is not a required-flag value; treating `{name}` as optional",
                        cell(row, cols.required)
                    ),
                ));
                false
            }
        }
    }
}

/// Value lists become enums: `1 - shell, 2 - bat, …` on an integer (sent as integers, variants named by the
/// labels); `可选值: biz - 业务，biz_set - 业务集` on a string (named values only: numeric codes on a string field
/// may be labels of the names the API takes, as in nodeman's `os_type`). Any other type is kept.
fn value_list_enum(ty: Ty, name: &str, doc: &str, line: u32, documented_values: &[DocumentedValue]) -> Ty {
    let named = documented_values.iter().all(|v| !v.code.starts_with(|c: char| c.is_ascii_digit()));
    let repr = match &ty {
        _ if documented_values.is_empty() => None,
        Ty::Scalar(Type::Integer) => Some(EnumRepr::Integer),
        Ty::Scalar(Type::String) if named => Some(EnumRepr::String),
        _ => None,
    };
    match repr {
        Some(repr) => Ty::Enum(EnumNode {
            name: type_name(name),
            doc: doc.to_string(),
            line,
            values: documented_values
                .iter()
                .map(|v| EnumValue { value: v.code.clone(), doc: v.label.clone(), line, other_labels: Vec::new() })
                .collect(),
            repr,
        }),
        None => ty,
    }
}

/// `1：LINUX 2：WINDOWS`, `1 - shell, 2 - bat`, `0:不是（默认），1:是`, `1.未执行; 2.正在执行`, `1、上传`: at least
/// two distinct numeric codes. `1-执行失败则暂停；2-忽略失败` too; a label never starts with a digit (`1-86400` is
/// a range, not a list). Each match is where a code and its label start; the label runs to the next code.
static VALUE_LIST: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9A-Za-z_.])(\d+)\s*(?:[:：=]|-|\.|、)\s*[^\s\d,，;；。、.(（)）]").ok());

/// `1(shell脚本)、2(bat脚本)`: each code with its label in parentheses.
static PARENTHESIZED_VALUE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9A-Za-z_.])(\d+)\s*[(（]\s*([^\s\d()（）][^()（）]*?)\s*[)）]").ok());

/// Where a label ends: a list separator, a sentence's end, a parenthesis (a remark: `不是（默认）`), a line's end.
const LABEL_END: &[char] = &[',', '，', ';', '；', '。', '(', '（', ')', '）', '\n', '|'];

/// A label as written, whole (`not online`, `外部引擎`), without the punctuation around it.
fn whole_label(text: &str) -> &str {
    let end = text.find(LABEL_END).unwrap_or(text.len());
    text.get(..end).unwrap_or(text).trim_matches(|c: char| c.is_whitespace() || "、.:：`'\"*".contains(c))
}

/// `可选值: biz - 业务，biz_set - 业务集`: named values after a marker that says the list is the values.
static NAMED_VALUE_LIST: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i:可选值|取值|枚举值|possible values|allowed values|one of)\s*[:：]?\s*(.+)").ok());
static NAMED_VALUE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s,，;；、])([A-Za-z_][A-Za-z0-9_]*)\s*(?:-|:|：)\s*([^\s,，;；。、]+)").ok());

pub(super) fn documented_values(desc: &str) -> Vec<DocumentedValue> {
    let mut out: Vec<DocumentedValue> = Vec::new();
    let mut push = |code: &str, label: &str| {
        if !out.iter().any(|v| v.code == code) {
            out.push(DocumentedValue { code: code.to_string(), label: label.to_string() });
        }
    };
    if let Some(re) = VALUE_LIST.as_ref() {
        // (code, where its label starts, where the whole match starts): a label runs to the next code.
        let starts: Vec<(&str, usize, usize)> = re
            .captures_iter(desc)
            .filter_map(|caps| {
                let (whole, code) = (caps.get(0)?, caps.get(1)?);
                // The label's first character is the match's last.
                let label_at = whole.end() - whole.as_str().chars().next_back()?.len_utf8();
                Some((code.as_str(), label_at, code.start()))
            })
            .collect();
        for (i, (code, label_at, _)) in starts.iter().enumerate() {
            let next = starts.get(i + 1).map_or(desc.len(), |(_, _, at)| *at);
            let label = desc.get(*label_at..next).map(whole_label).unwrap_or_default();
            if !label.is_empty() {
                push(code, label);
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
    if out.len() >= 2 {
        return out;
    }
    let parenthesized = parenthesized_values(desc);
    if parenthesized.len() >= 2 {
        return parenthesized;
    }
    let worded = values_for_words(desc);
    if worded.len() >= 2 { worded } else { Vec::new() }
}

static VALUE_FOR_WORDS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[\s(（,，;；、:：。])(-?\d+)(?:\s+for\s+([A-Za-z][A-Za-z0-9_-]*(?:[ \t]+[A-Za-z][A-Za-z0-9_-]*)*)|\s*为\s*([^\s,，;；。、()（）]+))",
    )
    .ok()
});

/// `Type (0 for int, 1 for string)`, `0 for offline and 1 for online`, `0为不在线，1为在线`: codes each followed by
/// what it stands for, each distinct code once.
fn values_for_words(desc: &str) -> Vec<DocumentedValue> {
    distinct_values(VALUE_FOR_WORDS.as_ref(), desc, |caps| {
        // `0 for offline and 1 for online`: the joining word is no part of a label.
        let label = caps.get(2).or_else(|| caps.get(3))?.as_str();
        Some(label.trim_end_matches(" and").trim_end_matches(" or").trim())
    })
}

/// `1(shell脚本)、2(bat脚本)`, each distinct code once.
fn parenthesized_values(desc: &str) -> Vec<DocumentedValue> {
    distinct_values(PARENTHESIZED_VALUE.as_ref(), desc, |caps| caps.get(2).map(|l| l.as_str()))
}

/// The code (capture 1) and label (`label_of`) of each match of `re` in `desc`, each distinct code once; a match
/// without a label is skipped.
fn distinct_values<'d>(
    re: Option<&Regex>,
    desc: &'d str,
    label_of: impl Fn(&regex::Captures<'d>) -> Option<&'d str>,
) -> Vec<DocumentedValue> {
    let mut out: Vec<DocumentedValue> = Vec::new();
    let Some(re) = re else { return out };
    for caps in re.captures_iter(desc) {
        if let (Some(code), Some(label)) = (caps.get(1), label_of(&caps))
            && !label.is_empty()
            && !out.iter().any(|v| v.code == code.as_str())
        {
            out.push(DocumentedValue { code: code.as_str().to_string(), label: label.to_string() });
        }
    }
    out
}

/// Descriptions that retire a field: `*已弃用*`, `已废弃`, `不推荐使用`, `deprecated`, `请使用 X 替代`,
/// `use X instead`.
static REPLACED_BY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i:请使用\s*\S+\s*(?:替代|代替|替换)|\buse\s+`?\S+`?\s+instead\b)").ok());

pub(super) fn is_deprecated(desc: &str) -> bool {
    let d = desc.to_lowercase();
    ["弃用", "废弃", "不推荐使用", "deprecated"].iter().any(|w| d.contains(w))
        || REPLACED_BY.as_ref().is_some_and(|re| re.is_match(desc))
}

/// A doc that says only that its API is retired (IAM's `authorization_instance.md.j2` is the one word
/// `Deprecated`): no table, no code, a few words that retire it. Nothing to generate, and no doc that failed.
pub fn is_retirement_notice(doc: &Document) -> bool {
    let has_structure = doc.sections.iter().any(|s| s.blocks.iter().any(|b| !matches!(b, Block::Text(_))));
    let words: Vec<&str> = doc
        .sections
        .iter()
        .flat_map(|s| {
            std::iter::once(s.title.as_str()).chain(s.blocks.iter().filter_map(|b| match b {
                Block::Text(t) => Some(t.text.as_str()),
                _ => None,
            }))
        })
        .filter(|t| !t.trim().is_empty())
        .collect();
    let text = words.join(" ");
    // A sentence or two: a longer text describes the API, even when it mentions deprecation.
    const NOTICE_CHARS: usize = 160;
    !has_structure && !text.is_empty() && text.chars().count() <= NOTICE_CHARS && is_deprecated(&text)
}

/// Field names that carry credentials: the rule the runtime scrubs errors by, too.
pub(super) use bkapi_wire::secrets::is_secret_name;

/// `与 account_id 必须存在一个` / `和 x 二选一` / `either this or x`: the other field of a one-of pair.
static ONE_OF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:与|和|或)\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:必须存在一个|至少(?:存在|提供|填写|传入)?一个|二选一|必填其一|必须有一个)|(?i:either\s+this\s+or|one\s+of\s+this\s+and)\s+`?([A-Za-z_][A-Za-z0-9_]*)",
    )
    .ok()
});

/// Groups of optional top-level request fields that the docs say cannot all be absent.
pub(super) fn one_of_groups(fields: &[FieldNode]) -> Vec<Vec<String>> {
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

/// Every row name of every table in the doc (the last segment of a dotted name), sorted and unique.
pub(super) fn table_keys(doc: &Document) -> Vec<String> {
    let keys: std::collections::BTreeSet<String> = doc
        .sections
        .iter()
        .flat_map(Section::tables)
        .flat_map(row_names)
        .filter_map(|name| name.rsplit('.').next().filter(|n| !n.is_empty()).map(str::to_string))
        .collect();
    keys.into_iter().collect()
}

/// The names in a table's name column, as written (`config.port` stays dotted).
pub(super) fn row_names(table: &Table) -> impl Iterator<Item = &str> {
    let cols = columns(&table.header);
    table.rows.iter().filter_map(move |row| {
        let cell = row.cells.get(cols.name)?;
        Some(row_name(cell)).filter(|n| !n.is_empty())
    })
}

/// `indexes[]`, `info[x]`, `hosts[0]` → the list's name, and that the items are meant.
fn list_items_of(name: &str) -> (&str, bool) {
    match name.strip_suffix(']').and_then(|n| n.rsplit_once('[')) {
        Some((base, marker))
            if !base.is_empty() && marker.len() <= 2 && marker.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (base, true)
        }
        _ => (name, false),
    }
}

/// A row `resources[]` types the items of the list `resources` (a row of its own when there is none).
fn items_rows_type_their_lists(fields: &mut Vec<FieldNode>) {
    let mut i = 0;
    while i < fields.len() {
        let list = fields.get(i).filter(|f| !f.name.contains('.')).and_then(|f| match list_items_of(&f.name) {
            (name, true) => Some(name.to_string()),
            _ => None,
        });
        let Some(list) = list else {
            i += 1;
            continue;
        };
        let row = fields.remove(i);
        match fields.iter_mut().find(|f| f.name == list) {
            Some(holder) => {
                let untyped_items = match &holder.ty {
                    Ty::Array(inner) => matches!(inner.as_ref(), Ty::Scalar(Type::Json) | Ty::Map(_)),
                    ty => matches!(ty, Ty::Scalar(Type::Json) | Ty::Map(_)),
                };
                if untyped_items {
                    holder.ty = Ty::Array(Box::new(row.ty));
                }
            }
            None => {
                fields.insert(i, FieldNode { name: list, ty: Ty::Array(Box::new(row.ty)), ..row });
                i += 1;
            }
        }
    }
}

/// A row that is a sentence in its name cell and nothing in the others: a paragraph Markdown continued into the
/// table (`**Note: the biz_set_recall event will be triggered when …**` right under the last row), no field.
fn is_swallowed_text(row: &TableRow, name_column: usize) -> bool {
    let name = row_name(cell(row, Some(name_column)));
    let others_empty = row.cells.iter().enumerate().all(|(i, c)| i == name_column || c.trim().is_empty());
    others_empty && name.split_whitespace().count() >= 3
}

/// A name cell without its markup (`` `id` ``, `**id**`).
pub(super) fn row_name(cell: &str) -> &str {
    cell.trim_matches(|c: char| c == '`' || c == '*' || c.is_whitespace())
}

/// Rows named `config.alarm_end_time` next to a row `config` are fields of `config`'s object.
/// Rows whose first column is a path (`indexes[].bk_biz_id`, `data.info[x].ip`, `resources[]`) document a place, not
/// fields of those names: `x[]` is the items of the list `x`, `x.y` the field `y` of the object `x`. A dotted name
/// the doc's examples send as one key (`"event.content": {…}`, in `literal`) is that key, not a path.
pub(super) fn nest_dotted_rows(fields: &mut Vec<FieldNode>, literal: &HashSet<String>) {
    items_rows_type_their_lists(fields);
    let mut i = 0;
    while i < fields.len() {
        let (parent, of_items) = match fields.get(i).and_then(|f| f.name.split_once('.')) {
            Some(_) if fields.get(i).is_some_and(|f| literal.contains(&f.name)) => {
                i += 1;
                continue;
            }
            Some((parent, _)) if !parent.is_empty() => {
                let (name, of_items) = list_items_of(parent);
                (name.to_string(), of_items)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        // `value.ip` with no `value` row: the rows name their object's fields, so the object exists.
        if !fields.iter().any(|f| f.name == parent)
            && let Some(first) = fields.get(i)
        {
            let object = ObjectNode {
                name: type_name(&parent),
                doc: String::new(),
                line: first.line,
                fields: Vec::new(),
                placed_by_keys: None,
            };
            // Documented by its rows, so not inferred; in the same place as they are.
            let ty = if of_items { Ty::Array(Box::new(Ty::Object(object))) } else { Ty::Object(object) };
            let holder = FieldNode::inferred(&parent, ty, first.line);
            let holder = FieldNode { inferred: false, location: first.location, ..holder };
            fields.insert(i, holder);
            i += 1;
        }
        let mut child = fields.remove(i);
        let target = fields.iter_mut().find(|f| f.name == parent).map(|f| match &mut f.ty {
            Ty::Array(inner) => inner.as_mut(),
            ty => ty,
        });
        let Some(target) = target else { break };
        // Rows below it make it an object, whatever its type cell says (`| options | string |` followed by
        // `| options.converge_config | object |`).
        if matches!(target, Ty::Map(_) | Ty::Scalar(Type::Json | Type::String)) {
            *target = Ty::Object(ObjectNode {
                name: type_name(&parent),
                doc: String::new(),
                line: child.line,
                fields: Vec::new(),
                placed_by_keys: None,
            });
        }
        if let Ty::Object(object) = target {
            child.name = child.name.split_once('.').map_or(String::new(), |(_, rest)| rest.to_string());
            object.fields.push(child);
            nest_dotted_rows(&mut object.fields, literal);
        } else {
            // A scalar parent: keep the row as it is.
            fields.insert(i, child);
            i += 1;
        }
    }
}
