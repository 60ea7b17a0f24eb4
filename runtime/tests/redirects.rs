//! Credentials never leave the configured origin: a BlueKing base URL that redirects elsewhere (301, 302, 303,
//! 307, 308) gets an error naming where it pointed, and the other server sees nothing — not the ESB body with
//! the app secret and user token, not an ESB GET's query string, not the gateway's `X-Bkapi-Authorization`
//! header. Redirects within the origin are followed. Two local servers (wiremock on 127.0.0.1).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bkapi_runtime::{Endpoint, Error};
mod common;
use common::fake::{GetScoped, ListThings, SECRET, StartThing, TOKEN, builder, ok};
use serde_json::{Value, json};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers every call to `home` with a redirect of `status` to the same path on `elsewhere` (with a query
/// string that echoes the secret, as a careless proxy would); `elsewhere` must see no request at all.
async fn redirected<E: Endpoint<Request = Value, Response = Value>>(status: u16, request: Value) {
    let home = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let target = format!("{}/landing?bk_app_secret={SECRET}&bk_token={TOKEN}", elsewhere.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
        .expect(1)
        .mount(&home)
        .await;
    Mock::given(any()).respond_with(ok(json!({}))).expect(0).mount(&elsewhere).await;

    let client = builder(&home).build().unwrap();
    let err = client.call::<E>(request).await.expect_err("a redirect to another origin is an error");
    match &err {
        Error::Redirect { api, status: got, location } => {
            assert_eq!((*api, *got), (E::ID, status));
            assert_eq!(location.as_deref(), Some(format!("{}/landing", elsewhere.uri()).as_str()), "no query shown");
        }
        other => panic!("{status} {}: expected Error::Redirect, got {other:?}", E::ID),
    }
    let text = format!("{err} {err:?}");
    assert!(!text.contains(SECRET) && !text.contains(TOKEN), "no secret in the error: {text}");
    assert!(text.contains(&elsewhere.uri()), "the error names the Location: {text}");
    home.verify().await;
    elsewhere.verify().await;
    assert!(elsewhere.received_requests().await.unwrap_or_default().is_empty(), "{status}: nothing reached it");
}

#[tokio::test]
async fn esb_post_bodies_do_not_follow_a_redirect_to_another_origin() {
    for status in [301, 302, 303, 307, 308] {
        redirected::<StartThing>(status, json!({"name": "x"})).await;
    }
}

#[tokio::test]
async fn esb_get_query_strings_do_not_follow_a_redirect_to_another_origin() {
    for status in [301, 302, 303, 307, 308] {
        redirected::<ListThings>(status, json!({"name": "x"})).await;
    }
}

#[tokio::test]
async fn gateway_headers_do_not_follow_a_redirect_to_another_origin() {
    for status in [301, 302, 303, 307, 308] {
        redirected::<GetScoped>(status, json!({"bk_scope_id": "2"})).await;
    }
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed() {
    let home = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/test/start_thing/"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/moved/start_thing/"))
        .expect(1)
        .mount(&home)
        .await;
    Mock::given(path("/moved/start_thing/"))
        .and(|r: &wiremock::Request| serde_json::from_slice::<Value>(&r.body).is_ok_and(|b| b["name"] == "x"))
        .respond_with(ok(json!({"started": true})))
        .expect(1)
        .mount(&home)
        .await;
    let client = builder(&home).build().unwrap();
    assert_eq!(client.call::<StartThing>(json!({"name": "x"})).await.unwrap(), json!({"started": true}));
    home.verify().await;
}

#[tokio::test]
async fn a_redirect_loop_within_the_origin_ends_in_an_error() {
    let home = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(302).insert_header("Location", "/again/")).mount(&home).await;
    let err = builder(&home).build().unwrap().call::<ListThings>(json!({})).await.unwrap_err();
    assert!(matches!(&err, Error::Redirect { status: 302, .. }), "{err:?}");
}
