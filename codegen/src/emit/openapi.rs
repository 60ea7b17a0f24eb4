//! Emitter: the IR of a system as an OpenAPI 3.0 document, for other tools and other languages' generators.
//! Like [`crate::emit`] it reads only the IR.
//!
//! Each API is one operation (`operationId` = the API's name) whose `200` response is the envelope the server
//! sends around the API's data type; the system's named types are `components/schemas`. What OpenAPI has no
//! word for is kept as `x-bk-…` extensions: the flavor, the doc each API comes from, the doc's type words, the
//! labels of enum values, fields only an example shows.

use serde_json::{Map, Value, json};

use crate::ir::{
    Api, EnumRepr, Field, Flavor, HttpMethod, Ir, ParamLocation, System, Type, TypeDef, TypeKind, path_placeholders,
};

/// The OpenAPI version written.
pub const VERSION: &str = "3.0.3";

/// One document per system, in the IR's order: `(system name, document)`.
pub fn documents(ir: &Ir) -> Vec<(String, Value)> {
    ir.systems.iter().map(|s| (s.name.clone(), document(s))).collect()
}

/// The OpenAPI document of one system.
pub fn document(system: &System) -> Value {
    let mut paths = Map::new();
    for api in &system.apis {
        let item = paths.entry(api.path.clone()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(method_key(api.method).to_string(), operation(system, api));
        }
    }
    let schemas: Map<String, Value> = system.types.iter().map(|t| (t.name.clone(), type_schema(t))).collect();
    let flavor = match system.flavor {
        Flavor::Esb => "esb",
        Flavor::Gateway => "gateway",
    };
    let mut doc = json!({
        "openapi": VERSION,
        "info": {
            "title": system.name,
            "version": "0.0.0",
            "description": description(system),
        },
        "tags": [{"name": system.name}],
        "paths": paths,
        "components": {"schemas": schemas},
        "x-bk-flavor": flavor,
    });
    if let (Some(gateway), Value::Object(map)) = (&system.gateway, &mut doc) {
        map.insert("x-bk-gateway".into(), json!(gateway));
    }
    doc
}

fn description(system: &System) -> String {
    match system.flavor {
        Flavor::Esb => format!(
            "BlueKing ESB system `{}`. Every request also carries the ESB common arguments (`bk_app_code`, \
             `bk_app_secret`, and `bk_token` or `bk_username`); every response is the envelope `{{result, code, \
             message, data}}`.",
            system.name
        ),
        Flavor::Gateway => format!(
            "BlueKing API gateway system `{}`. Requests authenticate with the `X-Bkapi-Authorization` header; a \
             successful response carries `data`, a failed one `error`.",
            system.name
        ),
    }
}

fn method_key(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
        HttpMethod::Put => "put",
        HttpMethod::Patch => "patch",
        HttpMethod::Delete => "delete",
    }
}

fn operation(system: &System, api: &Api) -> Value {
    let fields: &[Field] = match system.type_def(&api.request).map(|d| &d.kind) {
        Some(TypeKind::Struct { fields }) => fields,
        _ => &[],
    };
    // What the runtime does: path fields fill the template, query fields (every field, for a GET) go to the
    // query string, the rest is the JSON body.
    let in_query = |f: &&Field| {
        f.location == ParamLocation::Query || (api.method == HttpMethod::Get && f.location == ParamLocation::Body)
    };
    let mut parameters: Vec<Value> =
        fields.iter().filter(|f| f.location == ParamLocation::Path).map(|f| parameter(f, "path", true)).collect();
    // A placeholder no field documents (drift D006) is still a path parameter: OpenAPI requires each declared.
    for name in path_placeholders(&api.path) {
        if !fields.iter().any(|f| f.location == ParamLocation::Path && f.name == name) {
            parameters.push(json!({
                "name": name,
                "in": "path",
                "required": true,
                "schema": {"type": "string"},
                "x-bk-undocumented": true,
            }));
        }
    }
    parameters.extend(fields.iter().filter(in_query).map(|f| parameter(f, "query", f.required)));
    let body: Vec<&Field> =
        fields.iter().filter(|f| f.location == ParamLocation::Body && api.method != HttpMethod::Get).collect();
    let mut op = Map::new();
    op.insert("operationId".into(), json!(api.name));
    op.insert("summary".into(), json!(first_line(&api.summary)));
    if !api.summary.trim().is_empty() {
        op.insert("description".into(), json!(api.summary.trim()));
    }
    op.insert("tags".into(), json!([system.name]));
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    // A list body: the list field's schema is the whole body.
    let list = api.list_body.as_ref().and_then(|name| body.iter().find(|f| f.name == *name));
    if let Some(list) = list {
        op.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {"schema": field_schema(list)}}}),
        );
        op.insert("x-bk-list-body".into(), json!(list.name));
    } else if !body.is_empty() {
        op.insert(
            "requestBody".into(),
            json!({
                "required": body.iter().any(|f| f.required),
                "content": {"application/json": {"schema": object_schema(&body)}},
            }),
        );
    }
    op.insert(
        "responses".into(),
        json!({
            "200": {
                "description": "The envelope the server sends, with the API's data.",
                "content": {"application/json": {"schema": envelope(system, api)}},
            }
        }),
    );
    op.insert("x-bk-source".into(), json!(api.source));
    op.insert("x-bk-request-type".into(), json!(api.request));
    Value::Object(op)
}

fn first_line(text: &str) -> String {
    text.trim().lines().next().unwrap_or_default().chars().take(120).collect()
}

fn parameter(f: &Field, location: &str, required: bool) -> Value {
    let mut p = json!({
        "name": f.name,
        "in": location,
        "required": required,
        "schema": field_schema(f),
    });
    if let Value::Object(map) = &mut p {
        if !f.doc.trim().is_empty() {
            map.insert("description".into(), json!(f.doc.trim()));
        }
        if f.deprecated {
            map.insert("deprecated".into(), json!(true));
        }
    }
    p
}

/// The response body around the data type: the documented envelope fields (ESB's `result`, `code`, …), or the
/// flavor's usual ones when the doc lists none.
fn envelope(system: &System, api: &Api) -> Value {
    let mut properties = Map::new();
    if api.envelope.is_empty() && system.flavor == Flavor::Esb {
        properties.insert("result".into(), json!({"type": "boolean"}));
        properties.insert("code".into(), json!({"type": "integer", "format": "int64"}));
        properties.insert("message".into(), json!({"type": "string"}));
    }
    for f in api.envelope.iter().filter(|f| f.name != "data") {
        properties.insert(f.name.clone(), field_schema(f));
    }
    properties.insert("data".into(), schema_of(&api.response));
    json!({"type": "object", "properties": properties})
}

fn type_schema(def: &TypeDef) -> Value {
    let mut schema = match &def.kind {
        TypeKind::Struct { fields } => object_schema(&fields.iter().collect::<Vec<_>>()),
        TypeKind::Enum { values, open, repr } => {
            let (ty, wire): (&str, Vec<Value>) = match repr {
                EnumRepr::String => ("string", values.iter().map(|v| json!(v.value)).collect()),
                EnumRepr::Integer => (
                    "integer",
                    values
                        .iter()
                        .map(|v| v.value.parse::<i64>().map_or_else(|_| json!(v.value), |n| json!(n)))
                        .collect(),
                ),
            };
            let labels: Map<String, Value> = values
                .iter()
                .filter(|v| !v.doc.trim().is_empty())
                .map(|v| (v.value.clone(), json!(v.doc.trim())))
                .collect();
            let mut s = json!({"type": ty, "enum": wire});
            if let Value::Object(map) = &mut s {
                if !labels.is_empty() {
                    map.insert("x-bk-value-labels".into(), Value::Object(labels));
                }
                // The generated Rust enum reads values the doc does not list (`Unknown`).
                map.insert("x-bk-open".into(), json!(*open));
            }
            s
        }
    };
    if let Value::Object(map) = &mut schema {
        if !def.doc.trim().is_empty() {
            map.insert("description".into(), json!(def.doc.trim()));
        }
        map.insert("x-bk-source".into(), json!(format!("{}:{}", def.source, def.line)));
    }
    schema
}

fn object_schema(fields: &[&Field]) -> Value {
    let properties: Map<String, Value> = fields.iter().map(|f| (f.name.clone(), property(f))).collect();
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name.as_str()).collect();
    let mut schema = json!({"type": "object", "properties": properties});
    if let (false, Value::Object(map)) = (required.is_empty(), &mut schema) {
        map.insert("required".into(), json!(required));
    }
    schema
}

/// A field as a property: its schema with its description and flags. A `$ref` cannot have siblings in
/// OpenAPI 3.0, so a described reference is wrapped in `allOf`.
fn property(f: &Field) -> Value {
    let mut schema = field_schema(f);
    let mut extra = Map::new();
    if !f.doc.trim().is_empty() {
        extra.insert("description".into(), json!(f.doc.trim()));
    }
    if f.deprecated {
        extra.insert("deprecated".into(), json!(true));
    }
    if !f.type_word.is_empty() {
        extra.insert("x-bk-type-word".into(), json!(f.type_word));
    }
    if let Some(line) = f.from_example {
        extra.insert("x-bk-from-example".into(), json!(line));
    }
    if extra.is_empty() {
        return schema;
    }
    if schema.get("$ref").is_some() {
        schema = json!({"allOf": [schema]});
    }
    if let Value::Object(map) = &mut schema {
        map.extend(extra);
    }
    schema
}

fn field_schema(f: &Field) -> Value {
    match (&f.ty, f.secret, f.base64) {
        (Type::String, true, _) => json!({"type": "string", "format": "password"}),
        (Type::String, false, true) => json!({"type": "string", "format": "byte"}),
        (ty, _, _) => schema_of(ty),
    }
}

fn schema_of(ty: &Type) -> Value {
    match ty {
        Type::String => json!({"type": "string"}),
        Type::Integer => json!({"type": "integer", "format": "int64"}),
        Type::Number => json!({"type": "number", "format": "double"}),
        Type::Boolean => json!({"type": "boolean"}),
        // Any JSON value.
        Type::Json => json!({}),
        Type::Array(inner) => json!({"type": "array", "items": schema_of(inner)}),
        Type::Map(inner) => json!({"type": "object", "additionalProperties": schema_of(inner)}),
        Type::Named(name) => json!({"$ref": format!("#/components/schemas/{name}")}),
    }
}

/// What is wrong with a system's document, structurally: an API without its operation (method, path,
/// `operationId`), a named type without its schema, a `$ref` to no schema. Empty when the document is whole.
pub fn problems(system: &System, doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for api in &system.apis {
        let op = doc.pointer(&format!("/paths/{}/{}", pointer_escape(&api.path), method_key(api.method)));
        let declared = |name: &str| {
            op.and_then(|o| o.get("parameters")).and_then(Value::as_array).is_some_and(|ps| {
                ps.iter().any(|p| p.get("in") == Some(&json!("path")) && p.get("name") == Some(&json!(name)))
            })
        };
        for name in path_placeholders(&api.path).filter(|n| !declared(n)) {
            out.push(format!("{} {}: placeholder `{{{name}}}` is no path parameter", api.method.as_str(), api.path));
        }
        match op.and_then(|o| o.get("operationId")).and_then(Value::as_str) {
            Some(id) if id == api.name => {}
            Some(id) => {
                out.push(format!("{} {}: operationId `{id}`, expected `{}`", api.method.as_str(), api.path, api.name))
            }
            None => out.push(format!("no operation {} {} for `{}`", api.method.as_str(), api.path, api.name)),
        }
    }
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    for t in &system.types {
        if !schemas.is_some_and(|s| s.contains_key(&t.name)) {
            out.push(format!("no schema for type `{}`", t.name));
        }
    }
    let mut refs = Vec::new();
    collect_refs(doc, &mut refs);
    for r in refs {
        let found = r.strip_prefix("#/components/schemas/").is_some_and(|n| schemas.is_some_and(|s| s.contains_key(n)));
        if !found {
            out.push(format!("`$ref` to no schema: {r}"));
        }
    }
    out
}

/// A JSON pointer segment (`/api/v3/x` → `~1api~1v3~1x`).
fn pointer_escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn collect_refs<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r);
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
