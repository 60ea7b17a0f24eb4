//! Would the generated Rust types accept this JSON? Answers from the IR alone, with the semantics of the code
//! `emit` writes and of the runtime's response handling: serde-derived structs (unknown keys ignored, `Option`
//! fields may be absent or null, required ones may not), lenient integers and strings, open enums.
//! `tests/tests/decode.rs` holds this model to the real generated types.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::ir::{Api, EnumRepr, Example, ExampleKind, System, Type, TypeKind, request_params};

/// Why a value would not decode: the JSON path and what serde would complain about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecodeError {
    /// `hosts[0].port`; `.` for the value itself.
    pub path: String,
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

/// Decodes one parsed example: a request example into the API's request type; a response example through the
/// runtime's envelope handling (an error envelope decodes as an API error; `data: null` as an empty value)
/// into the response type.
pub fn decode_example(system: &System, api: &Api, example: &Example) -> Result<(), DecodeError> {
    let Some(value) = &example.value else {
        return Err(DecodeError { path: ".".into(), message: "the example is not JSON".into() });
    };
    let cx = Decoder { system };
    match example.kind {
        ExampleKind::Request => cx.value(&Type::Named(api.request.clone()), &request_params(value), ""),
        ExampleKind::Response => {
            let Value::Object(envelope) = value else {
                return Err(DecodeError { path: ".".into(), message: "expected a JSON object".into() });
            };
            if envelope.get("error").is_some_and(Value::is_object) || is_failure(envelope) {
                return Ok(());
            }
            match envelope.get("data").unwrap_or(&Value::Null) {
                Value::Null if cx.accepts_empty(&api.response) => Ok(()),
                data => cx.value(&api.response, data, "data"),
            }
        }
    }
}

/// The runtime's test for an ESB failure: `result: false`, or without `result` a non-zero `code`.
fn is_failure(envelope: &serde_json::Map<String, Value>) -> bool {
    match envelope.get("result") {
        Some(Value::Bool(ok)) => !ok,
        _ => match envelope.get("code") {
            None | Some(Value::Null) => false,
            Some(Value::Number(n)) => n.as_i64() != Some(0),
            Some(Value::String(s)) => s.trim().parse::<i64>() != Ok(0),
            Some(_) => true,
        },
    }
}

struct Decoder<'a> {
    system: &'a System,
}

fn at(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn fail(path: &str, message: String) -> Result<(), DecodeError> {
    Err(DecodeError { path: if path.is_empty() { ".".into() } else { path.to_string() }, message })
}

fn kind(v: &Value) -> &'static str {
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

impl Decoder<'_> {
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

    fn value(&self, ty: &Type, v: &Value, path: &str) -> Result<(), DecodeError> {
        let ok = match (ty, v) {
            (Type::Json, _) => true,
            (Type::String, Value::String(_)) | (Type::Boolean, Value::Bool(_)) | (Type::Number, Value::Number(_)) => {
                true
            }
            (Type::Integer, Value::Number(n)) => n.is_i64(),
            (Type::Array(inner), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(inner, item, &format!("{path}[{i}]"))?;
                }
                true
            }
            (Type::Map(inner), Value::Object(map)) => {
                for (k, item) in map {
                    self.value(inner, item, &at(path, k))?;
                }
                true
            }
            (Type::Named(name), v) => return self.named(name, v, path),
            _ => false,
        };
        if ok { Ok(()) } else { fail(path, format!("expected {}, found {}", expected(ty), kind(v))) }
    }

    /// A present field value: `Option` takes null; integers and strings read leniently.
    fn field(&self, f: &crate::ir::Field, v: &Value, path: &str) -> Result<(), DecodeError> {
        match v {
            Value::Null if !f.required || f.ty == Type::Json => Ok(()),
            v if f.ty == Type::Integer => lenient_i64(v, f.required, path),
            // `crate::Base64` keeps text that is not Base64 verbatim: any string is read.
            Value::String(_) if f.ty == Type::String && f.base64 && !f.secret => Ok(()),
            v if f.ty == Type::String && !f.secret && !f.base64 => lenient_string(v, path),
            v => self.value(&f.ty, v, path),
        }
    }

    fn named(&self, name: &str, v: &Value, path: &str) -> Result<(), DecodeError> {
        let Some(def) = self.system.type_def(name) else {
            return fail(path, format!("type `{name}` is not defined"));
        };
        match (&def.kind, v) {
            (TypeKind::Struct { fields }, Value::Object(map)) => {
                for f in fields {
                    let p = at(path, &f.name);
                    match map.get(&f.name) {
                        None if f.required => return fail(&p, format!("missing field `{}`", f.name)),
                        None => {}
                        Some(v) => self.field(f, v, &p)?,
                    }
                }
                Ok(())
            }
            (TypeKind::Enum { values, open, repr: EnumRepr::Integer }, v) => {
                // `crate::de::lenient_i64`: a number or a numeric string.
                lenient_i64(v, true, path)?;
                let code = match v {
                    Value::String(s) => s.trim().to_string(),
                    other => other.as_f64().map_or_else(|| other.to_string(), |f| format!("{}", f as i64)),
                };
                if *open || values.iter().any(|x| x.value == code) {
                    Ok(())
                } else {
                    fail(path, format!("unknown code `{code}` of `{name}`"))
                }
            }
            (TypeKind::Enum { values, open, .. }, Value::String(s)) => {
                if *open || values.iter().any(|x| x.value == *s) {
                    Ok(())
                } else {
                    fail(path, format!("unknown variant `{s}` of `{name}`"))
                }
            }
            // serde-derived structs also read a JSON array as their fields in order (`[]` when all are optional).
            (TypeKind::Struct { fields }, Value::Array(items)) => {
                if items.len() > fields.len() {
                    return fail(path, format!("invalid length {}, expected struct `{name}`", items.len()));
                }
                for (i, f) in fields.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    match items.get(i) {
                        None if f.required => return fail(&p, format!("invalid length {i}, expected struct `{name}`")),
                        None => {}
                        Some(v) => self.field(f, v, &p)?,
                    }
                }
                Ok(())
            }
            (TypeKind::Struct { .. }, v) => fail(path, format!("expected struct `{name}`, found {}", kind(v))),
            (TypeKind::Enum { .. }, v) => fail(path, format!("expected enum `{name}`, found {}", kind(v))),
        }
    }
}

/// `crate::de::lenient_i64` / `lenient_opt_i64`: integers, whole floats, numeric strings; `""` and null only
/// when optional.
fn lenient_i64(v: &Value, required: bool, path: &str) -> Result<(), DecodeError> {
    let ok = match v {
        Value::Number(n) => n.is_i64() || n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.2e18),
        Value::String(s) if s.trim().is_empty() => !required,
        Value::String(s) => s.trim().parse::<i64>().is_ok(),
        Value::Null => !required,
        _ => false,
    };
    if ok { Ok(()) } else { fail(path, format!("expected an integer or a numeric string, found {}", kind(v))) }
}

/// `crate::de::lenient_string` / `lenient_opt_string`: a string, or a number as its text (null handled above).
fn lenient_string(v: &Value, path: &str) -> Result<(), DecodeError> {
    match v {
        Value::String(_) | Value::Number(_) => Ok(()),
        v => fail(path, format!("expected a string or a number, found {}", kind(v))),
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
