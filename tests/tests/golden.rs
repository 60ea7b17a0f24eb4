//! Golden tests: every example of every doc in `api-docs/` goes through the generated types, and every
//! contradiction between a doc's tables and its examples is either overridden in `bkapi.toml` or accepted in
//! the systems' `api-docs/<system>/drift-baseline.toml`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use bkapi::{Endpoint, EndpointVisitor};
use bkapi_codegen::internals::check::drift::{self, Drift};
use bkapi_codegen::internals::check::retention::every_value_kept;
use bkapi_codegen::ir::{ExampleKind, Type, TypeKind, request_params};
use bkapi_codegen::tasks::findings::Baseline;
use bkapi_codegen::tasks::findings::load_baseline;
use bkapi_codegen::tasks::findings::{Review, review};
use bkapi_tests::{docs_dir, find, load, load_seeds, seeds_dir};
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
    /// Examples that went through the generated types unchanged (requests) or decoded (responses).
    through: usize,
}

impl EndpointVisitor for RoundTrip {
    fn visit<E: Endpoint>(&mut self) {
        let (system, api) = find(&self.ir, E::SYSTEM, E::NAME);
        let credentials = system.credential_parameters(api);
        let id = format!("{}.{}", E::SYSTEM, E::NAME);
        // The API's own examples, then those of its docs in other languages.
        let sources = std::iter::once((api.source.as_str(), api.examples.as_slice()))
            .chain(api.translations.iter().map(|t| (t.source.as_str(), t.examples.as_slice())));
        for (file, examples) in sources {
            // The drift found is exactly the drift accepted: nothing new, nothing stale.
            let found: BTreeSet<(String, String)> = self
                .review
                .findings
                .iter()
                .filter(|f| f.file == file && is_example_drift(f.code))
                .map(|f| (f.code.to_string(), f.subject.clone()))
                .collect();
            let accepted: BTreeSet<(String, String)> = self
                .baseline
                .accepted
                .iter()
                .filter(|a| a.file == file && is_example_drift(&a.code))
                .map(|a| (a.code.clone(), a.subject.clone()))
                .collect();
            assert_eq!(found, accepted, "{id} ({file}): drift found (left) differs from the baseline (right)");
            for example in examples {
                self.examples += 1;
                let Some(value) = example.value.as_ref() else {
                    assert!(
                        accepted.iter().any(|(c, _)| c == "D005"),
                        "{id}: unreadable example at {file}:{}",
                        example.line
                    );
                    continue;
                };
                let side = match example.kind {
                    ExampleKind::Request => "request",
                    ExampleKind::Response => "response",
                };
                let drifted = accepted.iter().any(|(_, subject)| subject.starts_with(side));
                let survives = match example.kind {
                    ExampleKind::Request => {
                        let params = request_params(value, &credentials);
                        let decoded = serde_json::from_value::<E::Request>(params.clone());
                        let back = decoded.ok().and_then(|r| serde_json::to_value(r).ok());
                        back.is_some_and(|back| every_value_kept(&params, &back))
                    }
                    // As the client reads it: the envelope, then `data` (an error envelope is an API error).
                    ExampleKind::Response => match bkapi::decode_response::<E>(&value.to_string()) {
                        Ok(_) | Err(bkapi::Error::Api { .. }) => true,
                        Err(_) => false,
                    },
                };
                // Without accepted drift, every example goes through the types (requests unchanged). With it,
                // it may not (drift an example settles does go through: the types follow the example).
                assert!(
                    drifted || survives,
                    "{id}: {side} example at {file}:{} does not go through the types",
                    example.line
                );
                self.through += usize::from(survives);
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
    let review = review(&loaded.ir, &loaded.diagnostics, &docs_dir());
    let baseline = load_baseline(&docs_dir()).unwrap();
    let mut visitor = RoundTrip { ir: loaded.ir, review, baseline, checked: Vec::new(), examples: 0, through: 0 };
    bkapi::visit_endpoints(&mut visitor);
    let checked: BTreeSet<String> = visitor.checked.iter().cloned().collect();
    assert_eq!(checked, expected, "every API in api-docs has exactly one generated endpoint");
    assert!(checked.len() > 700, "every API of the imported docs: {}", checked.len());
    eprintln!("golden: {} APIs, {} examples, {} through the types", checked.len(), visitor.examples, visitor.through);
    assert!(visitor.through * 10 > visitor.examples * 8, "{} of {} examples", visitor.through, visitor.examples);
}

#[test]
fn api_docs_have_no_errors_but_accepted_ones() {
    let loaded = load(true);
    let baseline = load_baseline(&docs_dir()).unwrap();
    let errors: Vec<String> = loaded.errors().filter(|d| !baseline.accepts(d)).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// (example, kind, path).
type DriftKey = (&'static str, &'static str, &'static str);

/// What each seed's doc contradicts itself on, seen without corrections; with them, it is gone.
#[test]
fn corrections_remove_the_contradictions_the_raw_docs_show() {
    let raw = load_seeds(false);
    let corrected = load_seeds(true);
    let cases: &[(&str, &str, &[DriftKey])] = &[
        ("jobv3", "fast_execute_script", &[("response", "type_mismatch", "data.job_instance_name")]),
        (
            "job-gateway",
            "fast_execute_script",
            &[
                ("response", "type_mismatch", "data.job_instance_name"),
                ("doc", "path_param_mismatch", "{scopeType}"),
                ("doc", "path_param_mismatch", "{scopeId}"),
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
    // The raw doc's path parameters `bk_scope_type` / `bk_scope_id` have no placeholder (the path spells them
    // `{scopeType}` / `{scopeId}`): lowering sends them with the body and says so (D006); the correction
    // (`path_param_aliases`) binds them to the path.
    let d006 = |loaded: &bkapi_codegen::pipeline::Loaded, field: &str| {
        loaded.diagnostics.iter().any(|d| {
            d.code == Some(bkapi_codegen::diagnostics::codes::PATH_PARAM_MISMATCH)
                && d.file.contains("job-gateway")
                && d.subject.as_deref() == Some(&format!("path: {field}"))
        })
    };
    for field in ["bk_scope_type", "bk_scope_id"] {
        assert!(d006(&raw, field), "the raw doc's `{field}` has no placeholder");
        assert!(!d006(&corrected, field), "the correction binds `{field}` to the path");
    }
}

#[test]
fn corrected_types_are_what_the_wire_carries() {
    // nodeman's own doc of the seed's API contradicts itself as the seed did; the same corrections apply.
    let loaded = load(true);
    let (system, api) = find(&loaded.ir, "nodeman", "job_install");
    let hosts = system.type_def(api.names.iter().find(|(_, v)| *v == "Hosts").map(|(k, _)| k.as_str()).unwrap());
    let Some(TypeKind::Struct { fields }) = hosts.map(|t| &t.kind) else { panic!("Hosts struct") };
    let port = fields.iter().find(|f| f.name == "port").unwrap();
    assert_eq!(
        (port.ty.clone(), port.type_word.as_str()),
        (Type::Integer, "string"),
        "type corrected, doc's word kept"
    );
    let c = api.corrections.iter().find(|c| c.target == "request.hosts.port").unwrap();
    assert_eq!((c.doc_says.as_str(), c.corrected.as_str()), ("string", "int"));

    // The generated Rust agrees (these lines only compile with the corrected types).
    use bkapi::nodeman::job_install::{AuthType, Hosts, OsType};
    let mut host = Hosts::new(2, 0, OsType::Linux).port(22_i64).auth_type(AuthType::Password);
    let json = serde_json::to_value(&host).unwrap();
    assert_eq!(json["port"], Value::from(22));
    assert_eq!(json["os_type"], Value::from("LINUX"));
    // Passwords and keys are secrets: on the wire as given, never in Debug output.
    host.password = Some("hunter2".into());
    host.key = Some("ssh-key-material".into());
    assert_eq!(serde_json::to_value(&host).unwrap()["password"], Value::from("hunter2"));
    let debug = format!("{host:?}");
    assert!(!debug.contains("hunter2") && !debug.contains("ssh-key-material"), "{debug}");
    let gw = bkapi::job_v3::FastExecuteScriptRequest::new(bkapi::job_v3::fast_execute_script::BkScopeType::Biz, "1");
    assert_eq!(serde_json::to_value(&gw).unwrap()["bk_scope_id"], Value::from("1"), "scope travels in the body");
}

#[test]
fn gateway_path_comes_from_the_resource_definition() {
    // The seed states a path whose placeholders match no parameter; its metadata gives the resource's.
    let seeds = load_seeds(true);
    let (system, api) = find(&seeds.ir, "job-gateway", "fast_execute_script");
    assert_eq!(api.path, "/api/v3/fast_execute_script");
    // The scope values of the doc's request line are part of the request example.
    let params = bkapi_tests::request_example(system, api);
    assert_eq!((params["bk_scope_type"].as_str(), params["bk_scope_id"].as_str()), (Some("biz"), Some("1")));
    // The imported gateway docs are located by bk-job's resources.yaml beside them.
    use bkapi::job_v3::endpoints::FastExecuteScript;
    assert_eq!(<FastExecuteScript as Endpoint>::PATH, "/api/v3/fast_execute_script");
    assert!(<FastExecuteScript as Endpoint>::PATH_PARAMS.is_empty());
}

#[test]
fn lenient_example_reading_is_recorded() {
    let loaded = load_seeds(true);
    let (_, api) = find(&loaded.ir, "job", "fast_push_file");
    let e = api.example(ExampleKind::Request).unwrap();
    assert!(e.repairs.iter().any(|r| r.starts_with("trailing comma")), "{:?}", e.repairs);
}

/// The seeds' drift is exactly what their baselines accept.
#[test]
fn the_seeds_drift_is_their_baseline() {
    let loaded = load_seeds(true);
    let findings = review(&loaded.ir, &loaded.diagnostics, &seeds_dir()).findings;
    let baseline = load_baseline(&seeds_dir()).unwrap();
    let verdict = baseline.judge(&findings);
    assert!(verdict.passes(), "new: {:#?}\nstale: {:#?}", verdict.new, verdict.stale);
    assert_eq!(loaded.ir.systems.iter().map(|s| s.apis.len()).sum::<usize>(), 5, "the five seeds");
}
