//! Section roles: what each heading of the doc is (`请求参数`, `Path 参数`, `返回结果示例`, a definition …),
//! from its title and, for titles that say too little, from the section it sits under.

use crate::read::doc::{Document, normalize_title};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SectionKind {
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

impl SectionKind {
    /// A section of the request's parameters (body, path or query).
    pub(super) fn is_request_params(self) -> bool {
        matches!(self, SectionKind::BodyParams | SectionKind::PathParams | SectionKind::QueryParams)
    }
}

/// A page of shared definitions (`common.md`: `## 通用字段和约定`, then `#### server`, `#### ip` …): named
/// definition tables, and nothing of an API — no address, method, parameter or example section, no code.
/// Other docs of its folder refer to its definitions.
pub fn is_definitions_page(doc: &Document) -> bool {
    let kinds = section_roles(doc);
    let of_an_api = kinds.iter().any(|k| !matches!(k, SectionKind::Definition | SectionKind::Summary));
    let has_code = doc.sections.iter().any(|s| s.code_blocks().next().is_some());
    let names_a_definition = doc.sections.iter().zip(&kinds).any(|(s, k)| {
        *k == SectionKind::Definition
            && s.tables().next().is_some()
            && super::heading_names::definition_names(&s.title).next().is_some()
    });
    !of_an_api && !has_code && names_a_definition
}

/// The role of every section of the doc, in order: by title, then fixed up by parent section.
pub(super) fn section_roles(doc: &Document) -> Vec<SectionKind> {
    let mut kinds: Vec<SectionKind> = doc.sections.iter().map(|s| classify(&s.title)).collect();
    generic_titles_take_parent_role(doc, &mut kinds);
    nameless_tables_take_parent_role(doc, &mut kinds);
    examples_take_parent_side(doc, &mut kinds);
    kinds
}

/// `### 请求参数` › `#### 业务参数`, `### 返回结果参数说明` › `##### 正常响应体`: a parameter section without a table
/// of its own has its table under a heading that names no field; that table is the section's, whatever the
/// heading says. (A heading that names a field, `#### server`, stays that field's definition.)
fn nameless_tables_take_parent_role(doc: &Document, kinds: &mut [SectionKind]) {
    for i in 0..kinds.len() {
        let Some(s) = doc.sections.get(i) else { continue };
        if kinds.get(i) != Some(&SectionKind::Definition) || s.tables().next().is_none() {
            continue;
        }
        if super::heading_names::definition_names(&s.title).next().is_some() {
            continue;
        }
        let Some(parent) = parent_section(doc, i) else { continue };
        let parent_has_table = doc.sections.get(parent).is_some_and(|p| p.tables().next().is_some());
        if let Some(k @ (SectionKind::BodyParams | SectionKind::ResponseParams)) = kinds.get(parent).copied()
            && !parent_has_table
            && let Some(slot) = kinds.get_mut(i)
        {
            *slot = k;
        }
    }
}

/// `### 返回结果` › `#### 字段说明`: a heading that only says "fields" belongs to its parent's table. One that says
/// "parameters" under no parameter section (bk-user's `### 参数说明`, before any response section) is the request's.
fn generic_titles_take_parent_role(doc: &Document, kinds: &mut [SectionKind]) {
    for i in 0..kinds.len() {
        let Some(s) = doc.sections.get(i) else { continue };
        if kinds.get(i) != Some(&SectionKind::Definition) || !is_generic_title(&s.title) {
            continue;
        }
        let parent = parent_section(doc, i).and_then(|j| kinds.get(j)).copied();
        let response_before = kinds.get(..i).is_some_and(|before| {
            before.iter().any(|k| matches!(k, SectionKind::ResponseParams | SectionKind::ResponseExample))
        });
        let role = match parent {
            Some(k @ (SectionKind::BodyParams | SectionKind::ResponseParams)) => Some(k),
            Some(SectionKind::Definition) | None if names_parameters(&s.title) && !response_before => {
                Some(SectionKind::BodyParams)
            }
            _ => None,
        };
        if let (Some(k), Some(slot)) = (role, kinds.get_mut(i)) {
            *slot = k;
        }
    }
}

/// A generic title that says "parameters" rather than "fields" (`参数说明`, `Parameter description`).
fn names_parameters(title: &str) -> bool {
    matches!(normalize_title(title).as_str(), "参数说明" | "参数列表" | "parameterdescription")
}

/// `### 响应参数` › `#### 示例数据`: an example heading that names no side takes its parent section's, or else
/// the side of the last parameter or example section before it (`### 响应参数` … `### \`users\` 格式说明` …
/// `#### 示例数据`).
fn examples_take_parent_side(doc: &Document, kinds: &mut [SectionKind]) {
    let mut response_side = false;
    for i in 0..kinds.len() {
        let Some(s) = doc.sections.get(i) else { continue };
        let kind = kinds.get(i).copied();
        let generic_example = kind == Some(SectionKind::RequestExample) && !names_request(&s.title);
        if !generic_example {
            match kind {
                Some(SectionKind::ResponseParams | SectionKind::ResponseExample) => response_side = true,
                Some(k) if k.is_request_params() || k == SectionKind::RequestExample => response_side = false,
                _ => {}
            }
            continue;
        }
        let parent = parent_section(doc, i).and_then(|j| kinds.get(j)).copied();
        let response = match parent {
            Some(SectionKind::ResponseParams | SectionKind::ResponseExample) => true,
            Some(k) if k.is_request_params() => false,
            _ => response_side,
        };
        if response && let Some(k) = kinds.get_mut(i) {
            *k = SectionKind::ResponseExample;
        }
    }
}

pub(super) fn classify(title: &str) -> SectionKind {
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
        "请求方法" | "请求方式" | "method" | "requestmethod" | "httpmethod" | "requestmode" => {
            return SectionKind::Method;
        }
        "功能描述"
        | "接口描述"
        | "描述"
        | "description"
        | "functiondescription"
        | "functionaldescription"
        | "interfacedescription"
        | "apidescription"
        | "功能说明" => {
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
            "接口参数"
                | "请求参数"
                | "输入参数"
                | "body"
                | "bodyparameters"
                | "requestparameters"
                | "入参"
                | "参数"
                // CMDB's English gateway docs: `### Parameters` before `### Response Parameters`.
                | "parameters"
                | "params"
                | "inputparameters"
                // IAM's gateway docs: `#### Request` (a table, a sample) before `#### Response`.
                | "request"
                | "请求"
        )
    {
        return SectionKind::BodyParams;
    }
    if has(&["返回结果", "返回参数", "响应参数", "返回说明", "returnresult", "responseparameters", "responsebody"])
    {
        return SectionKind::ResponseParams;
    }
    // The vocabulary of both languages: a side word and a word for parameters or their description
    // (`Return result parameters description`, `Response Description`, `Interface Parameters`, `输入参数说明`).
    const RESPONSE: &[&str] = &["返回", "响应", "输出", "出参", "response", "return", "result", "output"];
    const DESCRIBES: &[&str] =
        &["参数", "说明", "字段", "定义", "结构", "param", "description", "field", "definition", "structure"];
    const REQUEST: &[&str] = &["请求", "接口", "输入", "入参", "调用", "request", "interface", "input", "call"];
    const PARAMS: &[&str] = &["参数", "字段", "param", "argument", "field"];
    if has(RESPONSE) && has(DESCRIBES) {
        return SectionKind::ResponseParams;
    }
    if has(REQUEST) && has(PARAMS) {
        return SectionKind::BodyParams;
    }
    SectionKind::Definition
}

/// The section a heading sits under: the nearest earlier one with a lower level.
pub(super) fn parent_section(doc: &Document, i: usize) -> Option<usize> {
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

/// A title that says it is about the request (`请求示例`, `Request example`, `输入示例`).
fn names_request(title: &str) -> bool {
    let t = normalize_title(title);
    ["请求", "request", "输入", "调用", "入参"].iter().any(|w| t.contains(w))
}

/// Whether the doc has any parameter table section (request or response).
pub(super) fn has_param_sections(kinds: &[SectionKind]) -> bool {
    kinds.iter().any(|k| {
        matches!(
            k,
            SectionKind::BodyParams | SectionKind::PathParams | SectionKind::QueryParams | SectionKind::ResponseParams
        )
    })
}
