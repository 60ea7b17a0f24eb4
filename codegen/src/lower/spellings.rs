//! One field spelled two ways (`type` / `Type` where a translator capitalized a key, `Light_color` in a table
//! beside `light_color` in its example, `table _name_zh` beside `table_name_zh`). Two names that differ only in
//! ASCII case or whitespace are no two keys of one BlueKing object (its keys are snake_case), and side by side
//! they make clients that do not compile (an OpenAPI generator names both `type_`). They become one field,
//! spelled lowercase without a space where one spelling is; an example that sends the other spelling is drift
//! (its key is in no field). A field described twice under one spelling (a path row `data.logs` beside a section
//! of `logs`) is one field too: two would send the key twice.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::inference::is_untyped;
use super::tree::{ApiDraft, FieldNode, ObjectNode, Ty};
use crate::diagnostics::Diagnostic;
use crate::ir::Type;

/// Merges the case variants of every object of the draft's request and response; one warning per merge. Run on
/// each doc before its examples settle the types (a doc's own twins), and on each API once its languages' docs
/// are merged (a translation's `Type` beside `type`).
pub fn one_field_per_spelling(draft: &mut ApiDraft) -> Vec<Diagnostic> {
    let file = draft.source.clone();
    merge_spellings(&mut draft.request, &mut draft.response, &file)
}

pub(super) fn merge_spellings(request: &mut ObjectNode, response: &mut Ty, file: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk_object(request, "request", file, &mut out);
    walk(response, "response", file, &mut out);
    out
}

fn walk(ty: &mut Ty, path: &str, file: &str, out: &mut Vec<Diagnostic>) {
    match ty {
        Ty::Object(o) => walk_object(o, path, file, out),
        Ty::Array(inner) | Ty::Map(inner) => walk(inner, path, file, out),
        Ty::Scalar(_) | Ty::Enum(_) => {}
    }
}

fn walk_object(object: &mut ObjectNode, path: &str, file: &str, out: &mut Vec<Diagnostic>) {
    merge_case_variants(object, path, file, out);
    for f in &mut object.fields {
        walk(&mut f.ty, &format!("{path}.{}", f.name), file, out);
    }
}

fn merge_case_variants(object: &mut ObjectNode, path: &str, file: &str, out: &mut Vec<Diagnostic>) {
    // Each later field whose spelling an earlier one has, by the earlier one's position: one pass with a map, as a
    // generated or hostile doc may table tens of thousands of fields in one object.
    let mut first_of: HashMap<String, usize> = HashMap::new();
    let mut twins: Vec<(usize, usize)> = Vec::new();
    for (j, f) in object.fields.iter().enumerate() {
        match first_of.entry(spelling(&f.name)) {
            Entry::Occupied(first) => twins.push((*first.get(), j)),
            Entry::Vacant(slot) => {
                slot.insert(j);
            }
        }
    }
    if twins.is_empty() {
        return;
    }
    twins.sort_unstable();
    let mut fields: Vec<Option<FieldNode>> = std::mem::take(&mut object.fields).into_iter().map(Some).collect();
    for (i, j) in twins {
        let (Some(first), Some(second)) =
            (fields.get_mut(i).and_then(Option::take), fields.get_mut(j).and_then(Option::take))
        else {
            continue;
        };
        let merged = merge_pair(first, second, path, file, out);
        if let Some(slot) = fields.get_mut(i) {
            *slot = Some(merged);
        }
    }
    object.fields = fields.into_iter().flatten().collect();
}

/// One field from two spellings of it (`first` is tabled earlier); the warning says which spelling stays.
fn merge_pair(first: FieldNode, second: FieldNode, path: &str, file: &str, out: &mut Vec<Diagnostic>) -> FieldNode {
    // The lowercase spelling without a space in it (`table _name_zh` is a typo of `table_name_zh`).
    let is_plain = |n: &str| n == n.to_ascii_lowercase() && !n.contains(char::is_whitespace);
    let lower_second = !is_plain(&first.name) && is_plain(&second.name);
    let ((name, name_line), (dropped, dropped_line)) = if lower_second {
        ((second.name.clone(), second.line), (first.name.clone(), first.line))
    } else {
        ((first.name.clone(), first.line), (second.name.clone(), second.line))
    };
    // A table's row says more than a heading alone, which says more than a key only an example shows.
    let rank = |f: &FieldNode| (f.from_example.is_some(), f.inferred);
    let (mut kept, other) = if rank(&second) < rank(&first) { (second, first) } else { (first, second) };
    kept.ty = combined(std::mem::replace(&mut kept.ty, Ty::Scalar(Type::Json)), other.ty);
    if kept.doc.is_empty() {
        kept.doc = other.doc;
    }
    kept.name = name.clone();
    let message = if dropped == name {
        // Two places of the doc describe it (a path row `data.logs` and a section of `logs`).
        format!("`{path}.{name}` is described twice (also at line {name_line}): generated as one field")
    } else {
        format!(
            "`{path}.{dropped}` and `{path}.{name}` (line {name_line}) are one field spelled two ways: generated as \
             `{name}`; an example that sends `{dropped}` is drift"
        )
    };
    out.push(Diagnostic::warning(file, dropped_line, message).with_help(format!("describe `{name}` once, spelled so")));
    kept
}

/// The kept description's type, completed by the other's: `| data.logs | []object |` (a row, no item fields)
/// and `#### data.logs` (the items' fields, under a heading) are a list of those items.
fn combined(kept: Ty, other: Ty) -> Ty {
    let says_nothing = |t: &Ty| is_untyped(t) || matches!(t, Ty::Object(o) if o.fields.is_empty());
    match (kept, other) {
        (Ty::Array(inner), Ty::Object(o)) if says_nothing(&inner) => Ty::Array(Box::new(Ty::Object(o))),
        (Ty::Array(inner), Ty::Array(o)) if says_nothing(&inner) => Ty::Array(o),
        (kept, other) if says_nothing(&kept) && !says_nothing(&other) => other,
        (kept, _) => kept,
    }
}

/// What two spellings of one field share: the name in lowercase, without whitespace.
fn spelling(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase()
}
