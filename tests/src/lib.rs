//! Shared helpers of the golden and wire tests: the docs' IR and examples, read with the generator itself.

/// The runtime tests' endpoints and answers (`runtime/tests/common/fake.rs`), shared with these tests.
#[path = "../../runtime/tests/common/fake.rs"]
pub mod fake;
/// Where the workspace's docs are (`codegen/tests/common/mod.rs`, shared with the generator's tests).
#[path = "../../codegen/tests/common/mod.rs"]
mod paths;

pub use paths::{docs_dir, seeds_dir, workspace_root};

use std::path::Path;

use bkapi_codegen::ir::{Api, ExampleKind, Ir, System, request_params, response_data};
use bkapi_codegen::pipeline::{Loaded, LowerOptions, load_docs};
use serde_json::Value;

/// The IR of `api-docs/`, with (`corrected`) or without the metadata's corrections.
pub fn load(corrected: bool) -> Loaded {
    load_from(&docs_dir(), corrected)
}

/// The IR of the seed docs (`tests/seeds/`).
pub fn load_seeds(corrected: bool) -> Loaded {
    load_from(&seeds_dir(), corrected)
}

fn load_from(dir: &Path, corrected: bool) -> Loaded {
    match load_docs(dir, LowerOptions { apply_corrections: corrected }) {
        Ok(l) => l,
        Err(e) => panic!("cannot load {}: {e}", dir.display()),
    }
}

pub fn find<'a>(ir: &'a Ir, system: &str, api: &str) -> (&'a System, &'a Api) {
    ir.systems
        .iter()
        .find(|s| s.name == system)
        .and_then(|s| s.apis.iter().find(|a| a.name == api).map(|a| (s, a)))
        .unwrap_or_else(|| panic!("no API {system}.{api}"))
}

/// The request parameters of the doc's request example (the caller's credentials removed).
pub fn request_example(system: &System, api: &Api) -> Value {
    let e = api.example(ExampleKind::Request).unwrap_or_else(|| panic!("{} has no request example", api.name));
    let value = e.value.as_ref().unwrap_or_else(|| panic!("{}: unreadable request example", api.name));
    request_params(value, &system.credential_parameters(api))
}

/// The doc's whole response example (envelope included).
pub fn response_example(api: &Api) -> Value {
    let e = api.example(ExampleKind::Response).unwrap_or_else(|| panic!("{} has no response example", api.name));
    e.value.clone().unwrap_or_else(|| panic!("{}: unreadable response example", api.name))
}

/// The `data` part of the doc's response example.
pub fn response_example_data(api: &Api) -> Value {
    response_data(&response_example(api)).clone()
}
