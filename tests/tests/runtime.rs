//! The runtime against a local HTTP server (wiremock on 127.0.0.1): configuration, headers, GET query strings,
//! path escaping, timeouts, broken bodies. Retries and logs are in `logs.rs` (their own process: `tracing`
//! caches which callsites are enabled, so log captures and uncaptured tests must not share one).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bkapi::prelude::*;
use bkapi::{Client, Endpoint, Error, RetryPolicy};
use bkapi_tests::fake::{GetScoped, ListThings, SECRET, StartThing, TOKEN, builder, ok};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn configuration_errors_are_typed_and_secret_free() {
    let err = |b: bkapi::ClientBuilder| match b.build() {
        Err(Error::Config(m)) => m,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    let base = || Client::builder().app_code("app").app_secret(SECRET);
    assert!(err(base().esb_base_url("not a url")).contains("ESB base URL `not a url` is not a URL"));
    assert!(err(base().esb_base_url("ftp://x")).contains("is not an http(s) URL"));
    assert!(err(base()).contains("no base URL"));
    assert!(err(Client::builder().esb_base_url("http://x").app_code("app")).contains("`app_secret` is required"));
    assert!(err(Client::builder().esb_base_url("http://x").app_secret(SECRET)).contains("`app_code` is required"));
    assert!(err(base().esb_base_url("http://x").language("zh\nhans")).contains("cannot be sent as a header"));
    let debug = format!("{:?}", base().bk_token(TOKEN).access_token("tok-xyz"));
    assert!(!debug.contains(SECRET) && !debug.contains(TOKEN) && !debug.contains("tok-xyz"), "{debug}");
}

#[tokio::test]
async fn esb_get_sends_its_parameters_as_query_with_nested_values_json_encoded_and_its_credentials_in_a_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/c/compapi/v2/test/list_things/"))
        .and(query_param("name", "x y"))
        .and(query_param("ids", "[1,2]"))
        .and(query_param("filter", r#"{"a":1}"#))
        // The credentials travel in the header ESB reads them from, never in the URL (which proxies log).
        .and(|r: &Request| {
            let auth = r.headers.get("X-Bkapi-Authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let auth: Value = serde_json::from_str(auth).unwrap_or_default();
            auth == json!({"bk_app_code": "app", "bk_app_secret": SECRET, "bk_token": TOKEN})
                && !r.url.as_str().contains(SECRET)
                && !r.url.as_str().contains(TOKEN)
                && !r.url.query_pairs().any(|(k, _)| k.starts_with("bk_app") || k == "bk_token")
        })
        .and(header("Blueking-Language", "en"))
        .and(header("User-Agent", "my-agent/1"))
        .and(|r: &Request| r.body.is_empty())
        .respond_with(ok(json!([1])))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).language("en").user_agent("my-agent/1").build().unwrap();
    let got = client.call::<ListThings>(json!({"name": "x y", "ids": [1, 2], "filter": {"a": 1}})).await.unwrap();
    assert_eq!(got, json!([1]));
}

#[tokio::test]
async fn gateway_path_parameters_cannot_leave_their_segment_and_access_tokens_travel_alone() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(|r: &Request| r.url.path() == "/api/gw/prod/api/v3/scope/%2E%2E%2Fx/thing")
        .and(|r: &Request| {
            let auth = r.headers.get("X-Bkapi-Authorization").and_then(|h| h.to_str().ok()).unwrap_or_default();
            serde_json::from_str::<Value>(auth).ok() == Some(json!({"access_token": "tok-xyz"}))
        })
        .and(query_param("k", "v"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"ok": true}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).access_token("tok-xyz").build().unwrap();
    let got = client.call::<GetScoped>(json!({"bk_scope_id": "../x", "k": "v"})).await.unwrap();
    assert_eq!(got, json!({"ok": true}));
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_naming_the_api() {
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/test/start_thing/"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"result": true, "data": {"job_inst"#))
        .mount(&server)
        .await;
    let err = builder(&server).build().unwrap().call::<StartThing>(json!({})).await.unwrap_err();
    assert!(matches!(&err, Error::Decode { path, message, .. } if path == "." && message.contains("EOF")), "{err:?}");
    assert!(err.to_string().starts_with("test.start_thing: cannot decode the response"), "{err}");
}

#[tokio::test]
async fn a_slow_server_times_out_and_a_post_is_not_sent_twice() {
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/test/start_thing/"))
        .respond_with(ok(json!(1)).set_delay(Duration::from_secs(5)))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::new(3).backoff(Duration::from_millis(1), Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.call::<StartThing>(json!({})).await.unwrap_err();
    match &err {
        Error::Transport { source, .. } => assert!(source.is_timeout(), "{source:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(err.to_string().starts_with("test.start_thing: timed out after 200 ms waiting for http://"), "{err}");
    server.verify().await;
}

#[test]
fn the_blocking_client_has_the_same_surface() {
    // The server runs on a runtime's worker threads; the blocking client is called from this plain thread.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    runtime.block_on(
        Mock::given(method("POST"))
            .and(path("/api/c/compapi/v2/jobv3/fast_execute_script/"))
            .and(|r: &Request| {
                let body: Value = serde_json::from_slice(&r.body).unwrap_or_default();
                body["bk_scope_id"] == "1" && body["bk_app_secret"] == SECRET
            })
            .respond_with(ok(json!({"job_instance_id": 7, "job_instance_name": "x"})))
            .expect(1)
            .mount(&server),
    );
    let client = builder(&server).build_blocking().unwrap();
    let request = jobv3_request().account_id(1000);
    let job = client.jobv3().fast_execute_script(request).unwrap();
    assert_eq!(job.job_instance_id, Some(7));

    // Inside an async runtime it refuses with a configuration error instead of blocking (or panicking).
    let err = runtime.block_on(async { client.call::<StartThing>(json!({})) }).unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("inside an async runtime")), "{err:?}");
    runtime.block_on(server.verify());
}

/// A jobv3 request of business 1 (JOB's scope: `bk_scope_type` and `bk_scope_id`).
fn jobv3_request() -> bkapi::jobv3::FastExecuteScriptRequest {
    use bkapi::jobv3::fast_execute_script::BkScopeType;
    bkapi::jobv3::FastExecuteScriptRequest::new(BkScopeType::Biz, "1")
}

#[tokio::test]
async fn base64_fields_take_plain_text_and_send_base64() {
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/jobv3/fast_execute_script/"))
        .and(|r: &Request| {
            let body: Value = serde_json::from_slice(&r.body).unwrap_or_default();
            body["script_content"] == "ZWNobyBoZWxsbw==" && body["script_param"] == "LWE="
        })
        .respond_with(ok(json!({"job_instance_id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let request = jobv3_request().account_alias("root").script_content("echo hello").script_param(b"-a".as_slice());
    builder(&server).build().unwrap().jobv3().fast_execute_script(request).await.unwrap();
    server.verify().await;
}

#[test]
fn request_types_have_a_setter_per_optional_field() {
    use bkapi::jobv3::fast_execute_script::{BkScopeType, FastExecuteScriptRequest, ScriptLanguage, Server};
    let request = FastExecuteScriptRequest::new(BkScopeType::Biz, "2")
        .script_content("echo hello")
        .account_alias("root")
        .script_language(ScriptLanguage::Shell)
        .target_server(Server::default().host_id_list(vec![101]));
    assert_eq!(request.account_alias.as_deref(), Some("root"));
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "bk_scope_type": "biz",
            "bk_scope_id": "2",
            "script_content": "ZWNobyBoZWxsbw==",
            "account_alias": "root",
            "script_language": 1,
            "target_server": {"host_id_list": [101]}
        })
    );
    // A setter replaces what the field held.
    assert_eq!(request.account_alias("admin").account_alias.as_deref(), Some("admin"));
}

#[test]
fn integer_enums_from_descriptions_travel_as_integers_and_accept_unknown_codes() {
    use bkapi::jobv3::fast_execute_script::ScriptLanguage;
    // `脚本语言：1 - shell, 2 - bat, 3 - perl, 4 - python, 5 - powershell`
    assert_eq!(serde_json::to_value(ScriptLanguage::Shell).unwrap(), json!(1));
    assert_eq!(serde_json::from_value::<ScriptLanguage>(json!(2)).unwrap(), ScriptLanguage::Bat);
    assert_eq!(serde_json::from_value::<ScriptLanguage>(json!("4")).unwrap(), ScriptLanguage::Python);
    assert_eq!(serde_json::from_value::<ScriptLanguage>(json!(9)).unwrap(), ScriptLanguage::Unknown(9));
    assert_eq!(ScriptLanguage::Unknown(9).code(), 9);
    assert!(serde_json::from_value::<ScriptLanguage>(json!("shell")).is_err());
}

#[tokio::test]
async fn a_request_without_either_of_a_one_of_pair_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/jobv3/fast_execute_script/"))
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    assert_eq!(
        <bkapi::jobv3::endpoints::FastExecuteScript as Endpoint>::ONE_OF,
        &[&["account_alias", "account_id"][..]]
    );
    let err = builder(&server).build().unwrap().jobv3().fast_execute_script(jobv3_request()).await.unwrap_err();
    let Error::InvalidRequest { .. } = &err else { panic!("expected an invalid request, got {err:?}") };
    assert!(err.is_usage_error());
    assert_eq!(
        err.to_string(),
        "jobv3.fast_execute_script: invalid request: it needs `account_alias` or `account_id` (the doc requires one of \
         them)"
    );
    server.verify().await;
}
