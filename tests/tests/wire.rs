//! Wire tests: the seeds' APIs, as the imported docs give them, called through the client against a local HTTP
//! server (wiremock on 127.0.0.1).
//! The server accepts only the request the doc's example describes, and answers with the doc's response example.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bkapi::prelude::*;
use bkapi::{Client, Endpoint, Error};
use bkapi_tests::{find, load, request_example, response_example, response_example_data};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const APP_CODE: &str = "test-app";
const APP_SECRET: &str = "s3cret-value";
const USERNAME: &str = "admin";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .esb_base_url(server.uri())
        .gateway_base_url("job_v3", format!("{}/api/bk-job/prod", server.uri()))
        .app_code(APP_CODE)
        .app_secret(APP_SECRET)
        .bk_username(USERNAME)
        .build()
        .unwrap()
}

fn auth() -> Value {
    json!({ "bk_app_code": APP_CODE, "bk_app_secret": APP_SECRET, "bk_username": USERNAME })
}

fn merged(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// A jobv3 request with the account the doc requires (one of `account_alias` / `account_id`).
fn jobv3_request() -> bkapi::jobv3::FastExecuteScriptRequest {
    use bkapi::jobv3::fast_execute_script::BkScopeType;
    bkapi::jobv3::FastExecuteScriptRequest::new(BkScopeType::Biz, "1").account_alias("root")
}

/// Mounts a mock that answers `response` only to exactly this request, sends `request`, returns the result.
async fn call<E: Endpoint>(
    request: E::Request,
    wire_path: &str,
    expected_body: Value,
    response: Value,
) -> Result<E::Response, Error> {
    let server = MockServer::start().await;
    let gateway = E::FLAVOR == bkapi::Flavor::Gateway;
    let body_matches = move |req: &Request| {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let header_auth = req
            .headers
            .get("X-Bkapi-Authorization")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| serde_json::from_str::<Value>(h).ok());
        // Both flavors send the credentials in the header; an ESB POST also in its body (ESB reads either).
        if gateway {
            body == expected_body && header_auth == Some(auth())
        } else {
            body == merged(expected_body.clone(), auth()) && header_auth == Some(auth())
        }
    };
    Mock::given(method(format!("{:?}", E::METHOD).to_uppercase().as_str()))
        .and(path(wire_path))
        .and(body_matches)
        .respond_with(ResponseTemplate::new(200).set_body_json(response))
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server).call::<E>(request).await;
    server.verify().await;
    result
}

/// The common case: request built from the doc's request example; the doc's response decoded.
async fn doc_round_trip<E: Endpoint>(system: &str, wire_path: &str) -> (E::Response, E::Response) {
    let loaded = load(true);
    let (system, api) = find(&loaded.ir, system, E::NAME);
    let params = request_example(system, api);
    let request: E::Request = serde_json::from_value(params.clone()).unwrap();
    let got = call::<E>(request, wire_path, params, response_example(api)).await.unwrap_or_else(|e| panic!("{e}"));
    let expected: E::Response = serde_json::from_value(response_example_data(api)).unwrap();
    (got, expected)
}

#[tokio::test]
async fn jobv3_fast_execute_script() {
    use bkapi::jobv3::endpoints::FastExecuteScript;
    let (got, expected) =
        doc_round_trip::<FastExecuteScript>("jobv3", "/api/c/compapi/v2/jobv3/fast_execute_script/").await;
    assert_eq!(got, expected);
    assert_eq!(got.job_instance_id, Some(10000));
    assert_eq!(got.job_instance_name.as_deref(), Some("API Quick execution script1521100521303"));
}

#[tokio::test]
async fn job_fast_push_file() {
    use bkapi::job::endpoints::FastPushFile;
    let (got, expected) = doc_round_trip::<FastPushFile>("job", "/api/c/compapi/v2/job/fast_push_file/").await;
    assert_eq!(got, expected);
    assert_eq!(got.job_instance_id, Some(10000));
}

#[tokio::test]
async fn job_gateway_fast_execute_script_reaches_the_resource_path() {
    use bkapi::job_v3::endpoints::FastExecuteScript;
    // Gateway base URL + `/api/v3/fast_execute_script`, scope in the body, credentials in the header only.
    let (got, expected) =
        doc_round_trip::<FastExecuteScript>("job_v3", "/api/bk-job/prod/api/v3/fast_execute_script").await;
    assert_eq!(got, expected);
    assert_eq!(got.step_instance_id, Some(10001));
}

#[tokio::test]
async fn nodeman_job_install_failure_envelope_is_an_api_error() {
    use bkapi::nodeman::endpoints::JobInstall;
    let loaded = load(true);
    let (system, api) = find(&loaded.ir, "nodeman", "job_install");
    let params = request_example(system, api);
    let request: bkapi::nodeman::JobInstallRequest = serde_json::from_value(params.clone()).unwrap();
    // The doc's response example is a failure (`result: false`, code 3801013).
    let err = call::<JobInstall>(request, "/api/c/compapi/v2/nodeman/api/job/install/", params, response_example(api))
        .await
        .expect_err("result false is an error");
    match &err {
        Error::Api { code, message, .. } => {
            assert_eq!((code.as_str(), message.as_str()), ("3801013", "不存在可用代理（3801013）"))
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert!(err.to_string().contains("nodeman.job_install"), "{err}");
}

#[tokio::test]
async fn monitor_deploy_script_collector_sends_the_documented_field() {
    use bkapi::monitor::deploy_script_collector::{DeployScriptCollectorRequest, TargetConf};
    use bkapi::monitor::endpoints::DeployScriptCollector;
    let loaded = load(true);
    let (system, api) = find(&loaded.ir, "monitor", "deploy_script_collector");
    // The doc's example sends `script_collector_id`; the table (which the bindings follow, see bkapi.toml)
    // names it `config_id`. Expected body: the example with that one key renamed.
    let mut expected_body = request_example(system, api);
    let map = expected_body.as_object_mut().unwrap();
    let id = map.remove("script_collector_id").expect("the doc's drifted key");
    map.insert("config_id".into(), id);

    let request = DeployScriptCollectorRequest::new(vec![TargetConf::new("x.x.x.x", 0)], 8);
    let got = call::<DeployScriptCollector>(
        request,
        "/api/c/compapi/v2/monitor/deploy_script_collector/",
        expected_body,
        response_example(api),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // `code: "0"` (a string) is success too.
    let success = got.success.expect("success list");
    assert_eq!(success.len(), 1);
    assert_eq!(success[0].ip.as_deref(), Some("x.x.x.x"));
    assert_eq!(got.failed, Some(vec![]));
}

#[tokio::test]
async fn gateway_error_body_and_html_500_give_useful_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/api/bk-job/prod/api/v3/fast_execute_script"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": {"code": "PERMISSION_DENIED", "message": "no permission", "data": {"apply_url": "https://x"}}
        })))
        .mount(&server)
        .await;
    Mock::given(path("/api/c/compapi/v2/jobv3/fast_execute_script/"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html><body>Bad Gateway</body></html>"))
        .mount(&server)
        .await;
    let client = client(&server);

    use bkapi::job_v3::fast_execute_script::BkScopeType;
    let gw = bkapi::job_v3::FastExecuteScriptRequest::new(BkScopeType::Biz, "1").account_alias("root");
    match client.job_v3().fast_execute_script(gw).await {
        Err(Error::Api { code, permission, .. }) => {
            assert_eq!(code, "PERMISSION_DENIED");
            assert_eq!(permission.as_deref(), Some(&json!({"apply_url": "https://x"})));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let err = client.jobv3().fast_execute_script(jobv3_request()).await.unwrap_err();
    assert!(matches!(&err, Error::Http { status: 500, body, .. } if body.contains("Bad Gateway")), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(text.contains("jobv3.fast_execute_script"), "{text}");
    assert!(!text.contains(APP_SECRET), "no secret in errors: {text}");
    assert!(!format!("{client:?}").contains(APP_SECRET), "no secret in Debug of the client");
}

#[tokio::test]
async fn wrong_field_type_names_the_json_path() {
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/jobv3/fast_execute_script/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "result": true, "code": 0, "message": "ok", "data": {"job_instance_id": "not-a-number"}
        })))
        .mount(&server)
        .await;
    let err = client(&server).jobv3().fast_execute_script(jobv3_request()).await.unwrap_err();
    assert!(matches!(&err, Error::Decode { path, .. } if path == "data.job_instance_id"), "{err:?}");
}
