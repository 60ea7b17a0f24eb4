//! The OpenAPI export (`cargo xtask openapi`) read back by a maintained OpenAPI crate: every document parses as
//! OpenAPI 3.0, and has every API as an operation (method, path, `operationId`, parameters where the runtime
//! sends them) and every named type as a schema.

use std::path::Path;

use bkapi_codegen::ir::{HttpMethod, Ir, ParamLocation, TypeKind, path_placeholders};
use bkapi_codegen::pipeline::{LowerOptions, load_docs};
use bkapi_codegen::tasks::openapi::{documents, problems};
mod common;
use common::workspace_root;
use openapiv3::{OpenAPI, ReferenceOr};

fn ir_of(dir: &Path) -> Ir {
    match load_docs(dir, LowerOptions::default()) {
        Ok(l) => l.ir,
        Err(e) => panic!("{}: {e}", dir.display()),
    }
}

/// The operations and path placeholders checked.
fn check_tree(dir: &Path) -> (usize, usize) {
    let ir = ir_of(dir);
    let (mut operations, mut placeholders) = (0, 0);
    for ((name, doc), system) in documents(&ir).into_iter().zip(&ir.systems) {
        assert_eq!(problems(system, &doc), Vec::<String>::new(), "{name}");
        let spec: OpenAPI = serde_json::from_value(doc).unwrap_or_else(|e| panic!("{name}: not OpenAPI 3.0: {e}"));
        assert!(spec.openapi.starts_with("3.0"), "{name}: {}", spec.openapi);
        let schemas = spec.components.as_ref().map(|c| &c.schemas);
        for t in &system.types {
            assert!(schemas.is_some_and(|s| s.contains_key(&t.name)), "{name}: no schema {}", t.name);
        }
        for api in &system.apis {
            let Some(ReferenceOr::Item(item)) = spec.paths.paths.get(&api.path) else {
                panic!("{name}: no path {}", api.path)
            };
            let op = match api.method {
                HttpMethod::Get => &item.get,
                HttpMethod::Post => &item.post,
                HttpMethod::Put => &item.put,
                HttpMethod::Patch => &item.patch,
                HttpMethod::Delete => &item.delete,
            };
            let Some(op) = op else { panic!("{name}: no {} {}", api.method.as_str(), api.path) };
            assert_eq!(op.operation_id.as_deref(), Some(api.name.as_str()));
            assert!(op.responses.responses.contains_key(&openapiv3::StatusCode::Code(200)), "{}", api.name);
            // Path parameters are declared as such, and a body is there exactly when the runtime sends one.
            let fields = match system.type_def(&api.request).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields }) => fields.as_slice(),
                _ => &[],
            };
            let declared = |name: &str| {
                op.parameters.iter().any(|p| match p {
                    ReferenceOr::Item(openapiv3::Parameter::Path { parameter_data, .. }) => parameter_data.name == name,
                    _ => false,
                })
            };
            for f in fields.iter().filter(|f| f.location == ParamLocation::Path) {
                assert!(declared(&f.name), "{}: path parameter {} not declared", api.name, f.name);
            }
            // Every placeholder of the path, documented or not (OpenAPI requires it).
            for name in path_placeholders(&api.path) {
                assert!(declared(name), "{}: placeholder {name} not declared", api.name);
                placeholders += 1;
            }
            let sends_body = api.method != HttpMethod::Get && fields.iter().any(|f| f.location == ParamLocation::Body);
            assert_eq!(op.request_body.is_some(), sends_body, "{}", api.name);
            operations += 1;
        }
    }
    (operations, placeholders)
}

#[test]
fn every_api_and_type_of_the_docs_is_in_a_valid_openapi_document() {
    let root = workspace_root();
    let apis: usize = ir_of(&root.join("api-docs")).systems.iter().map(|s| s.apis.len()).sum();
    assert_eq!(check_tree(&root.join("api-docs")).0, apis);
    // The fixtures: one small doc per dialect rule, every shape the lowering makes, among them a path
    // placeholder no parameter documents.
    let (operations, placeholders) = check_tree(&root.join("tests/fixtures"));
    assert!(operations >= 20 && placeholders >= 1, "{operations} operations, {placeholders} placeholders");
}
