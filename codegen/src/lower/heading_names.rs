//! The names a heading gives the definition it titles: `#### server`, `data.success & data.failed`,
//! `重复事项配置信息（repeat）`, `data.aggs字段说明`. Sections use them to tell definitions from other
//! headings, nested sections to find the definition a field refers to.

use crate::read::doc::normalize_title;

/// Words around a definition's name that are not part of it: `data字段说明`, `page 字段说明`,
/// `data field description`, `host 定义`.
const NAME_DECORATIONS: &[&str] = &[
    "元素说明",
    "字段说明",
    "参数说明",
    "字段定义",
    "结构说明",
    "说明",
    "字段",
    "定义",
    "结构",
    "fielddescriptions",
    "fielddescription",
    "fieldexplanations",
    "fieldexplanation",
    "explanation",
    "fields",
    "field",
    "descriptions",
    "description",
    "definition",
    "structure",
];

/// Words before a definition's name (normalized: no spaces): `Explanation of the page field`.
const LEADING_DECORATIONS: &[&str] =
    &["explanationofthe", "explanationof", "descriptionofthe", "descriptionof", "elementsin", "elementsof"];

/// The names a definition heading gives (normalized): each part of `data.success & data.failed`, a
/// parenthesized identifier (`重复事项配置信息（repeat）`), without decorations (`data.aggs字段说明（…）`) and list
/// markers (`data.info[n]`). A heading that names no identifier (`正常响应体`) gives none.
pub(super) fn definition_names(title: &str) -> impl Iterator<Item = String> {
    let title = title.trim_matches(|c: char| c == '`' || c.is_whitespace());
    // `重复事项配置信息（repeat）`: the parenthesized identifier names the section too.
    let parenthesized = title
        .split(['(', '（'])
        .nth(1)
        .and_then(|rest| rest.split([')', '）']).next())
        .map(str::trim)
        .filter(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') && !n.is_empty())
        .map(str::to_string);
    let parts: Vec<String> = without_parentheses(title)
        .split(['&', ',', '，', '、', '/'])
        .flat_map(|p| p.split(" and "))
        .map(str::to_string)
        .chain(parenthesized)
        .filter_map(|part| name_of_part(&part))
        .collect();
    parts.into_iter()
}

/// The title without its parenthesized remarks (`config(TCP、UDP)` → `config`).
fn without_parentheses(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A name without its `[…]` list markers.
fn without_brackets(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// One part of a heading as a name: the part itself without decorations and list markers, or else the one
/// identifier or dotted path among its other words (`1.1 配置列表--conf_list`, `1、data`).
fn name_of_part(part: &str) -> Option<String> {
    let strip = |name: String| {
        // List markers: `data.info[n]`, `pods[x]`, `hosts[]`; a closing colon (`data Field Explanation:`).
        let mut name = without_brackets(&name).trim_end_matches([':', '：']).to_string();
        // `Explanation of the page field`, `Description of data`.
        while let Some(rest) = LEADING_DECORATIONS.iter().find_map(|d| name.strip_prefix(d)) {
            name = rest.to_string();
        }
        // A decoration is never a whole path segment: `metric_json.fields` names the field `fields`.
        while let Some(rest) = NAME_DECORATIONS.iter().find_map(|d| name.strip_suffix(d).filter(|r| !r.ends_with('.')))
        {
            name = rest.to_string();
        }
        name
    };
    let is_name = |name: &str| {
        name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
    };
    let name = strip(normalize_title(part).trim_matches('`').to_string());
    if is_name(&name) {
        return Some(name);
    }
    let tokens: Vec<&str> = name
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| t.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_'))
        .collect();
    match tokens.as_slice() {
        [one] => Some(strip((*one).to_string())).filter(|n| is_name(n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::definition_names;

    fn names(title: &str) -> Vec<String> {
        definition_names(title).collect()
    }

    #[test]
    fn english_explanation_headings_name_their_field() {
        assert_eq!(names("data Field Explanation"), ["data"]);
        assert_eq!(names("data Field Explanation:"), ["data"]);
        assert_eq!(names("Explanation of the page field"), ["page"]);
        assert_eq!(names("Explanation of data"), ["data"]);
        assert_eq!(names("Elements in related_resource_types"), ["related_resource_types"]);
        assert_eq!(names("dimension_conditions元素说明"), ["dimension_conditions"]);
        assert_eq!(names("data.info[x].property"), ["data.info.property"]);
        // A path whose last segment is a decoration word is still that path.
        assert_eq!(names("metric_json.fields"), ["metric_json.fields"]);
        assert_eq!(names("data.metric_json.fields 指标配置字段信息"), ["data.metric_json.fields"]);
        // Titles that name nothing.
        assert!(names("插件信息").is_empty());
        assert!(names("Fields").is_empty());
    }
}
