//! Settings BlueKing users already have, each seen on the wire (wiremock on 127.0.0.1): the SDKs' environment
//! names (`Client::from_env` / `ClientBuilder::from_lookup`), the tenant header, ESB test environments, the
//! gateway URL template and stage, both language headers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use bkapi_runtime::{ClientBuilder, Error};
mod common;
use common::fake::{GetNamed, GetScoped, SECRET, StartThing, TOKEN, ok};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request};

fn settings(vars: &[(&'static str, String)]) -> ClientBuilder {
    let vars: BTreeMap<&str, String> = vars.iter().cloned().collect();
    ClientBuilder::from_lookup(move |name| vars.get(name).cloned())
}

#[tokio::test]
async fn the_sdks_environment_names_configure_an_esb_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/c/compapi/v2/test/start_thing/"))
        .and(header("X-Bk-Tenant-Id", "tenant-a"))
        .and(header("X-Use-Test-Env", "true"))
        .and(header("Blueking-Language", "en"))
        .and(header("Accept-Language", "en"))
        .and(|r: &Request| {
            let body: Value = serde_json::from_slice(&r.body).unwrap_or_default();
            body["bk_app_code"] == "paas-app" && body["bk_app_secret"] == SECRET && body["bk_token"] == TOKEN
        })
        .respond_with(ok(json!({"started": true})))
        .expect(1)
        .mount(&server)
        .await;
    let builder = settings(&[
        ("BKPAAS_APP_ID", "paas-app".into()),
        ("BKPAAS_APP_SECRET", SECRET.into()),
        ("BK_COMPONENT_API_URL", server.uri()),
        ("BK_API_USE_TEST_ENV", "True".into()),
        ("BKPAAS_APP_TENANT_ID", "tenant-a".into()),
    ]);
    let client = builder.bk_token(TOKEN).language("en").build().unwrap();
    assert!(!format!("{client:?}").contains(SECRET), "no secret in Debug");
    assert_eq!(client.call::<StartThing>(json!({})).await.unwrap(), json!({"started": true}));
    server.verify().await;
}

#[tokio::test]
async fn a_gateway_url_template_and_stage_make_the_base_url_and_the_test_env_header_stays_esb_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/bk-test/stag/api/v3/named/"))
        .and(header("X-Bk-Tenant-Id", "tenant-b"))
        .and(|r: &Request| !r.headers.contains_key("X-Use-Test-Env"))
        .and(|r: &Request| {
            r.headers.get("X-Bkapi-Authorization").is_some_and(|h| h.to_str().is_ok_and(|h| h.contains("app")))
        })
        .respond_with(ok(json!(1)))
        .expect(1)
        .mount(&server)
        .await;
    let builder = settings(&[
        ("BK_APP_CODE", "app".into()),
        ("BK_APP_SECRET", SECRET.into()),
        ("BK_API_URL_TMPL", format!("{}/api/{{api_name}}/", server.uri())),
        ("BK_API_USE_TEST_ENV", "1".into()),
        ("BK_APP_TENANT_ID", "tenant-b".into()),
    ]);
    let client = builder.stage("stag").build().unwrap();
    assert_eq!(client.call::<GetNamed>(json!({})).await.unwrap(), json!(1));
    // A system whose docs name no gateway needs its own base URL, and says so.
    let err = client.call::<GetScoped>(json!({"bk_scope_id": "2"})).await.unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("no gateway base URL configured for `gw`")), "{err}");
    server.verify().await;
}

#[tokio::test]
async fn a_stage_url_template_has_the_stage_in_it() {
    let server = MockServer::start().await;
    Mock::given(path("/gw/bk-test/prod/api/v3/named/")).respond_with(ok(json!(2))).expect(1).mount(&server).await;
    let builder = settings(&[
        ("BK_APP_CODE", "app".into()),
        ("BK_APP_SECRET", SECRET.into()),
        ("BK_API_STAGE_URL_TMPL", format!("{}/gw/{{api_name}}/{{stage_name}}", server.uri())),
    ]);
    assert_eq!(builder.build().unwrap().call::<GetNamed>(json!({})).await.unwrap(), json!(2));
    server.verify().await;
}

#[test]
fn bad_settings_are_configuration_errors() {
    let base = || settings(&[("BK_APP_CODE", "app".into()), ("BK_APP_SECRET", SECRET.into())]);
    let message = |b: ClientBuilder| match b.build() {
        Err(Error::Config(m)) => m,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    assert!(message(base()).contains("no base URL"));
    assert!(message(base().gateway_url_template("https://x/api/")).contains("has no `{api_name}`"));
    assert!(message(base().esb_base_url("https://x").tenant_id("a\nb")).contains("tenant id"));
    assert!(message(base().esb_base_url("https://x").stage("a/b")).contains("stage"));
    assert!(!message(base()).contains(SECRET));
}
