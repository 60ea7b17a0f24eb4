//! One name, one meaning within a doc: docs define a field once and send it in several objects.
//! - Keys only an example shows at one place, that a table of the same doc describes at another: the field takes
//!   that row's scalar type and description, where the example's values fit it. It stays `from_example`, so
//!   drift still reports the key as unknown where it is.
//! - A `dict` / `list` (or an example-only key) the doc says nothing more about, and that no example value shows
//!   the contents of where it is (absent, `null`, `[]`, `{}`), takes the type the doc's examples give the same
//!   key elsewhere (`server.host_id_list` shown under another `server`), when all those values agree.
//! - A row whose type the doc leaves unstated (`-`), typed from one example, whose key the doc's examples show
//!   both as a scalar and as a list or object (CMDB's filter `value`: `"127.0.0.1"` for `equal`, `[…]` for
//!   `in`): any JSON value, as the doc allows. One example's shape is not the field's type.

use std::collections::HashMap;

use serde_json::Value;

use super::find_examples::ExampleSides;
use super::inference::{fills, infer_values, is_untyped};
use super::nested::scalar_type;
use super::tables::{columns, row_name};
use super::tree::{FieldNode, ObjectNode, Ty};
use crate::ir::Type;
use crate::ir::reads_leniently;
use crate::read::doc::{Document, Section};
use crate::read::type_words::parse_type_word;

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
    sides: &ExampleSides,
    request: &mut ObjectNode,
    response: &mut Ty,
) {
    let mut visit = |field: &mut FieldNode, seen: &[&Value]| {
        if field.from_example.is_some() {
            retype(rows, field, seen);
        }
        true
    };
    each_field_of(request, &sides.requests.iter().map(|(v, _)| v).collect::<Vec<_>>(), &mut visit);
    each_field(response, &sides.responses.iter().map(|(v, _)| v).collect::<Vec<_>>(), &mut visit);
}

/// Visits every field of a type tree with the example values that reach it (`values`: those that reach the
/// tree's root); `visit` says whether to go on into the field's own type.
fn each_field(ty: &mut Ty, values: &[&Value], visit: &mut dyn FnMut(&mut FieldNode, &[&Value]) -> bool) {
    match ty {
        Ty::Object(o) => each_field_of(o, values, visit),
        Ty::Array(inner) => {
            let items: Vec<&Value> = values.iter().filter_map(|v| v.as_array()).flatten().collect();
            each_field(inner, &items, visit);
        }
        Ty::Map(inner) => {
            let items: Vec<&Value> = values.iter().filter_map(|v| v.as_object()).flat_map(|m| m.values()).collect();
            each_field(inner, &items, visit);
        }
        Ty::Scalar(_) | Ty::Enum(_) => {}
    }
}

fn each_field_of(object: &mut ObjectNode, values: &[&Value], visit: &mut dyn FnMut(&mut FieldNode, &[&Value]) -> bool) {
    for field in &mut object.fields {
        let seen: Vec<&Value> = values.iter().filter_map(|v| v.get(&field.name)).collect();
        if visit(field, &seen) {
            each_field(&mut field.ty, &seen, visit);
        }
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

/// Every value each key has anywhere in these values, at any depth.
fn values_by_key<'v>(values: &[&'v Value]) -> HashMap<&'v str, Vec<&'v Value>> {
    fn walk<'v>(value: &'v Value, out: &mut HashMap<&'v str, Vec<&'v Value>>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    out.entry(k.as_str()).or_default().push(v);
                    walk(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = HashMap::new();
    values.iter().for_each(|v| walk(v, &mut out));
    out
}

/// `null`, `{}`, `[]`: a value that shows nothing of its type.
fn says_nothing(v: &Value) -> bool {
    v.is_null() || v.as_array().is_some_and(Vec::is_empty) || v.as_object().is_some_and(serde_json::Map::is_empty)
}

/// Types the untyped containers no example value reaches from the same key's values elsewhere.
pub(super) fn type_untyped_from_same_keys(sides: &ExampleSides, request: &mut ObjectNode, response: &mut Ty) {
    let (requests, responses): (Vec<&Value>, Vec<&Value>) =
        (sides.requests.iter().map(|(v, _)| v).collect(), sides.responses.iter().map(|(v, _)| v).collect());
    let by_key = values_by_key(&[requests.as_slice(), responses.as_slice()].concat());
    let mut visit = |field: &mut FieldNode, seen: &[&Value]| {
        // Not inside what was just filled in: a tree (`children` of `children`) would fill itself in forever.
        if seen.iter().all(|v| says_nothing(v))
            && is_untyped(&field.ty)
            && let Some(elsewhere) = by_key.get(field.name.as_str())
        {
            let inferred = infer_values(elsewhere, &field.name, field.line);
            if fills(&field.ty, &inferred) {
                field.ty = inferred;
                field.inferred = true;
                return false;
            }
        }
        true
    };
    each_field_of(request, &requests, &mut visit);
    each_field(response, &responses, &mut visit);
}

/// A value's shape as the doc's rows could mean it: a scalar, a list or an object (`null` says nothing).
fn shape_of(v: &Value) -> Option<u8> {
    match v {
        Value::Null => None,
        Value::Array(_) => Some(1),
        Value::Object(_) => Some(2),
        _ => Some(0),
    }
}

/// Rows of unstated type, typed from an example, whose key the examples send in several shapes: untyped JSON.
pub(super) fn untype_where_shapes_differ(sides: &ExampleSides, request: &mut ObjectNode, response: &mut Ty) {
    let (requests, responses): (Vec<&Value>, Vec<&Value>) =
        (sides.requests.iter().map(|(v, _)| v).collect(), sides.responses.iter().map(|(v, _)| v).collect());
    for (values, side) in [(requests, Side::Request), (responses, Side::Response)] {
        let by_key = values_by_key(&values);
        let mut visit = |field: &mut FieldNode, _: &[&Value]| {
            let unstated =
                field.inferred && field.from_example.is_none() && parse_type_word(&field.type_word).is_none();
            if unstated && let Some(all) = by_key.get(field.name.as_str()) {
                let mut shapes: Vec<u8> = all.iter().filter_map(|v| shape_of(v)).collect();
                shapes.sort_unstable();
                shapes.dedup();
                if shapes.len() > 1 {
                    field.ty = Ty::Scalar(Type::Json);
                    return false;
                }
            }
            true
        };
        match side {
            Side::Request => each_field_of(request, &values, &mut visit),
            Side::Response => each_field(response, &values, &mut visit),
        }
    }
}

#[derive(Clone, Copy)]
enum Side {
    Request,
    Response,
}
