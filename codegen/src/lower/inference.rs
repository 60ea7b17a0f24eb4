//! Types from examples, where the doc leaves them open (no response table, array element types, heading-only
//! containers, bare `dict` / `list`), and the few doc/example contradictions an example settles (`reconcile`,
//! recorded as corrections `by_example` that drift still reports).

use serde_json::{Map, Value};

use super::find_examples::ExampleSides;
use super::tables::is_secret_name;
use super::tree::{FieldNode, ObjectNode, Ty};
use crate::ir::reads_leniently;
use crate::ir::{Correction, Type};
use crate::naming::type_name;

/// Settles the contradictions the examples decide (example by example), then fills in what the doc leaves open
/// from all the examples together. `data_line` is the line of the response's `data` row (0 without one).
pub(super) fn settle_by_examples(
    sides: &ExampleSides,
    request: &mut ObjectNode,
    response: &mut Ty,
    data_line: u32,
    corrections: &mut Vec<Correction>,
) {
    // Every example settles the documented types first; then what the doc leaves open is typed from all of them
    // at once, so that examples sending one value in two shapes leave it untyped instead of typing it by the
    // first and losing the other.
    let records = record_places(sides, request, response);
    for (p, line) in &sides.requests {
        reconcile_fields(&mut request.fields, p, "request", *line, &records, corrections);
    }
    for (d, line) in &sides.responses {
        reconcile(response, d, "response", data_line, *line, &records, corrections);
    }
    let params: Vec<(&Value, u32)> = sides.requests.iter().map(|(p, line)| (p, *line)).collect();
    let data: Vec<(&Value, u32)> = sides.responses.iter().map(|(d, line)| (d, *line)).collect();
    refine_object(request, &params);
    refine_ty(response, &data, "item");
}

/// The places (reconcile's targets: `request.execute_config.template_detail`) where some example sends the
/// documented struct as a record, with at least one of its documented fields. There, another example's object
/// keyed by data (`{"1_1": "…"}`, a variant the doc describes only in prose) does not turn the struct into a map:
/// that would lose every example that fits the doc to keep one that does not.
type RecordPlaces = std::collections::BTreeSet<String>;

fn record_places(sides: &ExampleSides, request: &ObjectNode, response: &Ty) -> RecordPlaces {
    let mut out = RecordPlaces::new();
    for (params, _) in &sides.requests {
        walk_record_fields(&request.fields, params, "request", &mut out);
    }
    for (data, _) in &sides.responses {
        walk_records(response, data, "response", &mut out);
    }
    out
}

fn walk_records(ty: &Ty, value: &Value, target: &str, out: &mut RecordPlaces) {
    match (ty, value) {
        (Ty::Object(o), Value::Object(map)) => {
            let documented = |k: &String| o.fields.iter().any(|f| f.name == *k && f.from_example.is_none());
            if looks_like_record(map) && map.keys().any(documented) {
                out.insert(target.to_string());
            }
            walk_record_fields(&o.fields, value, target, out);
        }
        (Ty::Array(inner), Value::Array(items)) => items.iter().for_each(|i| walk_records(inner, i, target, out)),
        (Ty::Object(_), Value::Array(items)) => items.iter().for_each(|i| walk_records(ty, i, target, out)),
        (Ty::Map(inner), Value::Object(map)) => map.values().for_each(|v| walk_records(inner, v, target, out)),
        _ => {}
    }
}

fn walk_record_fields(fields: &[FieldNode], value: &Value, target: &str, out: &mut RecordPlaces) {
    let Value::Object(map) = value else { return };
    for f in fields {
        if let Some(v) = map.get(&f.name) {
            walk_records(&f.ty, v, &format!("{target}.{}", f.name), out);
        }
    }
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
pub(super) fn infer_ty(value: &Value, name: &str, line: u32) -> Ty {
    match value {
        Value::Object(map) if looks_like_record(map) => Ty::Object(infer_object(&[map], name, line)),
        Value::Object(map) => Ty::Map(Box::new(infer_values(&map.values().collect::<Vec<_>>(), name, line))),
        Value::Null => Ty::Map(Box::new(Ty::Scalar(Type::Json))),
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

/// Whether the example's objects are the documented struct: most of their keys are its (documented) fields.
pub(super) fn records_of(object: &ObjectNode, items: &[Value]) -> bool {
    let maps: Vec<&Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
    if maps.is_empty() || maps.len() != items.len() {
        return false;
    }
    let documented = |k: &String| object.fields.iter().any(|f| f.name == *k && f.from_example.is_none());
    let keys: Vec<&String> = maps.iter().flat_map(|m| m.keys()).collect();
    let known = keys.iter().filter(|k| documented(k)).count();
    known * 2 >= keys.len() && known > 0
}

/// An object whose keys are field names (`{"id": 1}`), not data (`{"1": …}`, `{"10.0.0.1": …}`, generated ids
/// such as SOPS's node ids `{"node88d9050f288765b94a15cbe023ab": …}`).
fn looks_like_record(map: &serde_json::Map<String, Value>) -> bool {
    !map.is_empty()
        && map.keys().all(|k| {
            k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && !has_generated_id(k)
        })
}

/// A run of 16 or more hex digits with both digits and letters in it: an md5 / uuid-like id, not a word.
fn has_generated_id(key: &str) -> bool {
    let mut run = 0;
    let (mut digit, mut letter) = (false, false);
    for c in key.chars() {
        if c.is_ascii_hexdigit() {
            run += 1;
            digit |= c.is_ascii_digit();
            letter |= c.is_ascii_alphabetic();
            if run >= 16 && digit && letter {
                return true;
            }
        } else {
            (run, digit, letter) = (0, false, false);
        }
    }
    false
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
            let values: Vec<&Value> = maps.iter().filter_map(|m| m.get(k)).collect();
            let ty = infer_values(&values, k, line);
            FieldNode { from_example: Some(line), secret: is_secret_name(k), ..FieldNode::inferred(k, ty, line) }
        })
        .collect();
    ObjectNode { name: type_name(name), doc: String::new(), line, fields, placed_by_keys: None }
}

/// One type for all the values that reach one place (a key of every item of a list): values of different
/// kinds (a list here, a string there) share none; empty objects say nothing; objects keyed by data are maps.
pub(super) fn infer_values(values: &[&Value], name: &str, line: u32) -> Ty {
    let values: Vec<Value> = values.iter().filter(|v| !v.is_null()).map(|v| (*v).clone()).collect();
    let kinds_agree = values.windows(2).all(|w| match w {
        [a, b] => a.is_array() == b.is_array() && a.is_object() == b.is_object(),
        _ => true,
    });
    match values.first() {
        None => Ty::Scalar(Type::Json),
        Some(_) if !kinds_agree => Ty::Scalar(Type::Json),
        Some(Value::Array(_)) => {
            let items: Vec<Value> = values.iter().filter_map(Value::as_array).flatten().cloned().collect();
            Ty::Array(Box::new(infer_items(&items, name, line)))
        }
        Some(Value::Object(_)) => {
            let objects: Vec<&Map<String, Value>> =
                values.iter().filter_map(Value::as_object).filter(|m| !m.is_empty()).collect();
            if objects.is_empty() {
                Ty::Map(Box::new(Ty::Scalar(Type::Json)))
            } else if objects.iter().all(|m| looks_like_record(m)) {
                Ty::Object(infer_object(&objects, name, line))
            } else if objects.iter().all(|m| !looks_like_record(m)) {
                let entries: Vec<&Value> = objects.iter().flat_map(|m| m.values()).collect();
                Ty::Map(Box::new(infer_values(&entries, name, line)))
            } else {
                Ty::Map(Box::new(Ty::Scalar(Type::Json)))
            }
        }
        Some(_) => Ty::Scalar(common_scalar(&values).unwrap_or(Type::Json)),
    }
}

/// Where the doc's table and its example disagree, some cases are settled by the example, recorded as a
/// correction `by_example` that drift still reports:
/// - a documented object (a struct from its section, or an untyped `dict`) that the example sends as a
///   non-empty list of objects becomes a list of it (docs often type a list field by its element's section);
/// - and the reverse: a list documented by its element's section that the example sends as one object;
/// - a scalar sent as a list of such scalars becomes a list of it;
/// - a scalar the example shows in a form the documented type cannot read (`long` but `"API Quick
///   execution"`, an `int` script id sent as `"4a350b0e…"`) takes the example's type, and so does a value of
///   another shape (a container where a scalar is documented, or the reverse): the doc's own example is the
///   evidence of what the server sends and takes, where its type words are prose. A placeholder (`"xxx"`)
///   is no such evidence. In a response, an untyped list or dict the example shows as the other container
///   becomes that.
///
/// A value the documented type reads leniently (`"2"` for an `int`) keeps the table's type; everything else
/// is only reported.
fn reconcile(
    ty: &mut Ty,
    value: &Value,
    target: &str,
    line: u32,
    example_line: u32,
    records: &RecordPlaces,
    out: &mut Vec<Correction>,
) {
    let response = target.starts_with("response");
    // A scalar the example sends as a list of such scalars (`bk_biz_id: int` sent as `[1, 2]`, or as `[]`, whose
    // no item says otherwise): a list of it.
    if let Ty::Scalar(doc) = ty
        && *doc != Type::Json
        && let Value::Array(items) = value
        && items.iter().all(|v| !v.is_null() && scalar_of(v).is_some() && reads_leniently(doc, v))
    {
        out.push(settled(
            target,
            scalar_word(doc),
            format!("array of {}", scalar_word(doc)),
            format!("the example at line {example_line} sends a list of them"),
            example_line,
            line,
        ));
        *ty = Ty::Array(Box::new(Ty::Scalar(doc.clone())));
        return;
    }
    if let Ty::Scalar(doc) = ty
        && let Some(example) = scalar_of(value)
        && !reads_leniently(doc, value)
        && !is_placeholder(value)
    {
        out.push(settled(
            target,
            scalar_word(doc),
            scalar_word(&example),
            format!("the example at line {example_line} sends `{value}`"),
            example_line,
            line,
        ));
        *doc = example;
        return;
    }
    match (&mut *ty, value) {
        (Ty::Object(_) | Ty::Map(_), Value::Array(items))
            if !items.is_empty() && items.iter().all(Value::is_object) =>
        {
            let old = std::mem::replace(ty, Ty::Scalar(Type::Json));
            *ty = Ty::Array(Box::new(old));
            out.push(settled(
                target,
                "object",
                "array of objects",
                format!("the example at line {example_line} sends a list of these objects"),
                example_line,
                line,
            ));
            if let Ty::Array(inner) = ty {
                for item in items {
                    reconcile(inner, item, target, line, example_line, records, out);
                }
            }
        }
        // The reverse: a list documented by its element's section, sent as one such object.
        (Ty::Array(inner), Value::Object(_)) if matches!(inner.as_ref(), Ty::Object(_)) => {
            let Ty::Array(inner) = std::mem::replace(ty, Ty::Scalar(Type::Json)) else { return };
            *ty = *inner;
            out.push(settled(
                target,
                "array of objects",
                "object",
                format!("the example at line {example_line} sends one such object"),
                example_line,
                line,
            ));
            reconcile(ty, value, target, line, example_line, records, out);
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
            out.push(settled(
                target,
                doc_says,
                corrected,
                format!("the example at line {example_line} sends an {corrected}"),
                example_line,
                line,
            ));
        }
        // `{"0:10.0.0.1": {…}}`: keyed by data (ids, addresses), each value the documented struct: a map of it.
        (Ty::Object(o), Value::Object(map))
            if !looks_like_record(map)
                && !records.contains(target)
                && records_of(o, &map.values().cloned().collect::<Vec<_>>()) =>
        {
            let old = std::mem::replace(ty, Ty::Scalar(Type::Json));
            *ty = Ty::Map(Box::new(old));
            out.push(settled(
                target,
                "object",
                "map of objects",
                format!("the example at line {example_line} keys these objects by data (`{}`)", first_key(map)),
                example_line,
                line,
            ));
            if let Ty::Map(inner) = ty {
                for item in map.values() {
                    reconcile(inner, item, target, line, example_line, records, out);
                }
            }
        }
        // `{"1": true, "2": false}` for a documented object none of whose fields it has: keyed by data, each
        // value a scalar the documented struct cannot be: a map of the example's scalar.
        (Ty::Object(o), Value::Object(map))
            if !looks_like_record(map)
                && !records.contains(target)
                && !map.keys().any(|k| o.fields.iter().any(|f| f.name == *k))
                && let Some(scalar) = common_scalar(&map.values().cloned().collect::<Vec<_>>()) =>
        {
            out.push(settled(
                target,
                "object",
                format!("map of {}", scalar_word(&scalar)),
                format!(
                    "the example at line {example_line} keys {} values by data (`{}`)",
                    scalar_word(&scalar),
                    first_key(map)
                ),
                example_line,
                line,
            ));
            *ty = Ty::Map(Box::new(Ty::Scalar(scalar)));
        }
        (Ty::Object(o), Value::Object(_)) => reconcile_fields(&mut o.fields, value, target, example_line, records, out),
        // A list of scalars the example fills with another kind (`list[str]` sent as `[1, 2]`): the items of a list
        // are read strictly (only a field's own scalar reads a number as text), so the example's kind is the type.
        (Ty::Array(inner), Value::Array(items))
            if let Ty::Scalar(doc) = inner.as_ref()
                && *doc != Type::Json
                && let Some(sent) = common_scalar(items)
                && items.iter().any(|v| !is_placeholder(v) && scalar_of(v).as_ref() != Some(doc))
                && !(*doc == Type::Number && sent == Type::Integer) =>
        {
            out.push(settled(
                target,
                format!("array of {}", scalar_word(doc)),
                format!("array of {}", scalar_word(&sent)),
                format!("the example at line {example_line} sends a list of {}", scalar_word(&sent)),
                example_line,
                line,
            ));
            **inner = Ty::Scalar(sent);
        }
        (Ty::Array(inner), Value::Array(items)) => {
            for item in items {
                reconcile(inner, item, target, line, example_line, records, out);
            }
        }
        // A documented value list the example sends as a list: a list of those values when every item is one of
        // them; otherwise (`status=1&status=admin`, a copy slip) the list stands and drift reports the example.
        (Ty::Enum(e), Value::Array(items)) => {
            let listed = |v: &Value| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return false,
                };
                e.values.iter().any(|x| x.value.trim() == text.trim())
            };
            if !items.is_empty() && items.iter().all(listed) {
                out.push(settled(
                    target,
                    "a value from a list",
                    "array of values from the list",
                    format!("the example at line {example_line} sends a list of them"),
                    example_line,
                    line,
                ));
                let one = std::mem::replace(ty, Ty::Scalar(Type::Json));
                *ty = Ty::Array(Box::new(one));
            }
        }
        // The doc's examples send this value in two shapes (`dict/string`: an object here, a string there): no one
        // type holds both, untyped JSON does.
        (ty, value)
            if contradicts_shape(ty, value)
                && !is_placeholder(value)
                && let Some(earlier) = out.iter().find(|c| {
                    c.target == target
                        && c.by_example.is_some()
                        && c.contradiction == crate::ir::Contradiction::TypeMismatch
                }) =>
        {
            let correction = settled(
                target,
                earlier.corrected.clone(),
                "any JSON",
                format!(
                    "the examples send both {} (line {}) and {} (line {example_line})",
                    earlier.corrected,
                    earlier.by_example.unwrap_or_default(),
                    crate::ir::json_kind(value)
                ),
                example_line,
                line,
            );
            out.push(correction);
            *ty = Ty::Scalar(Type::Json);
        }
        (ty, value) if contradicts_shape(ty, value) && !is_placeholder(value) => {
            let name = target.rsplit('.').next().unwrap_or(target);
            let inferred = infer_ty(value, name, example_line);
            if is_more_typed(&inferred) {
                out.push(settled(
                    target,
                    shape_word(ty),
                    shape_word(&inferred),
                    format!("the example at line {example_line} sends {}", crate::ir::json_kind(value)),
                    example_line,
                    line,
                ));
                *ty = inferred;
            } else if value.as_array().is_some_and(|a| !a.is_empty())
                || value.as_object().is_some_and(|o| !o.is_empty())
            {
                // Contents no type can be told from (a list of lists): untyped JSON holds them, the doc's shape
                // would lose them.
                out.push(settled(
                    target,
                    shape_word(ty),
                    "any JSON",
                    format!("the example at line {example_line} sends {}", crate::ir::json_kind(value)),
                    example_line,
                    line,
                ));
                *ty = Ty::Scalar(Type::Json);
            }
        }
        _ => {}
    }
}

/// A string that stands for a value the doc does not give (`"xxx"`, `"..."`, `"{{bk_biz_id}}"`).
fn is_placeholder(value: &Value) -> bool {
    let Value::String(s) = value else { return false };
    let s = s.trim();
    s.is_empty()
        || s.chars().all(|c| matches!(c, 'x' | 'X' | '.' | '…' | '*'))
        || (s.starts_with("{{") && s.ends_with("}}"))
        || (s.starts_with("${") && s.ends_with('}'))
}

fn first_key(map: &Map<String, Value>) -> &str {
    map.keys().next().map_or("", String::as_str)
}

/// A value of another kind than the documented type, which no lenient reading bridges: a container where a
/// scalar is documented, a scalar where a container is, a list where an object is.
fn contradicts_shape(ty: &Ty, value: &Value) -> bool {
    let container = value.is_array() || value.is_object();
    match ty {
        _ if value.is_null() => false,
        Ty::Scalar(Type::Json) => false,
        Ty::Scalar(_) | Ty::Enum(_) => container,
        Ty::Object(_) | Ty::Map(_) => !value.is_object(),
        Ty::Array(_) => !value.is_array(),
    }
}

fn shape_word(ty: &Ty) -> &'static str {
    match ty {
        Ty::Scalar(t) => scalar_word(t),
        Ty::Enum(_) => "a value from a list",
        Ty::Object(_) => "object",
        Ty::Map(_) => "map",
        Ty::Array(_) => "array",
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

/// A correction the example at `example_line` settles (a type contradiction unless said otherwise); drift
/// still reports it. `line` is the doc line of the corrected row.
pub(super) fn settled(
    target: impl Into<String>,
    doc_says: impl Into<String>,
    corrected: impl Into<String>,
    reason: String,
    example_line: u32,
    line: u32,
) -> Correction {
    Correction {
        target: target.into(),
        doc_says: doc_says.into(),
        corrected: corrected.into(),
        reason,
        by_example: Some(example_line),
        contradiction: crate::ir::Contradiction::TypeMismatch,
        line,
    }
}

/// Reconciles what an inferred container documents inside, whatever container the example shows.
fn reconcile_contents(
    ty: &mut Ty,
    value: &Value,
    target: &str,
    example_line: u32,
    records: &RecordPlaces,
    out: &mut Vec<Correction>,
) {
    match (ty, value) {
        (Ty::Object(o), Value::Object(_)) => reconcile_fields(&mut o.fields, value, target, example_line, records, out),
        (Ty::Object(o), Value::Array(items)) => {
            for item in items {
                reconcile_fields(&mut o.fields, item, target, example_line, records, out);
            }
        }
        (Ty::Array(inner), Value::Array(items)) => {
            for item in items {
                reconcile_contents(inner, item, target, example_line, records, out);
            }
        }
        _ => {}
    }
}

fn reconcile_fields(
    fields: &mut [FieldNode],
    value: &Value,
    target: &str,
    example_line: u32,
    records: &RecordPlaces,
    out: &mut Vec<Correction>,
) {
    let Value::Object(map) = value else { return };
    for f in fields.iter_mut() {
        let Some(v) = map.get(&f.name) else { continue };
        let target = format!("{target}.{}", f.name);
        if f.inferred {
            // Heading-only fields take their container type from the example anyway (with a warning); what
            // their heading's table documents inside is reconciled all the same.
            reconcile_contents(&mut f.ty, v, &target, example_line, records, out);
        } else {
            reconcile(&mut f.ty, v, &target, f.line, example_line, records, out);
        }
    }
    // A field the table requires but the doc's own example leaves out is not always there (docs mark fields
    // required that only some requests need, and the items of a list that mixes shapes): optional.
    // Sent as `null`, it is as good as left out. A required flag the metadata sets stays (`required = true` in
    // bkapi.toml: the example is the one wrong).
    let absent = |name: &str| map.get(name).is_none_or(Value::is_null);
    for f in fields.iter_mut().filter(|f| f.required && absent(&f.name)) {
        let target = format!("{target}.{}", f.name);
        let pinned = format!("{target} (required)");
        if out.iter().any(|c| c.by_example.is_none() && c.target == pinned) {
            continue;
        }
        f.required = false;
        let reason = format!("the example at line {example_line} leaves it out or sends null");
        let correction = settled(target, "required", "optional", reason, example_line, f.line);
        out.push(Correction { contradiction: crate::ir::Contradiction::MissingRequired, ..correction });
    }
}

/// A value in an example, with the line of the example it is in.
type Seen<'v> = (&'v Value, u32);

/// What the examples show where the doc's types say nothing more (`dict` / `list` without a section, keys no
/// table names), from all the values that reach one place at once — of every example, every item of a list,
/// every value of a map — so that no single value decides what the others must fit. What is new is credited to
/// the first example that shows it.
fn refine_object(object: &mut ObjectNode, values: &[Seen<'_>]) {
    let maps: Vec<(&Map<String, Value>, u32)> = values.iter().filter_map(|(v, l)| Some((v.as_object()?, *l))).collect();
    if maps.is_empty() {
        return;
    }
    for field in &mut object.fields {
        let field_values: Vec<Seen<'_>> =
            maps.iter().filter_map(|(m, l)| Some((m.get(&field.name)?, *l))).filter(|(v, _)| !v.is_null()).collect();
        let Some(&(_, line)) = field_values.first() else { continue };
        // A heading-only field: the example decides between object and array of objects.
        if field.inferred && matches!(field.ty, Ty::Object(_)) && field_values.iter().all(|(v, _)| v.is_array()) {
            let old = std::mem::replace(&mut field.ty, Ty::Scalar(Type::Json));
            field.ty = Ty::Array(Box::new(old));
        }
        if is_untyped(&field.ty) && !field.inferred {
            let plain: Vec<&Value> = field_values.iter().map(|(v, _)| *v).collect();
            let inferred = infer_values(&plain, &field.name, line);
            if fills(&field.ty, &inferred) {
                field.ty = inferred;
                if field.line == 0 {
                    field.line = line;
                }
            }
            // Either way the examples have spoken: nothing later retypes it.
            field.inferred = true;
        }
        refine_ty(&mut field.ty, &field_values, &field.name);
    }
    add_keys_of_all(object, &maps);
}

/// Keys the examples send that no table names become optional fields typed from their values (`from_example`:
/// drift still reports them as unknown), so that what the server sends reaches the types. A key's type comes
/// from every object that has it, not from the first; its line is the first example's that has it.
fn add_keys_of_all(object: &mut ObjectNode, maps: &[(&Map<String, Value>, u32)]) {
    let records: Vec<(&Map<String, Value>, u32)> = maps.iter().copied().filter(|(m, _)| looks_like_record(m)).collect();
    let mut missing: Vec<(&String, u32)> = Vec::new();
    for (k, line) in records.iter().flat_map(|(m, l)| m.keys().map(move |k| (k, *l))) {
        if !object.fields.iter().any(|f| f.name == *k) && !missing.iter().any(|(m, _)| *m == k) {
            missing.push((k, line));
        }
    }
    if missing.is_empty() {
        return;
    }
    let all: Vec<&Map<String, Value>> = records.iter().map(|(m, _)| *m).collect();
    // One inference per first line (most docs: one), each keeping the keys first seen there.
    let mut lines: Vec<u32> = missing.iter().map(|(_, l)| *l).collect();
    lines.dedup();
    for line in lines {
        let fields = infer_object(&all, &object.name, line).fields;
        let first_seen_here = |name: &str| missing.iter().any(|(k, l)| *k == name && *l == line);
        object.fields.extend(fields.into_iter().filter(|f| first_seen_here(&f.name)));
    }
}

/// Whether a type inferred from examples fills in an untyped one: it says more, and it is the same kind of
/// container (a `dict` becomes a struct or a typed map, a `list` a typed list).
pub(super) fn fills(untyped: &Ty, inferred: &Ty) -> bool {
    let same_container = matches!(
        (untyped, inferred),
        (Ty::Scalar(Type::Json), _) | (Ty::Map(_), Ty::Object(_) | Ty::Map(_)) | (Ty::Array(_), Ty::Array(_))
    );
    same_container && is_more_typed(inferred)
}

/// Untyped JSON, or a `dict` / `list` of it: what an example may fill in.
pub(super) fn is_untyped(ty: &Ty) -> bool {
    match ty {
        Ty::Map(inner) | Ty::Array(inner) => **inner == Ty::Scalar(Type::Json),
        Ty::Scalar(Type::Json) => true,
        _ => false,
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

/// `name` names an element type the examples tell (the field's name; `item` for the response's).
fn refine_ty(ty: &mut Ty, values: &[Seen<'_>], name: &str) {
    match ty {
        Ty::Object(o) => refine_object(o, values),
        Ty::Array(inner) => {
            let items: Vec<Seen<'_>> = values
                .iter()
                .filter_map(|(v, l)| Some((v.as_array()?, *l)))
                .flat_map(|(items, l)| items.iter().map(move |i| (i, l)))
                .collect();
            // An untyped list at the top (`| data | list |`), or a list of untyped dicts (a `Dict` the example sends
            // as a list of objects): its example items tell the element type.
            if is_untyped(inner)
                && let Some(&(_, line)) = items.first()
            {
                // Named `item` where the list was untyped JSON (as always); `<field>_item` where it held untyped
                // dicts (a new type: the suffix keeps it from taking a name a table gives).
                let element_name =
                    if **inner == Ty::Scalar(Type::Json) { "item".to_string() } else { format!("{name}_item") };
                let plain: Vec<&Value> = items.iter().map(|(v, _)| *v).collect();
                let element = infer_values(&plain, &element_name, line);
                if fills(inner, &element) {
                    **inner = element;
                }
            }
            refine_ty(inner, &items, name);
        }
        Ty::Map(inner) if matches!(inner.as_ref(), Ty::Object(_)) => {
            let items: Vec<Seen<'_>> = values
                .iter()
                .filter_map(|(v, l)| Some((v.as_object()?, *l)))
                .flat_map(|(m, l)| m.values().map(move |i| (i, l)))
                .collect();
            refine_ty(inner, &items, name);
        }
        _ => {}
    }
}
