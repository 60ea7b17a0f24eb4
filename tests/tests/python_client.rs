//! The mock BlueKing as a client nobody here wrote sees it: BlueKing's own Python client core (PyPI
//! `bkapi-client-core` 1.2.0, installed into `target/python-mock-client/` by this test) calls it through its
//! ESB client and its gateway client (`tests/python/mock_client.py`). Each call gets its doc's response
//! example; a request the types refuse gets a 400 naming the field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use bkapi::Endpoint;
use bkapi_codegen::ir::{ExampleKind, is_error_response, request_params, response_data};
use bkapi_tests::{find, load, workspace_root};
use serde_json::{Value, json};

const CLIENT_CORE: &str = "bkapi-client-core==1.2.0";

/// A Python with `bkapi-client-core`: a venv under `target/`, made (and the package installed from PyPI) once.
fn python() -> PathBuf {
    let venv = workspace_root().join("target/python-mock-client");
    let python = venv.join("bin/python");
    let installed = Command::new(&python).args(["-c", "import bkapi_client_core"]).status().is_ok_and(|s| s.success());
    if !installed {
        let made = Command::new("python3").arg("-m").arg("venv").arg(&venv).status().expect("python3 -m venv");
        assert!(made.success(), "python3 -m venv {} failed", venv.display());
        let pip = Command::new(&python)
            .args(["-m", "pip", "install", "-q", "--disable-pip-version-check", CLIENT_CORE])
            .status()
            .expect("pip");
        assert!(pip.success(), "pip install {CLIENT_CORE} failed (PyPI must be reachable)");
    }
    python
}

/// The doc's request example of `E` (authentication removed) and the `data` of its response example.
fn doc_examples<E: Endpoint>(ir: &bkapi_codegen::ir::Ir) -> (Value, Value) {
    let (system, api) = find(ir, E::SYSTEM, E::NAME);
    let credentials = system.credential_parameters(api);
    let request =
        api.example(ExampleKind::Request).and_then(|e| e.value.as_ref()).map(|v| request_params(v, &credentials));
    let response = api
        .examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response)
        .filter_map(|e| e.value.as_ref())
        .find(|v| !is_error_response(v))
        .map(|v| response_data(v).clone());
    (request.unwrap_or(Value::Null), response.unwrap_or(Value::Null))
}

/// A call as the Python client declares its operations: an ESB path has `{bk_api_ver}` where `/v2` is.
fn call<E: Endpoint>(data: Value) -> Value {
    match E::FLAVOR {
        bkapi::Flavor::Esb => json!({
            "client": "esb",
            "method": E::METHOD.as_str(),
            "path": E::PATH.replacen("/compapi/v2/", "/compapi{bk_api_ver}/", 1),
            "data": data,
        }),
        bkapi::Flavor::Gateway => json!({
            "client": "gateway",
            "gateway": E::GATEWAY,
            "method": E::METHOD.as_str(),
            "path": E::PATH,
            "data": data,
        }),
    }
}

#[test]
fn blueking_python_client_core_calls_the_mock_through_esb_and_gateway() {
    use bkapi::cc::endpoints::SearchBusiness;
    use bkapi::job_v3::endpoints::{FastExecuteScript as GatewayFastExecuteScript, GetJobInstanceStatus};
    use bkapi::jobv3::endpoints::FastExecuteScript;
    let ir = load(true).ir;
    let (business_request, business_data) = doc_examples::<SearchBusiness>(&ir);
    let (script_request, script_data) = doc_examples::<FastExecuteScript>(&ir);
    let (gateway_script_request, gateway_script_data) = doc_examples::<GatewayFastExecuteScript>(&ir);
    let (_, status_data) = doc_examples::<GetJobInstanceStatus>(&ir);
    let calls = vec![
        call::<SearchBusiness>(business_request),
        call::<FastExecuteScript>(script_request),
        call::<GatewayFastExecuteScript>(gateway_script_request),
        // A gateway GET: the parameters go into the query string as text.
        call::<GetJobInstanceStatus>(json!({"bk_scope_type": "biz", "bk_scope_id": "1", "job_instance_id": 100})),
        call::<SearchBusiness>(json!({"page": {"start": "first", "limit": 10}})),
        call::<FastExecuteScript>(json!({"bk_scope_type": "biz", "bk_scope_id": "1", "scriptcontent": "ZWNobw=="})),
    ];

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mock = runtime.block_on(bkapi::mock::start()).unwrap();
    let mut child = Command::new(python())
        .arg(workspace_root().join("tests/python/mock_client.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let spec = json!({"url": mock.url(), "calls": calls});
    child.stdin.take().unwrap().write_all(spec.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "the Python client failed: {}", String::from_utf8_lossy(&output.stderr));
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.len(), calls.len());

    let answered = |i: usize, data: &Value| {
        assert_eq!(results[i]["status"], 200, "call {i}: {}", results[i]);
        assert_eq!(results[i]["body"]["result"], true, "call {i}");
        assert_eq!(&results[i]["body"]["data"], data, "call {i}: the doc's response example");
    };
    answered(0, &business_data);
    answered(1, &script_data);
    answered(2, &gateway_script_data);
    answered(3, &status_data);
    let refused = |i: usize, field: &str| {
        assert_eq!(results[i]["status"], 400, "call {i}: {}", results[i]);
        let message = results[i]["body"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("field `{field}`")), "call {i}: {message}");
    };
    refused(4, "page.start");
    refused(5, "scriptcontent");

    // The Python client sent what it was given, where its own rules put it.
    let received = runtime.block_on(mock.received());
    let paths: Vec<&str> = received.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths[2], "/api/bk-job/prod/api/v3/fast_execute_script");
    assert_eq!(paths[3], "/api/bk-job/prod/api/v3/get_job_instance_status");
    assert!(received[3].url.query().unwrap_or_default().contains("job_instance_id=100"));
    assert!(received.iter().all(|r| r.headers.contains_key("x-bkapi-authorization")));
}
