//! Does this JSON fit that type? The one walker over an example and the IR type it should become. In a single
//! pass it answers the three questions the rest of the generator asks:
//! - *drift* (strict): where the example contradicts the doc's table — unknown keys, missing required fields,
//!   values of another type than documented, values outside the documented list;
//! - *decode* (lenient): would the generated types accept it, with the emitted code's serde semantics
//!   (unknown keys kept untyped in `extra`, `Option` fields absent or null, lenient integers and strings, open
//!   enums, a response's missing required fields read as empty values and left out when written) and the
//!   runtime's envelope handling;
//! - *round trip*: the JSON that serializing the decoded value gives back, from which [`crate::check::retention`]
//!   counts the example values that reach the types unchanged.
//!
//! `tests/tests/decode.rs` holds the decode verdict and the round trip to the real generated types.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::ir::{
    Api, DocumentedValue, EnumRepr, Example, ExampleKind, Field, System, Type, TypeKind, json_kind, lenient_i64,
    request_params,
};

/// Where the generated types would reject a value: the JSON path and what serde would complain about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodeError {
    /// `hosts[0].port`; `.` for the value itself.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

/// Kinds of contradiction between an example and the doc's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// The example has a key the table does not list (serde ignores it: its values are dropped).
    UnknownField,
    /// The table says required; the example lacks it.
    MissingRequired,
    /// The example's value has another type than the table says.
    TypeMismatch,
    /// The value is not among those the doc lists.
    EnumMismatch,
}

/// One contradiction, at a concrete JSON path (`hosts[0].port`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub kind: IssueKind,
    pub path: String,
    /// The place in the types: the path with list indices as `[]` and map keys as `{}` (`hosts[].port`,
    /// `children{}.state`), so that one contradiction is reported once however many items show it.
    pub place: String,
    /// Doc line of the table row or type (0: the example's own line).
    pub line: u32,
    pub message: String,
}

/// What one example is to the generated types.
#[derive(Debug, Clone, Default)]
pub struct Fit {
    pub issues: Vec<Issue>,
    /// The first place the generated types would reject the example (`None`: it decodes).
    pub decode_error: Option<DecodeError>,
    /// What serializing the decoded value gives back: the request parameters, or the response's `data`.
    /// `None` when it does not decode, or when the example is an error envelope (the runtime returns an error).
    pub round_trip: Option<Value>,
    /// The part of the example the types see: the request without its auth keys, or the response's `data`.
    pub subject: Option<Value>,
    /// Where keys no field lists come back from a struct's `extra` map (paths as issues give them): they return,
    /// but reach no typed field.
    pub in_extra: Vec<String>,
    /// Where a value (not `null`) reaches a field or item typed as untyped JSON (`serde_json::Value`), with the doc
    /// line of that field: it comes back, but the user reads it as untyped JSON.
    pub opaque: Vec<(String, u32)>,
}

/// Walks one parsed example against its API's types.
pub fn fit_example(system: &System, api: &Api, example: &Example) -> Fit {
    let mut w = Walker { system, fit: Fit::default(), in_example_only: false, map_entries: Vec::new() };
    let Some(value) = &example.value else {
        w.fit.decode_error = Some(DecodeError { path: ".".into(), message: "the example is not JSON".into() });
        return w.fit;
    };
    match example.kind {
        ExampleKind::Request => {
            let params = request_params(value, &system.credential_parameters(api));
            let out = w.named(&api.request, &params, "");
            w.finish(out, params);
        }
        ExampleKind::Response => w.response(api, value),
    }
    w.fit
}

/// Decodes one parsed example (see [`fit_example`]): `Ok` when the generated types accept it.
pub fn decode_example(system: &System, api: &Api, example: &Example) -> Result<(), DecodeError> {
    match fit_example(system, api, example).decode_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The result of walking one value: its round trip (`Ok(None)`: absent once serialized), or rejected.
type Out = Result<Option<Value>, ()>;

struct Walker<'a> {
    system: &'a System,
    fit: Fit,
    /// Inside a field that only an example shows: its key is the one unknown field drift reports, not every
    /// key below it.
    in_example_only: bool,
    /// The map entries being walked, innermost last: each entry's path and its place (see [`Issue::place`]).
    map_entries: Vec<(String, String)>,
}

/// `hosts[0].port` → `hosts[].port`.
fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' if in_index => in_index = false,
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

fn at(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// The article-carrying kind serde names in its errors.
fn serde_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn type_word(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Integer => "integer".into(),
        Type::Number => "number".into(),
        Type::Boolean => "boolean".into(),
        Type::Json => "any".into(),
        Type::Array(t) => format!("array of {}", type_word(t)),
        Type::Map(t) => format!("object of {}", type_word(t)),
        Type::Named(n) => format!("`{n}`"),
    }
}

fn expected(ty: &Type) -> String {
    match ty {
        Type::String => "a string".into(),
        Type::Integer => "an integer".into(),
        Type::Number => "a number".into(),
        Type::Boolean => "a boolean".into(),
        Type::Json => "any value".into(),
        Type::Array(t) => format!("an array of {}", expected(t)),
        Type::Map(t) => format!("an object of {}", expected(t)),
        Type::Named(n) => format!("`{n}`"),
    }
}

/// A number as serde writes an `f64` back.
fn float_value(n: &serde_json::Number) -> Option<Value> {
    n.as_f64().and_then(serde_json::Number::from_f64).map(Value::Number)
}

impl<'a> Walker<'a> {
    fn finish(&mut self, out: Out, subject: Value) {
        self.fit.round_trip = match out {
            Ok(v) => Some(v.unwrap_or(Value::Null)),
            Err(()) => None,
        };
        self.fit.subject = Some(subject);
    }

    /// The runtime's envelope handling: an error envelope is an API error; `data: null` (or `""` where the type
    /// reads no text) reads as an empty value when the response type takes one.
    fn response(&mut self, api: &Api, value: &Value) {
        // A body that is no object (a list answered bare) is the data, as the runtime reads it.
        if let Value::Object(envelope) = value
            && !api.envelope.is_empty()
            && envelope.contains_key("data")
        {
            self.envelope(&api.envelope, envelope);
        }
        let data = crate::ir::response_data(value).clone();
        if crate::ir::is_error_response(value) {
            // The strict check still reads `data` (drift); the runtime returns `Error::Api` and keeps no value.
            let mut shadow = self.shadow();
            let _ = shadow.value(&api.response, &data, "data", 0, &[]);
            self.fit.issues.extend(shadow.fit.issues);
            self.fit.subject = Some(data);
            return;
        }
        let out = match &data {
            Value::Null if self.accepts_empty(&api.response) => {
                Ok(Some(self.empty_of(&api.response).unwrap_or(Value::Null)))
            }
            // `data: ""` (CMDB's answer with nothing to return) where the type reads no text: its empty value.
            Value::String(s)
                if s.is_empty() && !self.takes_text(&api.response) && self.accepts_empty(&api.response) =>
            {
                Ok(Some(self.empty_of(&api.response).unwrap_or(Value::Null)))
            }
            data => self.value(&api.response, data, "data", 0, &[]),
        };
        self.finish(out, data);
    }

    /// Envelope keys (`result`, `code`, …) are only checked against their table: the runtime reads them itself.
    fn envelope(&mut self, fields: &[Field], map: &Map<String, Value>) {
        let mut shadow = self.shadow();
        for (key, v) in map.iter().filter(|(k, _)| k.as_str() != "data") {
            match fields.iter().find(|f| f.name == *key) {
                Some(f) => {
                    let _ = shadow.value(&f.ty, v, key, f.line, &f.documented_values);
                }
                None => shadow.issue(IssueKind::UnknownField, key, 0, unknown_message(key)),
            }
        }
        for f in fields.iter().filter(|f| f.required && !map.contains_key(&f.name)) {
            shadow.issue(IssueKind::MissingRequired, &f.name, f.line, missing_message(&f.name));
        }
        self.fit.issues.extend(shadow.fit.issues);
    }

    fn issue(&mut self, kind: IssueKind, path: &str, line: u32, message: String) {
        let place = without_indices(&self.place_of(path));
        self.fit.issues.push(Issue { kind, path: path.to_string(), place, line, message });
    }

    /// A path with the keys of the map entries it is inside replaced by `{}`.
    fn place_of(&self, path: &str) -> String {
        for (entry, place) in self.map_entries.iter().rev() {
            if let Some(rest) = path.strip_prefix(entry.as_str())
                && (rest.is_empty() || rest.starts_with(['.', '[']))
            {
                return format!("{place}{rest}");
            }
        }
        path.to_string()
    }

    /// Records where serde would stop (the first such place only) and rejects the value.
    fn reject(&mut self, path: &str, message: String) -> Out {
        if self.fit.decode_error.is_none() {
            let path = if path.is_empty() { ".".to_string() } else { path.to_string() };
            self.fit.decode_error = Some(DecodeError { path, message });
        }
        Err(())
    }

    /// The runtime reads `data: null` as `{}` or `[]` when the response type takes one of them.
    fn accepts_empty(&self, ty: &Type) -> bool {
        match ty {
            Type::Json | Type::Array(_) | Type::Map(_) => true,
            Type::Named(n) => matches!(
                self.system.type_def(n).map(|d| &d.kind),
                Some(TypeKind::Struct { fields }) if fields.iter().all(|f| !f.required)
            ),
            _ => false,
        }
    }

    fn empty_of(&self, ty: &Type) -> Option<Value> {
        match ty {
            Type::Json => Some(Value::Null),
            Type::Array(_) => Some(Value::Array(Vec::new())),
            Type::Map(_) | Type::Named(_) => Some(Value::Object(Map::new())),
            _ => None,
        }
    }

    /// A value of type `ty` (a list item, a map value, the response payload, or a field's value after the
    /// field's own rules). `documented` are the values a description enumerates for the field.
    fn value(&mut self, ty: &Type, v: &Value, path: &str, line: u32, documented: &[DocumentedValue]) -> Out {
        if !v.is_null() && !self.strictly_fits(ty, v) {
            let msg = format!("the doc says {}, the example has {} `{v}`", type_word(ty), json_kind(v));
            self.issue(IssueKind::TypeMismatch, path, line, msg);
        } else if !v.is_null() && !documented.is_empty() {
            self.documented_value(v, path, line, documented);
        }
        match (ty, v) {
            (Type::Json, v) => {
                if !v.is_null() {
                    self.fit.opaque.push((path.to_string(), line));
                }
                Ok(Some(v.clone()))
            }
            (Type::String, Value::String(_)) | (Type::Boolean, Value::Bool(_)) => Ok(Some(v.clone())),
            (Type::Number, Value::Number(n)) => Ok(float_value(n)),
            (Type::Integer, Value::Number(n)) if n.is_i64() => Ok(Some(v.clone())),
            (Type::Array(inner), Value::Array(items)) => {
                // A list of untyped values: the list is the untyped place, its items its contents.
                if **inner == Type::Json && !items.is_empty() {
                    self.fit.opaque.push((path.to_string(), line));
                }
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.value(inner, item, &format!("{path}[{i}]"), line, &[]) {
                        Ok(v) => out.push(v.unwrap_or(Value::Null)),
                        Err(()) => ok = false,
                    }
                }
                if ok { Ok(Some(Value::Array(out))) } else { Err(()) }
            }
            (Type::Map(inner), Value::Object(map)) => {
                // A `dict` of untyped values: the map is the untyped place, its keys its contents.
                if **inner == Type::Json && !map.is_empty() {
                    self.fit.opaque.push((path.to_string(), line));
                }
                let mut out = Map::new();
                let mut ok = true;
                for (k, item) in map {
                    let entry = at(path, k);
                    let place = format!("{}{{}}", self.place_of(path));
                    self.map_entries.push((entry.clone(), place));
                    let walked = self.value(inner, item, &entry, line, &[]);
                    self.map_entries.pop();
                    match walked {
                        Ok(v) => {
                            out.insert(k.clone(), v.unwrap_or(Value::Null));
                        }
                        Err(()) => ok = false,
                    }
                }
                if ok { Ok(Some(Value::Object(out))) } else { Err(()) }
            }
            (Type::Named(name), v) => self.named(name, v, path),
            _ => self.reject(path, format!("expected {}, found {}", expected(ty), serde_kind(v))),
        }
    }

    /// The strict question drift asks about the top of a value: is it of the documented JSON type?
    fn strictly_fits(&self, ty: &Type, v: &Value) -> bool {
        match (ty, v) {
            (Type::Json, _) | (Type::Named(_), _) => true,
            (Type::String, Value::String(_)) | (Type::Boolean, Value::Bool(_)) | (Type::Number, Value::Number(_)) => {
                true
            }
            (Type::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Type::Array(_), Value::Array(_)) | (Type::Map(_), Value::Object(_)) => true,
            _ => false,
        }
    }

    fn documented_value(&mut self, v: &Value, path: &str, line: u32, documented: &[DocumentedValue]) {
        let code = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if documented.iter().any(|d| d.code == code) {
            return;
        }
        let listed = documented.iter().map(|d| format!("{}：{}", d.code, d.label)).collect::<Vec<_>>().join(" ");
        let hint = documented
            .iter()
            .find(|d| d.label.eq_ignore_ascii_case(&code))
            .map(|d| format!("; it is the label of code {}", d.code))
            .unwrap_or_default();
        self.issue(IssueKind::EnumMismatch, path, line, format!("`{code}` is not a documented value ({listed}){hint}"));
    }

    /// A present field value, with the emitted field's rules: `Option` takes null (absent once serialized);
    /// integers and strings read leniently and are written back as the documented type.
    fn field(&mut self, f: &Field, v: &Value, path: &str) -> Out {
        let lenient_string = f.ty == Type::String && !f.secret && !f.base64;
        match v {
            Value::Null if !f.required => Ok(None),
            Value::Null if f.ty == Type::Json => Ok(Some(Value::Null)),
            _ if f.ty == Type::Integer => {
                let _ = self.scalar_issues(f, v, path);
                match lenient_i64(v) {
                    Ok(Some(i)) => Ok(Some(Value::from(i))),
                    Ok(None) if !f.required => Ok(None),
                    _ => self.reject(path, format!("expected an integer or a numeric string, found {}", serde_kind(v))),
                }
            }
            _ if lenient_string => {
                let _ = self.scalar_issues(f, v, path);
                match v {
                    Value::String(_) => Ok(Some(v.clone())),
                    // `bkapi::wire::lenient_text` writes floats with Rust's `f64` formatting.
                    Value::Number(n) => Ok(Some(Value::String(match n.as_f64() {
                        Some(f) if n.is_f64() => f.to_string(),
                        _ => n.to_string(),
                    }))),
                    v => self.reject(path, format!("expected a string or a number, found {}", serde_kind(v))),
                }
            }
            // `bkapi_wire`'s `Option`: `""` where the type takes no text is absent (drift all the same).
            Value::String(s) if s.is_empty() && !f.required && !self.takes_text(&f.ty) => {
                let _ = self.scalar_issues(f, v, path);
                Ok(None)
            }
            v => self.value(&f.ty, v, path, f.line, &f.documented_values),
        }
    }

    /// Whether `""` reads as a value of the type, not as absent: strings, untyped JSON, an enum sent as strings
    /// that is open (`Unknown("")`) or lists `""`.
    fn takes_text(&self, ty: &Type) -> bool {
        match ty {
            Type::String | Type::Json => true,
            Type::Named(n) => match self.system.type_def(n).map(|d| &d.kind) {
                Some(TypeKind::Enum { repr: EnumRepr::String, open, values }) => {
                    *open || values.iter().any(|v| v.value.is_empty())
                }
                _ => false,
            },
            Type::Integer | Type::Number | Type::Boolean | Type::Array(_) | Type::Map(_) => false,
        }
    }

    /// Drift of a leniently read scalar (the lenient reading itself is the caller's).
    fn scalar_issues(&mut self, f: &Field, v: &Value, path: &str) -> bool {
        if v.is_null() {
            return true;
        }
        if !self.strictly_fits(&f.ty, v) {
            let msg = format!("the doc says {}, the example has {} `{v}`", type_word(&f.ty), json_kind(v));
            self.issue(IssueKind::TypeMismatch, path, f.line, msg);
            return false;
        }
        if !f.documented_values.is_empty() {
            self.documented_value(v, path, f.line, &f.documented_values);
        }
        true
    }

    fn named(&mut self, name: &str, v: &Value, path: &str) -> Out {
        let Some(def) = self.system.type_def(name) else {
            return self.reject(path, format!("type `{name}` is not defined"));
        };
        let def_line = def.line;
        match (&def.kind, v) {
            (TypeKind::Struct { fields }, Value::Object(map)) => self.object(fields, map, path, def.in_responses),
            (TypeKind::Struct { fields }, Value::Array(items)) => {
                let msg = format!("the doc defines an object (`{name}`), the example has array");
                self.issue(IssueKind::TypeMismatch, path, def_line, msg);
                // Reported once, as a whole: what the positional reading finds inside is no separate drift.
                let reported = self.fit.issues.len();
                let out = self.positional(name, fields, items, path, def.in_responses);
                self.fit.issues.truncate(reported);
                out
            }
            (TypeKind::Struct { .. }, v) => {
                if !v.is_null() {
                    let msg = format!("the doc defines an object (`{name}`), the example has {}", json_kind(v));
                    self.issue(IssueKind::TypeMismatch, path, def_line, msg);
                }
                self.reject(path, format!("expected struct `{name}`, found {}", serde_kind(v)))
            }
            (TypeKind::Enum { values, open, repr: EnumRepr::Integer }, v) => {
                self.integer_enum(name, values, *open, v, path, def_line)
            }
            (TypeKind::Enum { values, open, .. }, Value::String(s)) => {
                if !values.iter().any(|x| x.value == *s) {
                    let listed = values.iter().map(|x| x.value.as_str()).collect::<Vec<_>>().join(", ");
                    let msg = format!("`{s}` is not one of the documented values ({listed})");
                    self.issue(IssueKind::EnumMismatch, path, def_line, msg);
                    if !open {
                        return self.reject(path, format!("unknown variant `{s}` of `{name}`"));
                    }
                }
                Ok(Some(v.clone()))
            }
            (TypeKind::Enum { .. }, v) => {
                if !v.is_null() {
                    let msg = format!("the doc lists string values, the example has {}", json_kind(v));
                    self.issue(IssueKind::TypeMismatch, path, def_line, msg);
                }
                self.reject(path, format!("expected enum `{name}`, found {}", serde_kind(v)))
            }
        }
    }

    fn integer_enum(
        &mut self,
        name: &str,
        values: &[crate::ir::EnumValue],
        open: bool,
        v: &Value,
        path: &str,
        line: u32,
    ) -> Out {
        let strict = match v {
            Value::Number(n) if n.is_i64() => Some(n.to_string()),
            _ => None,
        };
        match &strict {
            None if !v.is_null() => {
                let msg = format!("the doc lists integer codes, the example has {} `{v}`", json_kind(v));
                self.issue(IssueKind::TypeMismatch, path, line, msg);
            }
            Some(code) if !values.iter().any(|x| x.value == *code) => {
                let listed = values.iter().map(|x| format!("{}：{}", x.value, x.doc)).collect::<Vec<_>>().join(" ");
                let hint = values
                    .iter()
                    .find(|x| x.doc.eq_ignore_ascii_case(code))
                    .map(|x| format!("; it is the label of code {}", x.value))
                    .unwrap_or_default();
                let msg = format!("`{code}` is not a documented value ({listed}){hint}");
                self.issue(IssueKind::EnumMismatch, path, line, msg);
            }
            _ => {}
        }
        let Ok(Some(code)) = lenient_i64(v) else {
            return self.reject(path, format!("expected an integer or a numeric string, found {}", serde_kind(v)));
        };
        if open || values.iter().any(|x| x.value == code.to_string()) {
            Ok(Some(Value::from(code)))
        } else {
            self.reject(path, format!("unknown code `{code}` of `{name}`"))
        }
    }

    /// A struct from a JSON object. Unknown keys are kept in the struct's `extra` map and come back as they were,
    /// noted as untyped (no typed field holds them); a request's struct refuses one that looks like a typo of a
    /// listed key. Required fields must be there, except in a type responses reach (`tolerant`), where one whose type
    /// has an empty value reads as it.
    fn object(&mut self, fields: &[Field], map: &Map<String, Value>, path: &str, tolerant: bool) -> Out {
        let mut out = Map::new();
        let mut ok = true;
        // Fields that exist only because an example sends them are still keys the doc's table lacks.
        let documented = |k: &String| fields.iter().any(|f| f.name == *k && f.from_example.is_none());
        if !self.in_example_only {
            for key in map.keys().filter(|k| !documented(k)) {
                self.issue(IssueKind::UnknownField, &at(path, key), 0, unknown_message(key));
            }
        }
        let listed: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        for (key, value) in map.iter().filter(|(k, _)| !listed.contains(&k.as_str())) {
            match bkapi_wire::near_miss(key, &listed).filter(|_| !tolerant) {
                Some(meant) => {
                    ok &=
                        self.reject(&at(path, key), format!("unknown field `{key}`: did you mean `{meant}`?")).is_ok();
                }
                None => {
                    out.insert(key.clone(), value.clone());
                    self.fit.in_extra.push(at(path, key));
                }
            }
        }
        for f in fields {
            let p = at(path, &f.name);
            match map.get(&f.name) {
                None if f.required => {
                    // A body example does not carry the path: a path parameter it lacks is no drift (decoding
                    // still needs it, as the generated type does).
                    if f.location != crate::ir::ParamLocation::Path {
                        self.issue(IssueKind::MissingRequired, &p, f.line, missing_message(&f.name));
                    }
                    if !(tolerant && self.has_placeholder(f)) {
                        ok &= self.reject(&p, format!("missing field `{}`", f.name)).is_ok();
                    }
                }
                None => {}
                Some(v) => ok &= self.put_field(f, v, &p, &mut out),
            }
        }
        if ok { Ok(Some(Value::Object(out))) } else { Err(()) }
    }

    /// Whether a missing required field reads as its type's empty value (`bkapi_wire::Wire::placeholder`):
    /// scalars, lists, maps and untyped JSON; a struct of optional fields. Not secrets, Base64, enums or other
    /// structs.
    fn has_placeholder(&self, f: &Field) -> bool {
        match &f.ty {
            Type::String => !f.secret && !f.base64,
            Type::Named(n) => self.system.type_def(n).is_some_and(|d| match &d.kind {
                TypeKind::Struct { fields } => fields.iter().all(|g| !g.required),
                TypeKind::Enum { .. } => false,
            }),
            _ => true,
        }
    }

    /// A walker for a strict-only side check (error envelopes, envelope keys): its issues are kept, its
    /// verdict is not.
    fn shadow(&self) -> Walker<'a> {
        Walker {
            system: self.system,
            fit: Fit::default(),
            in_example_only: self.in_example_only,
            map_entries: self.map_entries.clone(),
        }
    }

    /// Walks one field's value and puts what comes back into `out`; `false` when it is rejected.
    fn put_field(&mut self, f: &Field, v: &Value, path: &str, out: &mut Map<String, Value>) -> bool {
        let outer = self.in_example_only;
        self.in_example_only |= f.from_example.is_some();
        let walked = self.field(f, v, path);
        self.in_example_only = outer;
        match walked {
            Ok(Some(v)) => {
                out.insert(f.name.clone(), v);
            }
            Ok(None) if f.required => {
                out.insert(f.name.clone(), Value::Null);
            }
            Ok(None) => {}
            Err(()) => return false,
        }
        true
    }

    /// serde-derived structs also read a JSON array as their fields in order (`[]` when all are optional).
    fn positional(&mut self, name: &str, fields: &[Field], items: &[Value], path: &str, tolerant: bool) -> Out {
        if items.len() > fields.len() {
            return self.reject(path, format!("invalid length {}, expected struct `{name}`", items.len()));
        }
        let mut out = Map::new();
        let mut ok = true;
        for (i, f) in fields.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match items.get(i) {
                None if f.required && !(tolerant && self.has_placeholder(f)) => {
                    ok &= self.reject(&p, format!("missing field `{}`", f.name)).is_ok();
                }
                None => {}
                Some(v) => ok &= self.put_field(f, v, &p, &mut out),
            }
        }
        if ok { Ok(Some(Value::Object(out))) } else { Err(()) }
    }
}

fn unknown_message(key: &str) -> String {
    format!("`{key}` is in the example but not in the doc's table")
}

pub(crate) fn missing_message(name: &str) -> String {
    format!("the doc says `{name}` is required; the example does not have it")
}
