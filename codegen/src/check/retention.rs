//! The measure users rely on: does every value of every doc example reach the generated types and come back
//! unchanged? A *value* is a leaf of an example's JSON (a scalar or an empty container) — of the request
//! without its auth keys, or of the response's `data`. It is *kept* when the round trip of [`crate::check::wire_model`]
//! (decode with the generated types, serialize again) gives it back at the same path: equal, or the same
//! number written as a number or as numeric text, or `null` read as an empty object or list (the lenient
//! readings the runtime documents; counted as `normalized`), or — for `null` — absent (how an unset `Option`
//! is written). Anything else is *lost*: *documented* when some table of the same doc names its key (the
//! generator had the information), else *undocumented*.
//!
//! A kept value is *untyped* when it comes back only through a field typed as untyped JSON (`serde_json::Value`):
//! the user gets it, but reads it without a type. Each says why (see [`UntypedReason`]).

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::check::wire_model::{Fit, IssueKind, fit_example};
use crate::diagnostics::Diagnostic;
use crate::ir::{Api, ExampleKind, System, TypeKind};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ValueCounts {
    pub total: usize,
    pub kept: usize,
    pub lost_documented: usize,
    pub lost_undocumented: usize,
    /// Of the kept values, those that came back in the documented form: the same number (`"7"` → `7`), or
    /// `null` as the type's empty value (`{}`, `[]`).
    pub normalized: usize,
    /// Of the kept values, those that reach only an untyped JSON value (`serde_json::Value`).
    pub untyped: usize,
}

impl ValueCounts {
    pub fn add(&mut self, other: &ValueCounts) {
        self.total += other.total;
        self.kept += other.kept;
        self.lost_documented += other.lost_documented;
        self.lost_undocumented += other.lost_undocumented;
        self.normalized += other.normalized;
        self.untyped += other.untyped;
    }

    /// Kept in a typed field: what the user reads with a type.
    pub fn typed(&self) -> usize {
        self.kept - self.untyped
    }

    pub fn lost(&self) -> usize {
        self.lost_documented + self.lost_undocumented
    }
}

/// One value that does not reach the types unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LostValue {
    /// Concrete JSON path (`data.info[0].bk_host_id`); `data` is the response payload.
    pub path: String,
    /// Doc line of the table row or type involved, else of the example.
    pub line: u32,
    /// Some table of the doc names the value's key.
    pub documented: bool,
    pub cause: String,
}

/// One value that comes back only as untyped JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UntypedValue {
    pub path: String,
    /// Doc line of the untyped field, else of the example.
    pub line: u32,
    pub reason: UntypedReason,
}

/// Why a value reaches only untyped JSON, from worst to most excusable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "key")]
pub enum UntypedReason {
    /// A table of the doc names a key on the way to it (inside the untyped field): the generator had its type.
    Tabled(String),
    /// Only the example shows the contents (keys or items inside the untyped field); no table names them.
    ExampleOnly,
    /// The value is itself what the untyped field holds (a scalar or an empty container): the doc gives no
    /// single type for it (stated `any`, or the examples send it in several shapes).
    AnyValue,
}

impl UntypedReason {
    pub fn describe(&self) -> String {
        match self {
            UntypedReason::Tabled(key) => format!("a table of the doc names `{key}`, yet it reaches only untyped JSON"),
            UntypedReason::ExampleOnly => {
                "only the example shows its contents (no table names them); they reach untyped JSON".into()
            }
            UntypedReason::AnyValue => "the doc gives no single type for the field that holds it".into(),
        }
    }
}

/// The values of one example.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExampleValues {
    pub counts: ValueCounts,
    pub lost: Vec<LostValue>,
    pub untyped: Vec<UntypedValue>,
}

impl ExampleValues {
    pub fn lossless(&self) -> bool {
        self.counts.lost() == 0
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Measures one walked example. `table_keys` are the names every table of the doc gives; `root` is the path
/// Whether every value of `original` comes back in `back` (the same, or normalized as the runtime documents):
/// the question [`measure`] answers for the fit model, asked of the real types' round trip.
pub fn every_value_kept(original: &serde_json::Value, back: &serde_json::Value) -> bool {
    let mut leaves = Vec::new();
    collect_leaves(original, &mut Vec::new(), &mut leaves);
    leaves.into_iter().all(|(segments, value)| !matches!(compare(value, lookup(back, &segments)), ValueFate::Lost))
}

/// prefix of the subject (`data` for responses, empty for requests); `example_line` the example's line.
/// `None` when the example has no values to measure (unreadable, or an error envelope, which the runtime turns
/// into an error instead of a value).
pub fn measure(fit: &Fit, table_keys: &BTreeSet<String>, root: &str, example_line: u32) -> Option<ExampleValues> {
    let subject = fit.subject.as_ref()?;
    if fit.round_trip.is_none() && fit.decode_error.is_none() {
        return None;
    }
    let mut leaves = Vec::new();
    collect_leaves(subject, &mut Vec::new(), &mut leaves);
    let mut out = ExampleValues::default();
    for (segments, value) in leaves {
        out.counts.total += 1;
        let back = fit.round_trip.as_ref().and_then(|rt| lookup(rt, &segments));
        // Back from a struct's `extra` map: returned, but no typed field holds it.
        let path = render(root, &segments);
        let in_extra = fit.in_extra.iter().any(|p| covers(&render_relative(root, p), &path));
        let fate = if in_extra { ValueFate::Lost } else { compare(value, back) };
        if !matches!(fate, ValueFate::Lost) {
            out.counts.kept += 1;
            out.counts.normalized += usize::from(matches!(fate, ValueFate::Normalized));
            if let Some(untyped) = untyped_value(fit, table_keys, root, &segments, &path, example_line) {
                out.counts.untyped += 1;
                out.untyped.push(untyped);
            }
        }
        match fate {
            ValueFate::Same | ValueFate::Normalized => {}
            ValueFate::Lost => {
                let documented = last_key(&segments).is_some_and(|k| table_keys.contains(k));
                if documented {
                    out.counts.lost_documented += 1;
                } else {
                    out.counts.lost_undocumented += 1;
                }
                let (cause, line) = cause(fit, &path, value, back);
                out.lost.push(LostValue { path, line: if line == 0 { example_line } else { line }, documented, cause });
            }
        }
    }
    Some(out)
}

/// The untyped field a kept value comes back through (the outermost one), and why it is untyped.
fn untyped_value(
    fit: &Fit,
    table_keys: &BTreeSet<String>,
    root: &str,
    segments: &[Segment],
    path: &str,
    example_line: u32,
) -> Option<UntypedValue> {
    let (place, line) = fit
        .opaque
        .iter()
        .map(|(p, line)| (render_relative(root, p), *line))
        .filter(|(p, _)| covers(p, path))
        .min_by_key(|(p, _)| p.len())?;
    // The segments below the untyped place: render the prefixes until one is the place itself.
    let inside = (0..=segments.len())
        .filter_map(|n| Some((segments.get(..n)?, segments.get(n..)?)))
        .find(|(outer, _)| render(root, outer) == place)
        .map_or(&[][..], |(_, inside)| inside);
    let reason = if inside.is_empty() {
        UntypedReason::AnyValue
    } else {
        match inside.iter().find_map(|s| match s {
            Segment::Key(k) if table_keys.contains(k) => Some(k.clone()),
            _ => None,
        }) {
            Some(key) => UntypedReason::Tabled(key),
            None => UntypedReason::ExampleOnly,
        }
    };
    Some(UntypedValue { path: path.to_string(), line: if line == 0 { example_line } else { line }, reason })
}

/// The failures a user meets first, as errors with the example's line (`regen` refuses to write, the corpus
/// counts the doc failed): a request type that no table fills while its example sends keys (a request
/// section the generator did not recognise), and a response type that keeps less than half of its example's
/// values.
pub fn lossy_api_errors(system: &System, api: &Api) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let documented_request = system.types.iter().find(|t| t.name == api.request).is_some_and(|t| match &t.kind {
        TypeKind::Struct { fields } => fields.iter().any(|f| f.from_example.is_none()),
        TypeKind::Enum { .. } => true,
    });
    let keys: BTreeSet<String> = api.table_keys.iter().cloned().collect();
    for e in &api.examples {
        let fit = fit_example(system, api, e);
        match e.kind {
            // A request section that says "none" was read; one that was not read lost the fields.
            ExampleKind::Request if !documented_request && api.request_section.is_none() => {
                let sent = fit.subject.as_ref().and_then(Value::as_object).map_or(0, serde_json::Map::len);
                if sent > 0 {
                    out.push(
                        Diagnostic::error(
                            &api.source,
                            e.line,
                            format!(
                                "the request example sends {sent} parameter(s), but no table of the doc gives the \
                                 request's fields: its request section was not recognised"
                            ),
                        )
                        .with_help("give the parameters a `### 请求参数` / `### Request Parameters` table"),
                    );
                }
            }
            ExampleKind::Request => {}
            ExampleKind::Response => {
                let Some(m) = measure(&fit, &keys, "data", e.line) else { continue };
                if m.counts.kept * 2 < m.counts.total {
                    let first = m.lost.first().map(|l| format!("; first lost: `{}` ({})", l.path, l.cause));
                    out.push(
                        Diagnostic::error(
                            &api.source,
                            e.line,
                            format!(
                                "the response types keep {} of the {} values of this example{}",
                                m.counts.kept,
                                m.counts.total,
                                first.unwrap_or_default()
                            ),
                        )
                        .with_help("run `cargo xtask corpus <dir> -v` to see every lost value and its cause"),
                    );
                }
            }
        }
    }
    out
}

fn collect_leaves<'a>(value: &'a Value, at: &mut Vec<Segment>, out: &mut Vec<(Vec<Segment>, &'a Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                at.push(Segment::Key(k.clone()));
                collect_leaves(v, at, out);
                at.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                at.push(Segment::Index(i));
                collect_leaves(v, at, out);
                at.pop();
            }
        }
        leaf => out.push((at.clone(), leaf)),
    }
}

fn lookup<'a>(value: &'a Value, segments: &[Segment]) -> Option<&'a Value> {
    segments.iter().try_fold(value, |v, s| match s {
        Segment::Key(k) => v.get(k.as_str()),
        Segment::Index(i) => v.get(*i),
    })
}

fn last_key(segments: &[Segment]) -> Option<&str> {
    segments.iter().rev().find_map(|s| match s {
        Segment::Key(k) => Some(k.as_str()),
        Segment::Index(_) => None,
    })
}

fn render(root: &str, segments: &[Segment]) -> String {
    let mut out = root.to_string();
    for s in segments {
        match s {
            Segment::Key(k) if out.is_empty() => out.push_str(k),
            Segment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() { ".".into() } else { out }
}

enum ValueFate {
    Same,
    Normalized,
    Lost,
}

fn compare(original: &Value, back: Option<&Value>) -> ValueFate {
    match (original, back) {
        (Value::Null, None | Some(Value::Null)) => ValueFate::Same,
        // `data: null` (or `""`) on success reads as the type's empty value, as the runtime documents.
        (Value::Null, Some(b)) | (Value::String(_), Some(b))
            if original.as_str().is_none_or(str::is_empty)
                && (b.as_object().is_some_and(Map::is_empty) || b.as_array().is_some_and(Vec::is_empty)) =>
        {
            ValueFate::Normalized
        }
        (Value::Null, Some(b))
            if b.as_object().is_some_and(Map::is_empty) || b.as_array().is_some_and(Vec::is_empty) =>
        {
            ValueFate::Normalized
        }
        (_, None) => ValueFate::Lost,
        (a, Some(b)) if a == b => ValueFate::Same,
        (Value::Number(a), Some(Value::Number(b))) if a.as_f64() == b.as_f64() => ValueFate::Same,
        (a, Some(b)) if number_of(a).is_some() && number_of(a) == number_of(b) => ValueFate::Normalized,
        _ => ValueFate::Lost,
    }
}

/// A number, or numeric text, as a number.
fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Whether the value at `path` is at or inside `place`.
fn covers(place: &str, path: &str) -> bool {
    path == place || path.starts_with(&format!("{place}.")) || path.starts_with(&format!("{place}["))
}

/// A walker path (`b.c`, or `data.b.c` for a response) as [`render`] writes it under `root`.
fn render_relative(root: &str, walker_path: &str) -> String {
    if root.is_empty() || walker_path == root || walker_path.starts_with(&format!("{root}.")) {
        walker_path.to_string()
    } else {
        format!("{root}.{walker_path}")
    }
}

/// Why a value was lost, and the doc line to look at: the contradiction nearest above it, else the decode
/// error, else what came back.
fn cause(fit: &Fit, path: &str, original: &Value, back: Option<&Value>) -> (String, u32) {
    let covering = |p: &str| covers(p, path);
    let issue = fit
        .issues
        .iter()
        .filter(|i| covering(&i.path))
        .max_by_key(|i| (i.path.len(), i.kind == IssueKind::UnknownField));
    if let Some(issue) = issue {
        let what = match issue.kind {
            IssueKind::UnknownField => "no field of the generated type takes it (kept untyped in `extra`)",
            IssueKind::MissingRequired => "a required field is missing",
            IssueKind::TypeMismatch => "the example's type contradicts the doc's",
            IssueKind::EnumMismatch => "not a documented value",
        };
        return (format!("{what}: {}", issue.message), issue.line);
    }
    if let Some(e) = &fit.decode_error {
        return (format!("the example does not decode: {e}"), 0);
    }
    match back {
        None => (format!("`{original}` does not come back"), 0),
        Some(b) => (format!("`{original}` comes back as `{b}`"), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::wire_model::Issue;
    use serde_json::json;

    fn fit(subject: Value, round_trip: Option<Value>) -> Fit {
        Fit {
            issues: Vec::new(),
            decode_error: None,
            round_trip,
            subject: Some(subject),
            in_extra: Vec::new(),
            opaque: Vec::new(),
        }
    }

    #[test]
    fn leaves_are_scalars_and_empty_containers_kept_when_they_come_back() {
        let subject = json!({"a": 1, "b": {"c": "x", "d": []}, "e": [1, {"f": null}], "g": {}});
        let f = fit(subject.clone(), Some(subject));
        let m = measure(&f, &BTreeSet::new(), "", 9).unwrap();
        assert_eq!(m.counts, ValueCounts { total: 6, kept: 6, ..Default::default() });
        assert!(m.lossless());
    }

    #[test]
    fn dropped_keys_are_lost_documented_or_not_with_their_cause() {
        let mut f = fit(json!({"a": 1, "b": {"c": "x"}, "n": null}), Some(json!({"a": 1})));
        f.issues.push(Issue {
            kind: IssueKind::UnknownField,
            path: "data.b".into(),
            place: "data.b".into(),
            line: 0,
            message: "`b` is in the example but not in the doc's table".into(),
        });
        let keys: BTreeSet<String> = ["c".to_string()].into();
        let m = measure(&f, &keys, "data", 9).unwrap();
        // `n: null` comes back absent: kept.
        assert_eq!((m.counts.total, m.counts.kept, m.counts.lost_documented, m.counts.lost_undocumented), (3, 2, 1, 0));
        let lost = &m.lost[0];
        assert_eq!((lost.path.as_str(), lost.line, lost.documented), ("data.b.c", 9, true));
        assert!(lost.cause.contains("no field of the generated type"), "{}", lost.cause);
    }

    #[test]
    fn values_back_from_extra_reach_no_typed_field_and_count_as_lost() {
        // `b` comes back (the struct's `extra` keeps it) but no field of the type holds it.
        let subject = json!({"a": 1, "b": {"c": "x"}});
        let mut f = fit(subject.clone(), Some(subject));
        f.in_extra.push("data.b".into());
        let m = measure(&f, &BTreeSet::new(), "data", 9).unwrap();
        assert_eq!((m.counts.kept, m.counts.lost_undocumented), (1, 1));
        assert_eq!(m.lost[0].path, "data.b.c");
    }

    #[test]
    fn values_back_through_untyped_json_are_kept_but_untyped_with_their_reason() {
        // `any` holds a scalar; `obj` is an untyped object whose `id` a table names and whose `z` only the
        // example shows; `n` is typed.
        let subject = json!({"any": 3, "obj": {"id": 1, "z": [true]}, "n": 2});
        let mut f = fit(subject.clone(), Some(subject));
        f.opaque = vec![("data.any".into(), 7), ("data.obj".into(), 8), ("data.obj.z".into(), 9)];
        let keys: BTreeSet<String> = ["id".to_string()].into();
        let m = measure(&f, &keys, "data", 3).unwrap();
        assert_eq!((m.counts.total, m.counts.kept, m.counts.untyped, m.counts.typed()), (4, 4, 3, 1));
        let reason = |p: &str| m.untyped.iter().find(|u| u.path == p).map(|u| (u.line, u.reason.clone()));
        assert_eq!(reason("data.any"), Some((7, UntypedReason::AnyValue)));
        assert_eq!(reason("data.obj.id"), Some((8, UntypedReason::Tabled("id".into()))));
        // The outermost untyped place decides.
        assert_eq!(reason("data.obj.z[0]"), Some((8, UntypedReason::ExampleOnly)));
        assert_eq!(reason("data.n"), None);
    }

    #[test]
    fn numbers_as_text_and_null_as_empty_are_normalized_and_changed_values_are_lost() {
        let f = fit(
            json!({"id": "7", "n": 5, "s": "", "x": [1], "e": null, "z": null}),
            Some(json!({"id": 7, "n": 5.0, "x": {}, "e": [], "z": 0})),
        );
        let m = measure(&f, &BTreeSet::new(), "", 3).unwrap();
        assert_eq!((m.counts.kept, m.counts.normalized, m.counts.lost_undocumented), (3, 2, 3));
        assert!(m.lost.iter().any(|l| l.path == "s" && l.cause.contains("does not come back")));
    }

    #[test]
    fn an_example_that_does_not_decode_loses_every_value_and_error_envelopes_are_not_measured() {
        let mut f = fit(json!({"a": 1, "b": 2}), None);
        f.decode_error =
            Some(crate::check::wire_model::DecodeError { path: "a".into(), message: "expected a string".into() });
        let m = measure(&f, &BTreeSet::new(), "", 3).unwrap();
        assert_eq!(m.counts.lost_undocumented, 2);
        assert!(m.lost.iter().all(|l| l.cause.contains("does not decode")));
        assert!(measure(&fit(json!({"a": 1}), None), &BTreeSet::new(), "", 3).is_none());
    }
}
