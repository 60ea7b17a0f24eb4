//! The doc's request example as Rust that builds the request with the generated types: each method's
//! rustdoc example (a `no_run` doctest, so every example in the docs is compiled).

use std::collections::BTreeMap;

use crate::ir::{Api, EnumRepr, System, Type, TypeDef, TypeKind};
use crate::naming::{unknown_variant, variant_names};

use super::types::{field_idents, setter_ident};

/// The doc's request example as Rust that builds the request with the generated types, for the method's
/// rustdoc (a `no_run` doctest, so every example in the docs is compiled). `None` when the example cannot be
/// expressed in the types (a required field missing or of another type: drift the review reports).
pub(super) fn request_example_code(system: &System, api: &Api) -> Option<String> {
    let example = api.example(crate::ir::ExampleKind::Request)?.value.as_ref()?;
    let params = crate::ir::request_params(example, &system.credential_parameters(api));
    let cx = ExampleWriter { system, names: &api.names };
    let expr = cx.value_expr(&Type::Named(api.request.clone()), &params, false, false)?;
    // Formatted by prettyplease as the body of a function, then taken out of it.
    let file = syn::parse_str::<syn::File>(&format!("fn f() {{ let request = {expr}; }}")).ok()?;
    let text = prettyplease::unparse(&file);
    let body: Vec<&str> = text.lines().skip(1).take_while(|l| *l != "}").collect();
    Some(body.iter().map(|l| l.strip_prefix("    ").unwrap_or(l)).collect::<Vec<_>>().join("\n"))
}

/// Writes an example's values as Rust, naming types as one API's module does.
pub(super) struct ExampleWriter<'a> {
    system: &'a System,
    names: &'a BTreeMap<String, String>,
}

impl ExampleWriter<'_> {
    /// Rust source for a JSON value of an IR type; `secret`/`base64` give a string field's wrapper type.
    fn value_expr(&self, ty: &Type, value: &serde_json::Value, secret: bool, base64: bool) -> Option<String> {
        use serde_json::Value;
        Some(match (ty, value) {
            // Concrete types throughout: a setter takes `impl Into<T>`, so `.into()` would not know its target.
            (Type::String, Value::String(s)) if secret => format!("bkapi::Secret::from({s:?})"),
            // Callers write the plain text; `Base64` encodes it on the wire.
            (Type::String, Value::String(s)) if base64 => {
                use base64::Engine as _;
                match base64::engine::general_purpose::STANDARD.decode(s).ok().and_then(|b| String::from_utf8(b).ok()) {
                    Some(text) => format!("bkapi::Base64::from({text:?})"),
                    None => format!("bkapi::Base64::from_encoded({s:?}).unwrap_or_default()"),
                }
            }
            (Type::String, Value::String(s)) => format!("{s:?}.to_string()"),
            (Type::String, Value::Number(n)) if !secret && !base64 => format!("{:?}.to_string()", n.to_string()),
            // Suffixed: a setter takes `impl Into<i64>`, where a bare literal would be an `i32`.
            (Type::Integer, Value::Number(n)) => format!("{}_i64", n.as_i64()?),
            (Type::Integer, Value::String(s)) => format!("{}_i64", s.trim().parse::<i64>().ok()?),
            (Type::Number, Value::Number(n)) => format!("{:?}", n.as_f64()?),
            (Type::Boolean, Value::Bool(b)) => b.to_string(),
            (Type::Json, v) => format!("serde_json::json!({v})"),
            (Type::Array(t), Value::Array(items)) => {
                let items: Option<Vec<String>> = items.iter().map(|v| self.value_expr(t, v, false, false)).collect();
                format!("vec![{}]", items?.join(", "))
            }
            (Type::Map(t), Value::Object(_)) if **t == Type::Json => {
                format!("serde_json::json!({value}).as_object().cloned().unwrap_or_default()")
            }
            (Type::Map(t), Value::Object(map)) => {
                let entries: Option<Vec<String>> = map
                    .iter()
                    .map(|(k, v)| self.value_expr(t, v, false, false).map(|e| format!("({k:?}.to_string(), {e})")))
                    .collect();
                format!("[{}].into_iter().collect::<std::collections::BTreeMap<_, _>>()", entries?.join(", "))
            }
            (Type::Named(name), v) => self.named_expr(self.system.type_def(name)?, v)?,
            _ => return None,
        })
    }

    fn named_expr(&self, def: &TypeDef, value: &serde_json::Value) -> Option<String> {
        use serde_json::Value;
        let name = self.names.get(&def.name).unwrap_or(&def.local);
        match (&def.kind, value) {
            (TypeKind::Struct { fields }, Value::Object(map)) => {
                let idents = field_idents(fields);
                let mut args = Vec::new();
                let mut setters = Vec::new();
                for (f, ident) in fields.iter().zip(&idents) {
                    let present = map.get(&f.name).filter(|v| !v.is_null());
                    let expr = present.and_then(|v| self.value_expr(&f.ty, v, f.secret, f.base64));
                    match (f.required, expr) {
                        (true, Some(e)) => args.push(e),
                        (true, None) => return None,
                        (false, Some(e)) => setters.push(format!(".{}({e})", setter_ident(ident))),
                        (false, None) => {}
                    }
                }
                let start = if fields.iter().all(|f| !f.required) {
                    format!("{name}::default()")
                } else {
                    format!("{name}::new({})", args.join(", "))
                };
                Some(format!("{start}{}", setters.concat()))
            }
            (TypeKind::Enum { values, open, repr }, v) => {
                let names = variant_names(values, *repr);
                let wire = match (repr, v) {
                    (EnumRepr::String, Value::String(s)) => s.clone(),
                    (EnumRepr::Integer, Value::Number(n)) => n.as_i64()?.to_string(),
                    _ => return None,
                };
                match values.iter().position(|x| x.value == wire) {
                    Some(i) => Some(format!("{name}::{}", names.get(i)?)),
                    None if *open => Some(match repr {
                        EnumRepr::String => format!("{name}::{}({wire:?}.to_string())", unknown_variant(&names)),
                        EnumRepr::Integer => format!("{name}::{}({wire})", unknown_variant(&names)),
                    }),
                    None => None,
                }
            }
            _ => None,
        }
    }
}
