//! Golden tests: every example of every doc in `api-docs/` goes through the generated types, and every
//! contradiction between a doc's tables and its examples is either overridden in `bkapi.toml` or accepted in
//! the systems' `api-docs/<system>/drift-baseline.toml`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use bkapi::{Endpoint, EndpointVisitor};
use bkapi_codegen::baseline::Baseline;
use bkapi_codegen::drift::{self, Drift};
use bkapi_codegen::ir::{ExampleKind, Type, TypeKind, request_params, response_data};
use bkapi_codegen::regen::load_baseline;
use bkapi_codegen::review::{Review, review};
use bkapi_tests::{docs_dir, find, load};
use serde_json::Value;

/// (example, kind, path) of each drift.
fn keys(drifts: &[Drift]) -> BTreeSet<(String, String, String)> {
    drifts.iter().map(|d| (d.example.to_string(), d.kind.as_str().to_string(), d.path.clone())).collect()
}

/// Codes of drift about examples and paths (`D001`–`D006`), as opposed to doc problems (`D007`…).
fn is_example_drift(code: &str) -> bool {
    ("D001"..="D006").contains(&code)
}

struct RoundTrip {
    ir: bkapi_codegen::ir::Ir,
    review: Review,
    baseline: Baseline,
    checked: Vec<String>,
    examples: usize,
}

impl EndpointVisitor for RoundTrip {
    fn visit<E: Endpoint>(&mut self) {
        let (system, api) = find(&self.ir, E::SYSTEM, E::NAME);
        let id = format!("{}.{}", E::SYSTEM, E::NAME);

        // The drift found is exactly the drift accepted: nothing new, nothing stale.
        let found: BTreeSet<(String, String)> = self
            .review
            .findings
            .iter()
            .filter(|f| f.file == api.source && is_example_drift(f.code))
            .map(|f| (f.code.to_string(), f.subject.clone()))
            .collect();
        let accepted: BTreeSet<(String, String)> = self
            .baseline
            .accepted
            .iter()
            .filter(|a| a.file == api.source && is_example_drift(&a.code))
            .map(|a| (a.code.clone(), a.subject.clone()))
            .collect();
        assert_eq!(found, accepted, "{id}: drift found (left) differs from drift-baseline.toml (right)");
        assert_eq!(found.len(), drift::check_api(system, api).len(), "{id}: one finding per drift");

        assert!(
            api.example(ExampleKind::Request).is_some() && api.example(ExampleKind::Response).is_some(),
            "{id}: needs both examples"
        );
        for example in &api.examples {
            self.examples += 1;
            let value =
                example.value.as_ref().unwrap_or_else(|| panic!("{id}: example at line {} unreadable", example.line));
            let request_drift = accepted.iter().any(|(_, subject)| subject.starts_with("request"));
            match example.kind {
                ExampleKind::Request => {
                    let params = request_params(value);
                    let decoded = serde_json::from_value::<E::Request>(params.clone());
                    if request_drift {
                        // Accepted drift must be visible in the types: the example does not survive them.
                        let survives =
                            decoded.as_ref().is_ok_and(|r| serde_json::to_value(r).ok().as_ref() == Some(&params));
                        assert!(
                            !survives,
                            "{id}: request example has accepted drift but round-trips; remove the stale acceptance"
                        );
                    } else {
                        let decoded = decoded.unwrap_or_else(|e| {
                            panic!("{id}: request example (line {}) does not decode: {e}", example.line)
                        });
                        let back = serde_json::to_value(&decoded).unwrap();
                        assert_eq!(back, params, "{id}: request example (line {}) does not round-trip", example.line);
                    }
                }
                ExampleKind::Response => {
                    let data = response_data(value).clone();
                    if let Err(e) = serde_json::from_value::<E::Response>(data) {
                        panic!("{id}: response example (line {}) does not decode: {e}", example.line);
                    }
                }
            }
        }
        self.checked.push(id);
    }
}

#[test]
fn every_example_round_trips_or_is_accepted_drift() {
    let loaded = load(true);
    let expected: BTreeSet<String> =
        loaded.ir.systems.iter().flat_map(|s| s.apis.iter().map(move |a| format!("{}.{}", s.name, a.name))).collect();
    let review = review(&loaded, &docs_dir());
    let baseline = load_baseline(&docs_dir()).unwrap();
    let mut visitor = RoundTrip { ir: loaded.ir, review, baseline, checked: Vec::new(), examples: 0 };
    bkapi::visit_endpoints(&mut visitor);
    let checked: BTreeSet<String> = visitor.checked.iter().cloned().collect();
    assert_eq!(checked, expected, "every doc in api-docs has exactly one generated endpoint");
    assert_eq!(checked.len(), 5, "the five seeds");
    assert_eq!(visitor.examples, 10, "a request and a response example per seed");
}

#[test]
fn api_docs_have_no_errors() {
    let loaded = load(true);
    let errors: Vec<String> = loaded.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// (example, kind, path).
type DriftKey = (&'static str, &'static str, &'static str);

/// What each seed's doc contradicts itself on, seen without corrections; with them, it is gone.
#[test]
fn corrections_remove_the_contradictions_the_raw_docs_show() {
    let raw = load(false);
    let corrected = load(true);
    let cases: &[(&str, &str, &[DriftKey])] = &[
        ("jobv3", "fast_execute_script", &[("response", "type_mismatch", "data.job_instance_name")]),
        (
            "job-gateway",
            "fast_execute_script",
            &[
                ("response", "type_mismatch", "data.job_instance_name"),
                ("doc", "path_param_mismatch", "{scopeType}"),
                ("doc", "path_param_mismatch", "{scopeId}"),
                ("doc", "path_param_mismatch", "bk_scope_type"),
                ("doc", "path_param_mismatch", "bk_scope_id"),
            ],
        ),
        (
            "nodeman",
            "job_install",
            &[
                ("request", "type_mismatch", "hosts[].port"),
                ("request", "enum_mismatch", "hosts[].os_type"),
                ("request", "enum_mismatch", "hosts[].auth_type"),
                ("response", "type_mismatch", "data"),
            ],
        ),
    ];
    for (system, name, expected) in cases {
        let (s, a) = find(&raw.ir, system, name);
        let raw_drift = keys(&drift::check_api(s, a));
        let (s, a) = find(&corrected.ir, system, name);
        let corrected_drift = keys(&drift::check_api(s, a));
        for (example, kind, path) in *expected {
            let key = (example.to_string(), kind.to_string(), path.to_string());
            assert!(raw_drift.contains(&key), "{system}.{name}: the raw doc should show {key:?}; found {raw_drift:?}");
            assert!(!corrected_drift.contains(&key), "{system}.{name}: the correction should remove {key:?}");
        }
        assert!(!a.corrections.is_empty(), "{system}.{name}: corrections are recorded in the IR");
    }
}

#[test]
fn corrected_types_are_what_the_wire_carries() {
    let loaded = load(true);
    let (system, api) = find(&loaded.ir, "nodeman", "job_install");
    let Some(TypeKind::Struct { fields }) = system.type_def("Hosts").map(|t| &t.kind) else { panic!("Hosts struct") };
    let port = fields.iter().find(|f| f.name == "port").unwrap();
    assert_eq!(
        (port.ty.clone(), port.type_word.as_str()),
        (Type::Integer, "string"),
        "type corrected, doc's word kept"
    );
    assert_eq!(api.response, Type::Named("JobInstallResponse".into()), "data corrected from array to object");
    let c = api.corrections.iter().find(|c| c.target == "request.hosts.port").unwrap();
    assert_eq!((c.doc_says.as_str(), c.corrected.as_str()), ("string", "int"));

    // The generated Rust agrees (these lines only compile with the corrected types).
    let mut host = bkapi::nodeman::Hosts::new(2, 0);
    host.port = Some(22_i64);
    host.os_type = Some(bkapi::nodeman::OsType::Linux);
    host.auth_type = Some(bkapi::nodeman::AuthType::Password);
    let json = serde_json::to_value(&host).unwrap();
    assert_eq!(json["port"], Value::from(22));
    assert_eq!(json["os_type"], Value::from("LINUX"));
    // Passwords and keys are secrets: on the wire as given, never in Debug output.
    host.password = Some("hunter2".into());
    host.key = Some("ssh-key-material".into());
    assert_eq!(serde_json::to_value(&host).unwrap()["password"], Value::from("hunter2"));
    let debug = format!("{host:?}");
    assert!(!debug.contains("hunter2") && !debug.contains("ssh-key-material"), "{debug}");
    let name: Option<String> = bkapi::jobv3::FastExecuteScriptResponse::default().job_instance_name;
    assert!(name.is_none());
    let gw = bkapi::job_gateway::FastExecuteScriptRequest::new(
        bkapi::job_gateway::BkScopeType::Biz,
        "1".into(),
        bkapi::job_gateway::ExecuteTarget::default(),
    );
    assert_eq!(serde_json::to_value(&gw).unwrap()["bk_scope_id"], Value::from("1"), "scope travels in the body");
}

#[test]
fn gateway_path_comes_from_the_resource_definition() {
    let loaded = load(true);
    let (_, api) = find(&loaded.ir, "job-gateway", "fast_execute_script");
    assert_eq!(api.path, "/api/v3/fast_execute_script");
    assert_eq!(<bkapi::job_gateway::endpoints::FastExecuteScript as Endpoint>::PATH, "/api/v3/fast_execute_script");
    assert!(<bkapi::job_gateway::endpoints::FastExecuteScript as Endpoint>::PATH_PARAMS.is_empty());
    // The scope values of the doc's request line are part of the request example.
    let params = bkapi_tests::request_example(api);
    assert_eq!((params["bk_scope_type"].as_str(), params["bk_scope_id"].as_str()), (Some("biz"), Some("1")));
}

#[test]
fn lenient_example_reading_is_recorded() {
    let loaded = load(true);
    let (_, api) = find(&loaded.ir, "job", "fast_push_file");
    let e = api.example(ExampleKind::Request).unwrap();
    assert!(e.repairs.iter().any(|r| r.starts_with("trailing comma")), "{:?}", e.repairs);
}
