//! Drift: where a doc contradicts itself. Examples are checked against the IR (tables + corrections), and the
//! path template against the path parameters. Reads only the IR.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::ir::{
    Api, EnumRepr, Example, ExampleKind, Field, ParamLocation, System, Type, TypeKind, request_params, response_data,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// The example has a field the table does not list.
    UnknownField,
    /// The table says required; the example lacks it.
    MissingRequired,
    /// The example's value has another type than the table says.
    TypeMismatch,
    /// The value is not among those the doc lists (value table or `1：LINUX 2：WINDOWS` description).
    EnumMismatch,
    /// The example cannot be read as JSON even leniently.
    BadJson,
    /// A path placeholder without a path parameter, or a path parameter without a placeholder.
    PathParamMismatch,
}

impl DriftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::UnknownField => "unknown_field",
            DriftKind::MissingRequired => "missing_required",
            DriftKind::TypeMismatch => "type_mismatch",
            DriftKind::EnumMismatch => "enum_mismatch",
            DriftKind::BadJson => "bad_json",
            DriftKind::PathParamMismatch => "path_param_mismatch",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Drift {
    pub kind: DriftKind,
    /// `request`, `response`, or `doc` for drift not about an example.
    pub example: &'static str,
    /// JSON path, array indices written `[]`: `hosts[].port`.
    pub path: String,
    pub file: String,
    /// Doc line of the table row (or of the example when no row exists).
    pub line: u32,
    pub message: String,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: drift[{}] {} example, `{}`: {}",
            self.file,
            self.line,
            self.kind.as_str(),
            self.example,
            self.path,
            self.message
        )
    }
}

/// Every contradiction of one API, deduplicated (array elements report once), sorted.
pub fn check_api(system: &System, api: &Api) -> Vec<Drift> {
    let mut cx = Checker { system, api, out: BTreeSet::new(), example: "doc", example_line: 0 };
    cx.path_params();
    for e in &api.examples {
        cx.example(e);
    }
    cx.out.into_iter().collect()
}

/// The contradictions one example shows, deduplicated and sorted.
pub fn check_example(system: &System, api: &Api, example: &Example) -> Vec<Drift> {
    let mut cx = Checker { system, api, out: BTreeSet::new(), example: "doc", example_line: 0 };
    cx.example(example);
    cx.out.into_iter().collect()
}

struct Checker<'a> {
    system: &'a System,
    api: &'a Api,
    out: BTreeSet<Drift>,
    example: &'static str,
    example_line: u32,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl Checker<'_> {
    fn example(&mut self, e: &Example) {
        let api = self.api;
        self.example = match e.kind {
            ExampleKind::Request => "request",
            ExampleKind::Response => "response",
        };
        self.example_line = e.line;
        // What the generator corrected because of this example is still a contradiction in the doc.
        for c in api.corrections.iter().filter(|c| c.by_example == Some(e.line)) {
            let path = c.target.split_once('.').map_or("data", |(_, rest)| rest);
            let path =
                if self.example == "response" && path != "data" { format!("data.{path}") } else { path.to_string() };
            let msg =
                format!("the doc says {}, the example has {}; generated as {}", c.doc_says, c.corrected, c.corrected);
            self.push(DriftKind::TypeMismatch, path, c.line, msg);
        }
        let Some(value) = &e.value else {
            self.push(DriftKind::BadJson, String::new(), e.line, e.error.clone().unwrap_or_default());
            return;
        };
        match e.kind {
            ExampleKind::Request => {
                let params = request_params(value);
                self.check_named(&api.request, &params, "");
            }
            ExampleKind::Response => {
                if let Value::Object(map) = value
                    && !api.envelope.is_empty()
                    && map.contains_key("data")
                {
                    self.check_fields(&api.envelope, map, "", true);
                }
                self.check_value(&api.response, response_data(value), "data", e.line, &[]);
            }
        }
    }

    fn push(&mut self, kind: DriftKind, path: String, line: u32, message: String) {
        let line = if line == 0 { self.example_line } else { line };
        self.out.insert(Drift { kind, example: self.example, path, file: self.api.source.clone(), line, message });
    }

    fn path_params(&mut self) {
        let placeholders: Vec<&str> =
            self.api.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        let request = self.system.type_def(&self.api.request);
        let fields: Vec<&Field> = match request.map(|t| &t.kind) {
            Some(TypeKind::Struct { fields }) => fields.iter().filter(|f| f.location == ParamLocation::Path).collect(),
            _ => Vec::new(),
        };
        for p in &placeholders {
            if !fields.iter().any(|f| f.name == *p) {
                let msg = format!("path `{}` has placeholder `{{{p}}}` but no path parameter `{p}`", self.api.path);
                self.push(DriftKind::PathParamMismatch, format!("{{{p}}}"), 1, msg);
            }
        }
        for f in fields {
            if !placeholders.contains(&f.name.as_str()) {
                let msg = format!("path parameter `{}` has no placeholder in path `{}`", f.name, self.api.path);
                self.push(DriftKind::PathParamMismatch, f.name.clone(), f.line, msg);
            }
        }
    }

    fn check_named(&mut self, name: &str, value: &Value, path: &str) {
        let Some(def) = self.system.type_def(name) else { return };
        match (&def.kind, value) {
            (TypeKind::Struct { fields }, Value::Object(map)) => self.check_fields(fields, map, path, false),
            (TypeKind::Struct { .. }, v) => {
                let msg = format!("the doc defines an object (`{name}`), the example has {}", json_kind(v));
                self.push(DriftKind::TypeMismatch, path.to_string(), def.line, msg);
            }
            (TypeKind::Enum { values, repr: EnumRepr::Integer, .. }, v) => {
                let code = match v {
                    Value::Number(n) if n.is_i64() => n.to_string(),
                    other => {
                        let msg =
                            format!("the doc lists integer codes, the example has {} `{other}`", json_kind(other));
                        self.push(DriftKind::TypeMismatch, path.to_string(), def.line, msg);
                        return;
                    }
                };
                if !values.iter().any(|v| v.value == code) {
                    let listed = values.iter().map(|v| format!("{}：{}", v.value, v.doc)).collect::<Vec<_>>().join(" ");
                    let hint = values
                        .iter()
                        .find(|v| v.doc.eq_ignore_ascii_case(&code))
                        .map(|v| format!("; it is the label of code {}", v.value))
                        .unwrap_or_default();
                    self.push(
                        DriftKind::EnumMismatch,
                        path.to_string(),
                        def.line,
                        format!("`{code}` is not a documented value ({listed}){hint}"),
                    );
                }
            }
            (TypeKind::Enum { values, .. }, Value::String(s)) => {
                if !values.iter().any(|v| v.value == *s) {
                    let listed = values.iter().map(|v| v.value.as_str()).collect::<Vec<_>>().join(", ");
                    self.push(
                        DriftKind::EnumMismatch,
                        path.to_string(),
                        def.line,
                        format!("`{s}` is not one of the documented values ({listed})"),
                    );
                }
            }
            (TypeKind::Enum { .. }, v) => {
                self.push(
                    DriftKind::TypeMismatch,
                    path.to_string(),
                    def.line,
                    format!("the doc lists string values, the example has {}", json_kind(v)),
                );
            }
        }
    }

    fn check_fields(&mut self, fields: &[Field], map: &serde_json::Map<String, Value>, path: &str, shallow: bool) {
        for (key, v) in map {
            // The envelope's `data` is checked against the response type by the caller.
            if shallow && key == "data" {
                continue;
            }
            match fields.iter().find(|f| f.name == *key) {
                Some(f) => {
                    self.check_value(&f.ty, v, &join(path, key), f.line, &f.documented_values);
                }
                None => {
                    let msg = format!("`{key}` is in the example but not in the doc's table");
                    self.push(DriftKind::UnknownField, join(path, key), 0, msg);
                }
            }
        }
        for f in fields.iter().filter(|f| f.required && !map.contains_key(&f.name)) {
            let msg = format!("the doc says `{}` is required; the example does not have it", f.name);
            self.push(DriftKind::MissingRequired, join(path, &f.name), f.line, msg);
        }
    }

    fn check_value(&mut self, ty: &Type, v: &Value, path: &str, line: u32, documented: &[crate::ir::DocumentedValue]) {
        if v.is_null() {
            return; // null is how the examples show an absent optional value
        }
        let ok = match (ty, v) {
            (Type::Json, _) => true,
            (Type::String, Value::String(_)) | (Type::Boolean, Value::Bool(_)) | (Type::Number, Value::Number(_)) => {
                true
            }
            (Type::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Type::Array(inner), Value::Array(items)) => {
                let p = format!("{path}[]");
                for item in items {
                    self.check_value(inner, item, &p, line, &[]);
                }
                true
            }
            (Type::Map(inner), Value::Object(map)) => {
                for (k, item) in map {
                    self.check_value(inner, item, &join(path, k), line, &[]);
                }
                true
            }
            (Type::Named(name), v) => {
                self.check_named(name, v, path);
                true
            }
            _ => false,
        };
        if !ok {
            let msg = format!("the doc says {}, the example has {} `{v}`", type_word(ty), json_kind(v));
            self.push(DriftKind::TypeMismatch, path.to_string(), line, msg);
            return;
        }
        if !documented.is_empty() {
            let code = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if !documented.iter().any(|d| d.code == code) {
                let listed =
                    documented.iter().map(|d| format!("{}：{}", d.code, d.label)).collect::<Vec<_>>().join(" ");
                let hint = documented
                    .iter()
                    .find(|d| d.label.eq_ignore_ascii_case(&code))
                    .map(|d| format!("; it is the label of code {}", d.code))
                    .unwrap_or_default();
                self.push(
                    DriftKind::EnumMismatch,
                    path.to_string(),
                    line,
                    format!("`{code}` is not a documented value ({listed}){hint}"),
                );
            }
        }
    }
}

fn type_word(ty: &Type) -> String {
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
