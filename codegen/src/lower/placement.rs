//! Headings are hints; structure decides. A definition table that no heading, reference or row placed (`#### 插件信息`
//! under a `| data | dict | 插件信息 |` row, `#### 返回数据` in any language) documents the place in the doc's examples
//! whose keys its first column lists: matched by key overlap at every object of every example (`data`,
//! `data.info[]`, `data.info[].property`). The table is placed where it matches best — most of its rows are keys
//! there and most keys there are its rows — when that place is untyped (a bare `dict`, an example-only key, or
//! no table at all) and the examples' values there fit the table's types, down through its lists and objects
//! (else the table is reported, not placed, and the examples type the place). Each placement is a diagnostic and
//! recorded on the type (`placed_by_keys`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::doc_context::DocContext;
use super::sections::SectionKind;
use super::tables::row_names;
use super::tree::{FieldNode, ObjectNode, Ty};
use crate::diagnostics::Diagnostic;
use crate::ir::{Example, ExampleKind, Type};

/// Fewest rows of a table that must be keys at a place (one shared key proves nothing).
const MIN_SHARED_KEYS: usize = 2;

/// One step into an example: a key, or the items of a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Step {
    Key(String),
    Items,
}

/// An object in an example: where it is, on which side, and the keys seen there (of every item of a list).
#[derive(Debug)]
struct Place {
    side: ExampleKind,
    steps: Vec<Step>,
    keys: BTreeSet<String>,
    /// The kinds of JSON value seen under each key there (a compact summary: no value is copied).
    kinds: BTreeMap<String, BTreeSet<Kind>>,
    example_line: u32,
}

/// What kind of JSON value an example has under a key, as far as the types care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Null,
    Bool,
    Integer,
    Float,
    NumericText,
    Text,
    Array,
    Object,
}

fn kind_of(value: &Value) -> Kind {
    match value {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
        Value::Number(_) => Kind::Float,
        Value::String(t) if t.trim().parse::<f64>().is_ok_and(f64::is_finite) => Kind::NumericText,
        Value::String(_) => Kind::Text,
        Value::Array(_) => Kind::Array,
        Value::Object(_) => Kind::Object,
    }
}

/// Whether a list item's type reads a kind of JSON value: strictly (the lenient readings are a field's).
fn accepts_item(ty: &Ty, kind: Kind) -> bool {
    match ty {
        Ty::Scalar(Type::Integer) => matches!(kind, Kind::Null | Kind::Integer),
        Ty::Scalar(Type::Number) => matches!(kind, Kind::Null | Kind::Integer | Kind::Float),
        Ty::Scalar(Type::String) => matches!(kind, Kind::Null | Kind::Text | Kind::NumericText),
        _ => accepts(ty, kind),
    }
}

/// Whether a type reads a kind of JSON value (as the runtime reads them: integers from numeric text, text from
/// numbers; `null` is an absent value).
fn accepts(ty: &Ty, kind: Kind) -> bool {
    kind == Kind::Null
        || match ty {
            Ty::Scalar(Type::Integer) => matches!(kind, Kind::Integer | Kind::NumericText),
            Ty::Scalar(Type::Number) => matches!(kind, Kind::Integer | Kind::Float | Kind::NumericText),
            Ty::Scalar(Type::Boolean) => kind == Kind::Bool,
            Ty::Scalar(Type::String) => matches!(kind, Kind::Text | Kind::NumericText | Kind::Integer | Kind::Float),
            Ty::Array(_) => kind == Kind::Array,
            Ty::Map(_) | Ty::Object(_) => kind == Kind::Object,
            Ty::Scalar(Type::Json | Type::Array(_) | Type::Map(_) | Type::Named(_)) | Ty::Enum(_) => true,
        }
}

/// The first field of `object` (placed at `steps`) whose values in the examples its type does not read, down
/// through its objects and lists: a table its example contradicts is not placed (the example shows another
/// shape than the one the table documents).
fn contradicted_field(object: &ObjectNode, side: ExampleKind, steps: &[Step], places: &[Place]) -> Option<String> {
    let place = places.iter().find(|p| p.side == side && p.steps == steps)?;
    for field in &object.fields {
        let reads_all = |key: &str, ty: &Ty, accepts: fn(&Ty, Kind) -> bool| {
            place.kinds.get(key).is_none_or(|kinds| kinds.iter().all(|k| accepts(ty, *k)))
        };
        if !reads_all(&field.name, &field.ty, accepts) {
            return Some(field.name.clone());
        }
        let mut inner = steps.to_vec();
        inner.push(Step::Key(field.name.clone()));
        let nested = match &field.ty {
            Ty::Object(o) => contradicted_field(o, side, &inner, places),
            Ty::Array(item) => {
                if !reads_all(&format!("{}[]", field.name), item, accepts_item) {
                    return Some(format!("{}[]", field.name));
                }
                inner.push(Step::Items);
                match item.as_ref() {
                    Ty::Object(o) => contradicted_field(o, side, &inner, places),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(path) = nested {
            return Some(format!("{}.{path}", field.name));
        }
    }
    None
}

impl Place {
    fn render(&self) -> String {
        let mut out = if self.side == ExampleKind::Response { "data".to_string() } else { String::new() };
        for step in &self.steps {
            match step {
                Step::Key(k) if out.is_empty() => out.push_str(k),
                Step::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Items => out.push_str("[]"),
            }
        }
        out
    }

    /// The place as messages name it.
    fn label(&self) -> String {
        let path = self.render();
        if path.is_empty() { "the request".into() } else { path }
    }
}

impl DocContext<'_> {
    /// Places the doc's unplaced definition tables by their keys (see the module doc).
    pub(super) fn place_by_keys(&mut self, examples: &[Example], request: &mut ObjectNode, response: &mut Option<Ty>) {
        let candidates: Vec<usize> = (0..self.doc.sections.len())
            .filter(|i| self.kinds.get(*i) == Some(&SectionKind::Definition) && !self.used.contains(i))
            .filter(|i| self.doc.sections.get(*i).is_some_and(|s| s.tables().next().is_some()))
            .collect();
        // Most docs have no unplaced table: their examples are not walked.
        if candidates.is_empty() {
            return;
        }
        let credential_parameters = crate::ir::credential_parameters(request.fields.iter().map(|f| f.name.as_str()));
        let places = example_places(examples, &credential_parameters);
        for section in candidates {
            let Some(s) = self.doc.sections.get(section) else { continue };
            let Some(table) = s.tables().next() else { continue };
            let rows: BTreeSet<String> = row_names(table)
                .filter_map(|n| n.split(['.', '[']).next())
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect();
            let Some((place, shared)) = best_place(&places, &rows) else { continue };
            let (title, line) = (s.title.clone(), s.line);
            let at = place.label();
            // Its rows' own sections are named under the table's name (`#### process` … `#### process.spec`), where
            // it has one; else under the place.
            let path = super::heading_names::definition_names(&title).next().unwrap_or_else(|| place.render());
            if !is_open_place(place, request, response.as_ref()) || sent_in_other_shapes(place, &places) {
                continue;
            }
            let Some(mut object) = self.object(section, &path) else { continue };
            let contradicted = contradicted_field(&object, place.side, &place.steps, &places);
            if let Some(field) = contradicted {
                // Left as it was: reported unused, its keys typed from the example.
                self.used.remove(&section);
                self.diags.push(Diagnostic::warning(
                    self.file,
                    line,
                    format!(
                        "table `{title}` has the keys of `{at}` in the example at line {}, but the example's `{field}` \
                         is not of the table's type: not placed there",
                        place.example_line
                    ),
                ));
                continue;
            }
            object.placed_by_keys = Some(place.example_line);
            // Named by the key it documents (`versions` → `Versions`): its title names no field.
            if let Some(key) = place.steps.iter().rev().find_map(|s| match s {
                Step::Key(k) => Some(k),
                Step::Items => None,
            }) {
                object.name = crate::naming::type_name(key);
            }
            put(place, request, response, object);
            self.diags.push(
                Diagnostic::warning(
                    self.file,
                    line,
                    format!(
                        "no field refers to table `{title}`, but {shared} of its {} rows are the keys of `{at}` in the \
                     example at line {}: it documents `{at}`",
                        rows.len(),
                        place.example_line
                    ),
                )
                .with_help(format!(
                    "title the table by the place it documents (`#### {at}`), so that no reader has to match keys"
                )),
            );
        }
    }
}

/// The object places of every example, keys merged per place and side.
fn example_places(examples: &[Example], credential_parameters: &[String]) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::new();
    let mut index = PlaceIndex::new();
    for e in examples {
        let Some(v) = &e.value else { continue };
        let subject = match e.kind {
            ExampleKind::Request => crate::ir::request_params(v, credential_parameters),
            ExampleKind::Response if crate::ir::is_error_response(v) => continue,
            ExampleKind::Response => crate::ir::response_data(v).clone(),
        };
        collect(&subject, e.kind, &mut Vec::new(), e.line, &mut places, &mut index);
    }
    places
}

/// Where each place is in the list (a doc's examples may have thousands of places: no linear search).
type PlaceIndex = HashMap<(ExampleKind, Vec<Step>), usize>;

fn collect(
    value: &Value,
    side: ExampleKind,
    steps: &mut Vec<Step>,
    line: u32,
    out: &mut Vec<Place>,
    at: &mut PlaceIndex,
) {
    match value {
        Value::Object(map) => {
            let index = match at.get(&(side, steps.clone())) {
                Some(i) => *i,
                None => {
                    at.insert((side, steps.clone()), out.len());
                    let place = Place {
                        side,
                        steps: steps.clone(),
                        keys: BTreeSet::new(),
                        kinds: BTreeMap::new(),
                        example_line: line,
                    };
                    out.push(place);
                    out.len() - 1
                }
            };
            if let Some(place) = out.get_mut(index) {
                for (k, v) in map {
                    place.keys.insert(k.clone());
                    place.kinds.entry(k.clone()).or_default().insert(kind_of(v));
                    // A list's items under `key[]`.
                    if let Value::Array(items) = v
                        && !items.is_empty()
                    {
                        place.kinds.entry(format!("{k}[]")).or_default().extend(items.iter().map(kind_of));
                    }
                }
            }
            for (k, v) in map {
                steps.push(Step::Key(k.clone()));
                collect(v, side, steps, line, out, at);
                steps.pop();
            }
        }
        Value::Array(items) => {
            steps.push(Step::Items);
            for item in items {
                collect(item, side, steps, line, out, at);
            }
            steps.pop();
        }
        _ => {}
    }
}

/// The examples send the place as an object here and as something else there (`dict/string`: an object or its
/// Base64 text): a table of the object's keys types only one of its shapes, and would make the others unreadable.
fn sent_in_other_shapes(place: &Place, places: &[Place]) -> bool {
    // The top (a response's `data`, a request's body) has no parent to tell its kinds: it is sent in two shapes
    // when the examples send it both as an object and as a list of objects (a page here, the plain list there).
    let top_sent_as = |steps: &[Step]| places.iter().any(|p| p.side == place.side && p.steps == steps);
    match place.steps.as_slice() {
        [] => return top_sent_as(&[Step::Items]),
        [Step::Items] => return top_sent_as(&[]),
        _ => {}
    }
    let Some((last, parent_steps)) = place.steps.split_last() else { return false };
    let (parent_steps, key) = match last {
        Step::Key(k) => (parent_steps, k.clone()),
        Step::Items => match parent_steps.split_last() {
            Some((Step::Key(k), grandparent)) => (grandparent, format!("{k}[]")),
            _ => return false,
        },
    };
    places
        .iter()
        .filter(|p| p.side == place.side && p.steps == parent_steps)
        .filter_map(|p| p.kinds.get(&key))
        .flatten()
        .any(|k| !matches!(k, Kind::Object | Kind::Null))
}

/// The one place where most of the rows are keys and most keys are rows; `None` when none qualifies or two
/// places match equally well (the table could document either).
fn best_place<'p>(places: &'p [Place], rows: &BTreeSet<String>) -> Option<(&'p Place, usize)> {
    let score = |p: &Place| {
        let shared = p.keys.intersection(rows).count();
        let qualifies = shared >= MIN_SHARED_KEYS && shared * 2 >= rows.len() && shared * 2 >= p.keys.len();
        // Best: the larger share of the table's rows, then of the place's keys.
        qualifies.then_some((shared * 1000 / rows.len().max(1), shared * 1000 / p.keys.len().max(1), shared))
    };
    let mut scored: Vec<((usize, usize, usize), &Place)> =
        places.iter().filter_map(|p| score(p).map(|s| (s, p))).collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    match scored.as_slice() {
        [(best, place), rest @ ..] if rest.first().is_none_or(|(next, _)| next < best) => Some((place, best.2)),
        _ => None,
    }
}

/// Whether the place is untyped so far: untyped JSON, a bare `dict` or `list` of it, a key only the example shows,
/// or the whole response without a table. A place a table already typed keeps its type.
fn is_open_place(place: &Place, request: &ObjectNode, response: Option<&Ty>) -> bool {
    let mut steps = place.steps.iter();
    let mut at: &Ty = match (place.side, response) {
        (ExampleKind::Response, None) => return place.steps.is_empty(),
        (ExampleKind::Response, Some(ty)) => ty,
        (ExampleKind::Request, _) => {
            let Some(Step::Key(first)) = steps.next() else { return request.fields.is_empty() };
            match request.fields.iter().find(|f| f.name == *first) {
                Some(f) => &f.ty,
                None => return steps.next().is_none(),
            }
        }
    };
    let mut steps = steps.peekable();
    while let Some(step) = steps.next() {
        at = match (step, at) {
            (Step::Items, Ty::Array(inner)) => inner.as_ref(),
            (Step::Key(k), Ty::Object(o)) => match o.fields.iter().find(|f| f.name == *k) {
                Some(f) => &f.ty,
                // A key only the example shows, at the end of the path.
                None => return steps.peek().is_none(),
            },
            _ => return false,
        };
    }
    is_open(at)
}

/// Puts the placed object at the place [`is_open_place`] found open, adding the field where only the example has
/// its key.
fn put(place: &Place, request: &mut ObjectNode, response: &mut Option<Ty>, object: ObjectNode) {
    let line = object.line;
    let mut steps = place.steps.iter();
    let mut at: &mut Ty = match place.side {
        ExampleKind::Response => response.get_or_insert(Ty::Scalar(Type::Json)),
        ExampleKind::Request => match steps.next() {
            Some(Step::Key(first)) => match field_slot(request, first, line) {
                Some(slot) => slot,
                None => return,
            },
            _ => {
                // The whole request: its table was not recognised.
                request.fields = object.fields;
                return;
            }
        },
    };
    for step in steps {
        at = match (step, at) {
            (Step::Items, Ty::Array(inner)) => inner.as_mut(),
            (Step::Key(k), Ty::Object(o)) => match field_slot(o, k, line) {
                Some(slot) => slot,
                None => return,
            },
            _ => return,
        };
    }
    // Its rows are the keys the example has there: an object, even a table of just `key` and `value` (which
    // `ObjectNode::into_ty` would read as a map).
    let placed = match at {
        Ty::Array(_) => Ty::Array(Box::new(Ty::Object(object))),
        _ => Ty::Object(object),
    };
    *at = placed;
}

/// A field's type, the field added (typed by what is placed in it) when only the example has the key.
fn field_slot<'t>(object: &'t mut ObjectNode, key: &str, line: u32) -> Option<&'t mut Ty> {
    let at = match object.fields.iter().position(|f| f.name == key) {
        Some(i) => i,
        None => {
            object.fields.push(FieldNode::inferred(key, Ty::Scalar(Type::Json), line));
            object.fields.len() - 1
        }
    };
    object.fields.get_mut(at).map(|f| &mut f.ty)
}

/// Untyped JSON, or a `dict` / `list` of it.
fn is_open(ty: &Ty) -> bool {
    match ty {
        Ty::Scalar(Type::Json) => true,
        Ty::Map(inner) | Ty::Array(inner) => **inner == Ty::Scalar(Type::Json),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(steps: &[&str], keys: &[&str]) -> Place {
        Place {
            side: ExampleKind::Response,
            steps: steps.iter().map(|s| if *s == "[]" { Step::Items } else { Step::Key(s.to_string()) }).collect(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            kinds: BTreeMap::new(),
            example_line: 9,
        }
    }

    fn rows(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_table_goes_where_most_of_its_rows_are_most_of_the_keys() {
        let places = [place(&[], &["count", "info"]), place(&["info", "[]"], &["id", "name", "property"])];
        let (best, shared) = best_place(&places, &rows(&["id", "name", "property", "creator"])).expect("placed");
        assert_eq!((best.label().as_str(), shared), ("data.info[]", 3));
        // One shared key proves nothing; nor do rows that are a small part of a large object's keys.
        assert!(best_place(&places, &rows(&["id", "author"])).is_none());
        let wide = [place(&[], &["a", "b", "c", "d", "e", "f"])];
        assert!(best_place(&wide, &rows(&["a", "b"])).is_none());
    }

    #[test]
    fn a_table_that_fits_two_places_equally_is_not_placed() {
        let places =
            [place(&["aggs", "[]"], &["id", "name", "count"]), place(&["over_view"], &["id", "name", "count"])];
        assert!(best_place(&places, &rows(&["id", "name", "count"])).is_none());
    }
}
