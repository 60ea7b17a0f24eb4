//! `bkapi_codegen::internals::check::wire_model` answers "would the generated types accept this JSON, and what would they give back?"
//! from the IR alone (that is how `cargo xtask corpus` counts decoded examples and kept values without compiling
//! the corpus). Here its answers are held to the real generated types of `api-docs/`: every doc example and
//! hundreds of mutations of it must get the same verdict from the model as from serde and the runtime, and
//! the same JSON back when the decoded value is serialized again.

use bkapi::{Endpoint, EndpointVisitor};
use bkapi_codegen::internals::check::wire_model::fit_example;
use bkapi_codegen::ir::{Example, ExampleKind, Ir, request_params};
use bkapi_tests::{find, load};
use serde_json::{Value, json};

/// Values of every JSON kind, including the ones lenient decoding accepts and rejects.
fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!("x"),
        json!("7"),
        json!(""),
        json!(7),
        json!(1.5),
        json!(true),
        json!([]),
        json!({}),
        json!([{}]),
    ]
}

/// The value itself, then with each key of `object_path`'s object removed or replaced by each replacement.
fn mutations(value: &Value, object_path: &[&str]) -> Vec<Value> {
    let mut out = vec![value.clone()];
    let mut target = value.clone();
    let Some(object) = object_path.iter().try_fold(&mut target, |v, key| match *key {
        "[0]" => v.get_mut(0),
        k => v.get_mut(k),
    }) else {
        return out;
    };
    let keys: Vec<String> = object.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    for key in keys {
        let mut removed = value.clone();
        if let Some(Value::Object(m)) = locate(&mut removed, object_path) {
            m.remove(&key);
        }
        out.push(removed);
        for r in replacements() {
            let mut replaced = value.clone();
            if let Some(Value::Object(m)) = locate(&mut replaced, object_path) {
                m.insert(key.clone(), r);
            }
            out.push(replaced);
        }
    }
    out
}

fn locate<'a>(value: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, key| match *key {
        "[0]" => v.get_mut(0),
        k => v.get_mut(k),
    })
}

struct Compare<'a> {
    ir: &'a Ir,
    checked: usize,
    disagreements: Vec<String>,
}

impl EndpointVisitor for Compare<'_> {
    fn visit<E: Endpoint>(&mut self) {
        let (system, api) = find(self.ir, E::SYSTEM, E::NAME);
        for example in &api.examples {
            let Some(value) = &example.value else { continue };
            let variants = match example.kind {
                ExampleKind::Request => {
                    let params = request_params(value, &system.credential_parameters(api));
                    let mut v = mutations(&params, &[]);
                    // One level down too: `target_server`, `hosts[0]`, …
                    for (key, inner) in params.as_object().into_iter().flatten() {
                        match inner {
                            Value::Object(_) => v.extend(mutations(&params, &[key.as_str()])),
                            Value::Array(items) if items.first().is_some_and(Value::is_object) => {
                                v.extend(mutations(&params, &[key.as_str(), "[0]"]))
                            }
                            _ => {}
                        }
                    }
                    v
                }
                ExampleKind::Response => {
                    let mut v = mutations(value, &["data"]);
                    v.extend(mutations(value, &["data", "[0]"]));
                    // An envelope's `data` replaced (a bare payload, a list say, has no envelope to put it in).
                    for data in [Value::Null, json!({}), json!([]), json!("x"), json!("")] {
                        if let Value::Object(mut replaced) = value.clone() {
                            replaced.insert("data".into(), data);
                            v.push(Value::Object(replaced));
                        }
                    }
                    v
                }
            };
            for variant in variants {
                let fit = fit_example(system, api, &Example { value: Some(variant.clone()), ..example.clone() });
                let real: Result<Option<Value>, String> = match example.kind {
                    ExampleKind::Request => serde_json::from_value::<E::Request>(variant.clone())
                        .map(|r| serde_json::to_value(r).ok())
                        .map_err(|e| e.to_string()),
                    // An error envelope is read as `Error::Api`: accepted, with no value, as the model says.
                    ExampleKind::Response => match bkapi::decode_response::<E>(&response_body(&variant)) {
                        Ok(r) => Ok(serde_json::to_value(r).ok()),
                        Err(bkapi::Error::Api { .. }) => Ok(None),
                        Err(e) => Err(e.to_string()),
                    },
                };
                self.checked += 1;
                let agrees = match (&fit.decode_error, &real) {
                    (None, Ok(back)) => fit.round_trip == *back,
                    (Some(_), Err(_)) => true,
                    _ => false,
                };
                if !agrees {
                    self.disagreements.push(format!(
                        "{}: model says {:?} giving back {:?}, serde says {:?} for {variant}",
                        E::ID,
                        fit.decode_error.map(|e| e.to_string()),
                        fit.round_trip,
                        real
                    ));
                }
            }
        }
    }
}

/// Docs often show a response's payload without its envelope; the measure reads such an example as the payload,
/// and so the runtime gets it inside an envelope.
fn response_body(example: &Value) -> String {
    // Wrapped exactly when the measure reads the example as the payload (`response_data` gives it back whole)
    // rather than as an error.
    let payload = std::ptr::eq(bkapi_codegen::ir::response_data(example), example);
    if payload && !bkapi_codegen::ir::is_error_response(example) {
        json!({"result": true, "code": 0, "message": "", "data": example}).to_string()
    } else {
        example.to_string()
    }
}

#[test]
fn the_fit_model_decodes_and_gives_back_what_the_generated_types_do() {
    let loaded = load(true);
    let mut cx = Compare { ir: &loaded.ir, checked: 0, disagreements: Vec::new() };
    bkapi::visit_endpoints(&mut cx);
    assert!(cx.checked > 500, "only {} variants checked", cx.checked);
    assert!(
        cx.disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        cx.disagreements.len(),
        cx.checked,
        cx.disagreements.join("\n")
    );
}
