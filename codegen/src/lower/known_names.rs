//! One name, one meaning within a doc: docs define a field once and send it in several objects.
//! - Keys only an example shows at one place, that a table of the same doc describes at another: the field takes
//!   that row's scalar type and description, where the example's values fit it. It stays `from_example`, so
//!   drift still reports the key as unknown where it is.
//! - A `dict` / `list` (or an example-only key) the doc says nothing more about, and that no example value shows
//!   the contents of where it is (absent, `null`, `[]`, `{}`), takes the type the doc's examples give the same
//!   key elsewhere (`server.host_id_list` shown under another `server`),
//!   when all those values agree.

use std::collections::HashMap;

use serde_json::Value;

use super::inference::{fills, infer_values, is_untyped};
use super::nested::scalar_type;
use super::tables::{columns, row_name};
use super::{FieldNode, ObjectNode, Ty};
use crate::doc::{Document, Section};
use crate::fit::reads_leniently;
use crate::ir::{Example, ExampleKind, Type};
use crate::types::parse_type_word;

/// A scalar row of some table of the doc: its type, description and line.
pub(super) struct KnownRow {
    ty: Type,
    doc: String,
    line: u32,
}

/// The first row of each name (the last segment of a dotted name) whose type word is a scalar, and whose
/// every scalar row of that name agrees on the type: a name with two meanings gives nothing.
pub(super) fn known_rows(doc: &Document) -> HashMap<String, KnownRow> {
    let mut rows: HashMap<String, Option<KnownRow>> = HashMap::new();
    for table in doc.sections.iter().flat_map(Section::tables) {
        let cols = columns(&table.header);
        for row in &table.rows {
            let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).map_or("", String::as_str);
            let name = row_name(cell(Some(cols.name)));
            let Some(name) = name.rsplit('.').next().filter(|n| !n.is_empty()) else { continue };
            let ty = match parse_type_word(cell(cols.ty)).map(|s| scalar_type(&s)) {
                Some(ty) if ty != Type::Json => ty,
                _ => continue,
            };
            let entry = rows
                .entry(name.to_string())
                .or_insert_with(|| Some(KnownRow { ty: ty.clone(), doc: cell(cols.desc).to_string(), line: row.line }));
            if entry.as_ref().is_some_and(|known| known.ty != ty) {
                *entry = None;
            }
        }
    }
    rows.into_iter().filter_map(|(name, row)| row.map(|r| (name, r))).collect()
}

/// Gives example-only scalar fields of the request and response the type and text of the row that describes
/// their name elsewhere in the doc, when every example value of theirs reads as that type.
pub(super) fn type_from_known_rows(
    rows: &HashMap<String, KnownRow>,
    examples: &[Example],
    request: &mut ObjectNode,
    response: &mut Ty,
) {
    let values = |kind: ExampleKind| -> Vec<Value> {
        examples
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| e.value.as_ref())
            .map(|v| match kind {
                ExampleKind::Request => crate::ir::request_params(v),
                ExampleKind::Response => crate::ir::response_data(v).clone(),
            })
            .collect()
    };
    let requests = values(ExampleKind::Request);
    let responses = values(ExampleKind::Response);
    object(rows, request, &requests.iter().collect::<Vec<_>>());
    ty(rows, response, &responses.iter().collect::<Vec<_>>());
}

fn ty(rows: &HashMap<String, KnownRow>, ty_: &mut Ty, values: &[&Value]) {
    match ty_ {
        Ty::Object(o) => object(rows, o, values),
        Ty::Array(inner) => {
            let items: Vec<&Value> = values.iter().filter_map(|v| v.as_array()).flatten().collect();
            ty(rows, inner, &items);
        }
        Ty::Map(inner) => {
            let items: Vec<&Value> = values.iter().filter_map(|v| v.as_object()).flat_map(|m| m.values()).collect();
            ty(rows, inner, &items);
        }
        Ty::Scalar(_) | Ty::Enum(_) => {}
    }
}

fn object(rows: &HashMap<String, KnownRow>, object: &mut ObjectNode, values: &[&Value]) {
    for field in &mut object.fields {
        let seen: Vec<&Value> = values.iter().filter_map(|v| v.get(&field.name)).collect();
        if field.from_example.is_some() {
            retype(rows, field, &seen);
        }
        ty(rows, &mut field.ty, &seen);
    }
}

fn retype(rows: &HashMap<String, KnownRow>, field: &mut FieldNode, seen: &[&Value]) {
    let Some(known) = rows.get(&field.name) else { return };
    let untyped_or_same = match &field.ty {
        Ty::Scalar(Type::Json) => true,
        Ty::Scalar(t) => *t == known.ty,
        _ => false,
    };
    if untyped_or_same && seen.iter().all(|v| reads_leniently(&known.ty, v)) {
        field.ty = Ty::Scalar(known.ty.clone());
        field.doc = format!("{} (described at line {})", known.doc, known.line).trim().to_string();
    }
}

/// Every value each key has anywhere in the examples (request parameters and response data alike).
pub(super) fn values_by_key(examples: &[Example]) -> HashMap<String, Vec<Value>> {
    fn walk(value: &Value, out: &mut HashMap<String, Vec<Value>>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    if !v.is_null() {
                        out.entry(k.clone()).or_default().push(v.clone());
                    }
                    walk(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = HashMap::new();
    for e in examples {
        let Some(v) = &e.value else { continue };
        match e.kind {
            ExampleKind::Request => walk(&crate::ir::request_params(v), &mut out),
            ExampleKind::Response if crate::ir::is_error_response(v) => {}
            ExampleKind::Response => walk(crate::ir::response_data(v), &mut out),
        }
    }
    out
}

/// `null`, `{}`, `[]`: a value that shows nothing of its type.
fn says_nothing(v: &Value) -> bool {
    v.is_null() || v.as_array().is_some_and(Vec::is_empty) || v.as_object().is_some_and(serde_json::Map::is_empty)
}

/// Types the untyped containers no example value reaches from the same key's values elsewhere.
pub(super) fn type_untyped_from_same_keys(
    by_key: &HashMap<String, Vec<Value>>,
    examples: &[Example],
    request: &mut ObjectNode,
    response: &mut Ty,
) {
    let sides = |kind: ExampleKind| -> Vec<Value> {
        examples
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| e.value.as_ref())
            .map(|v| match kind {
                ExampleKind::Request => crate::ir::request_params(v),
                ExampleKind::Response => crate::ir::response_data(v).clone(),
            })
            .collect()
    };
    let requests = sides(ExampleKind::Request);
    let responses = sides(ExampleKind::Response);
    fill_object(by_key, request, &requests.iter().collect::<Vec<_>>());
    fill_ty(by_key, response, &responses.iter().collect::<Vec<_>>());
}

fn fill_ty(by_key: &HashMap<String, Vec<Value>>, ty_: &mut Ty, values: &[&Value]) {
    match ty_ {
        Ty::Object(o) => fill_object(by_key, o, values),
        Ty::Array(inner) => {
            let items: Vec<&Value> = values.iter().filter_map(|v| v.as_array()).flatten().collect();
            fill_ty(by_key, inner, &items);
        }
        Ty::Map(inner) => {
            let items: Vec<&Value> = values.iter().filter_map(|v| v.as_object()).flat_map(|m| m.values()).collect();
            fill_ty(by_key, inner, &items);
        }
        Ty::Scalar(_) | Ty::Enum(_) => {}
    }
}

fn fill_object(by_key: &HashMap<String, Vec<Value>>, object: &mut ObjectNode, values: &[&Value]) {
    for field in &mut object.fields {
        let seen: Vec<&Value> = values.iter().filter_map(|v| v.get(&field.name)).collect();
        // Not inside what was just filled in: a tree (`children` of `children`) would fill itself in forever.
        if seen.iter().all(|v| says_nothing(v))
            && is_untyped(&field.ty)
            && let Some(elsewhere) = by_key.get(&field.name)
        {
            let inferred = infer_values(&elsewhere.iter().collect::<Vec<_>>(), &field.name, field.line);
            if fills(&field.ty, &inferred) {
                field.ty = inferred;
                field.inferred = true;
                continue;
            }
        }
        fill_ty(by_key, &mut field.ty, &seen);
    }
}
