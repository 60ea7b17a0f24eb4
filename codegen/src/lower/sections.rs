//! Section roles: what each heading of the doc is (`请求参数`, `Path 参数`, `返回结果示例`, a definition …),
//! from its title and, for titles that say too little, from the section it sits under.

use crate::doc::{Document, normalize_title};

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

/// The role of every section of the doc, in order: by title, then fixed up by parent section.
pub(super) fn section_roles(doc: &Document) -> Vec<SectionKind> {
    let mut kinds: Vec<SectionKind> = doc.sections.iter().map(|s| classify(&s.title)).collect();
    generic_titles_take_parent_role(doc, &mut kinds);
    examples_take_parent_side(doc, &mut kinds);
    kinds
}

/// `### 返回结果` › `#### 字段说明`: a heading that only says "fields" belongs to its parent's table.
fn generic_titles_take_parent_role(doc: &Document, kinds: &mut [SectionKind]) {
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
}

/// `### 响应参数` › `#### 示例数据`: an example heading that names no side takes its parent section's.
fn examples_take_parent_side(doc: &Document, kinds: &mut [SectionKind]) {
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
