//! Paged APIs. Requests that ask for one page are recognised and recorded (`page: {start, limit}`,
//! `start` / `length`, `page` / `page_size`). Responses: docs often table the items of a list API while the
//! example (and the server) return a page of them — JOB's `data: {data: [...], start, length, total}`, CMDB's
//! `{count, info: [...]}`. Then the response becomes a page whose items are the documented struct, recorded as a
//! correction `by_example` (drift still reports it: the doc describes items, the server sends pages).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::find_examples::first_data_example;
use super::inference::{infer_ty, records_of, settled};
use super::tree::{FieldNode, ObjectNode, Ty};
use crate::ir::{Correction, Example, PageRequest, PageResponse, Type};

/// Keys that sit next to the list of items in a page.
const PAGE_KEYS: &[&str] = &[
    "total",
    "count",
    "total_count",
    "start",
    "length",
    "limit",
    "offset",
    "page",
    "page_size",
    "pagesize",
    "size",
    "num_pages",
    "total_page",
    "page_num",
    "has_more",
    "has_next",
    "next",
    "previous",
];

/// Keys that give the total number of items, in the order they are preferred.
const TOTAL_KEYS: &[&str] = &["total", "count", "total_count"];

/// How the request asks for a page, from its final fields.
pub(super) fn page_request(request: &ObjectNode) -> Option<PageRequest> {
    let field = |name: &str| request.fields.iter().find(|f| f.name == name);
    let is_integer = |f: &FieldNode| matches!(f.ty, Ty::Scalar(Type::Integer));
    if let Some(page) = field("page")
        && let Ty::Object(o) = &page.ty
    {
        let has = |n: &str| o.fields.iter().any(|f| f.name == n);
        if has("start") && has("limit") {
            return Some(PageRequest::PageObject {
                field: "page".into(),
                start: "start".into(),
                limit: "limit".into(),
            });
        }
    }
    if field("start").is_some_and(is_integer) {
        let limit = ["length", "limit", "page_size", "pagesize"].into_iter().find(|n| field(n).is_some_and(is_integer));
        if let Some(limit) = limit {
            return Some(PageRequest::Offset { start: "start".into(), limit: limit.into() });
        }
    }
    if field("page").is_some_and(is_integer) {
        let size = ["page_size", "pagesize", "limit", "size"].into_iter().find(|n| field(n).is_some_and(is_integer));
        if let Some(size) = size {
            return Some(PageRequest::PageNumber { page: "page".into(), size: size.into() });
        }
    }
    None
}

/// The largest page the doc allows, from the text of the request's page size field (`每页限制条数,最大500`,
/// `page limit, max is 500`, `… is 1000 at most`).
pub(super) fn max_page_size(request: &ObjectNode, page: &PageRequest) -> Option<u64> {
    let field = |fields: &[FieldNode], name: &str| fields.iter().find(|f| f.name == name).cloned();
    let size = match page {
        PageRequest::PageObject { field: object, limit, .. } => match field(&request.fields, object)?.ty {
            Ty::Object(o) => field(&o.fields, limit)?,
            _ => return None,
        },
        PageRequest::Offset { limit, .. } => field(&request.fields, limit)?,
        PageRequest::PageNumber { size, .. } => field(&request.fields, size)?,
    };
    let found = MAX_SIZE.as_ref()?.captures(&size.doc)?;
    found.iter().skip(1).flatten().find_map(|m| m.as_str().parse().ok()).filter(|n: &u64| *n > 0)
}

static MAX_SIZE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:最大|最多|不超过|上限)值?[为是]?\s*[:：]?\s*(\d+)",
        r"|(?i:max(?:imum)?\.?|(?:at )?most|up to|no more than|not exceed(?:ing)?)(?:\s+(?:value\s+)?(?:is|of))?\s*[:：]?\s*(\d+)",
        r"|(\d+)\s+at most",
    ))
    .ok()
});

/// The one list of items in a page-shaped object and its total key, when every other key is a page key.
fn page_shape(map: &Map<String, Value>) -> Option<(&str, Option<&'static str>)> {
    let mut lists = map.iter().filter(|(k, v)| v.is_array() && !PAGE_KEYS.contains(&k.as_str()));
    let (items, _) = lists.next()?;
    if lists.next().is_some() || map.len() < 2 {
        return None;
    }
    if !map.keys().all(|k| k == items || PAGE_KEYS.contains(&k.as_str())) {
        return None;
    }
    Some((items.as_str(), TOTAL_KEYS.iter().copied().find(|t| map.contains_key(*t))))
}

/// Turns a response documented as its items into the page the example shows, and records where a page's
/// items and total are. `camel` names the page (`{camel}Response`) and its items (`{camel}ResponseItem`).
pub(super) fn page_response(
    response: &mut Ty,
    examples: &[Example],
    camel: &str,
    corrections: &mut Vec<Correction>,
) -> Option<PageResponse> {
    let (data, line) = first_data_example(examples).map(|(v, line)| (crate::ir::response_data(v), line))?;
    let Value::Object(map) = data else { return None };
    let (items_key, total) = page_shape(map)?;
    let items = map.get(items_key).and_then(Value::as_array)?;
    let record = PageResponse { items: items_key.to_string(), total: total.map(str::to_string) };
    // Already documented as a page: the list is one of the response's fields.
    if let Ty::Object(o) = response
        && o.fields.iter().any(|f| f.name == items_key && f.from_example.is_none())
    {
        return Some(record);
    }
    let item = match response {
        Ty::Object(o) => o.clone(),
        Ty::Array(inner) => match inner.as_ref() {
            Ty::Object(o) => o.clone(),
            _ => return None,
        },
        _ => return None,
    };
    if !records_of(&item, items) {
        return None;
    }
    let mut item = item;
    item.name = format!("{camel}ResponseItem");
    let page_keys: Vec<&str> = map.keys().map(String::as_str).filter(|k| *k != items_key).collect();
    let items = FieldNode::inferred(items_key, Ty::Array(Box::new(Ty::Object(item.clone()))), item.line);
    let mut fields = vec![FieldNode { doc: "The items of this page.".into(), ..items }];
    for key in &page_keys {
        let Some(value) = map.get(*key) else { continue };
        let field = FieldNode::inferred(key, infer_ty(value, key, line), line);
        fields.push(FieldNode { from_example: Some(line), ..field });
    }
    corrections.push(settled(
        "response",
        format!("the items (`{}`)", item.name),
        format!("a page: `{items_key}` lists the items, beside {}", page_keys.join(", ")),
        format!("the example at line {line} sends a page of the documented items"),
        line,
        item.line,
    ));
    *response = Ty::Object(ObjectNode {
        name: format!("{camel}Response"),
        doc: item.doc.clone(),
        line: item.line,
        fields,
        placed_by_keys: None,
    });
    Some(record)
}
