//! Per-request context: one client, and cheap clones for another user, tenant, language, timeout, extra
//! headers or retry policy, which change only what they name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bkapi_runtime::{Error, RetryPolicy};
mod common;
use common::fake::{ListThings, StartThing, TOKEN, builder, ok};
use serde_json::{Value, json};
use wiremock::matchers::{any, header, header_exists};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The user a call was made for, from its authentication header.
fn user_of(request: &Request) -> Value {
    let auth = request.headers.get("X-Bkapi-Authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let auth: Value = serde_json::from_str(auth).unwrap_or_default();
    json!({"bk_username": auth["bk_username"], "bk_token": auth["bk_token"]})
}

#[tokio::test]
async fn clones_act_for_their_own_user_tenant_and_language_and_the_original_is_unchanged() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok(json!(1))).mount(&server).await;
    let client = builder(&server).build().unwrap();
    let alice = client.as_user("alice").with_tenant("t1").unwrap().with_language("en").unwrap();
    let bob = client.as_user("bob").with_header("traceparent", "00-abc-def-01").unwrap();
    alice.call::<ListThings>(json!({})).await.unwrap();
    bob.call::<ListThings>(json!({})).await.unwrap();
    client.call::<ListThings>(json!({})).await.unwrap();
    let seen = server.received_requests().await.unwrap();
    let users: Vec<Value> = seen.iter().map(user_of).collect();
    assert_eq!(users[0], json!({"bk_username": "alice", "bk_token": null}));
    assert_eq!(users[1], json!({"bk_username": "bob", "bk_token": null}));
    assert_eq!(users[2], json!({"bk_username": null, "bk_token": TOKEN}), "the original keeps its user");
    let h = |i: usize, name: &str| seen[i].headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!((h(0, "X-Bk-Tenant-Id"), h(0, "Blueking-Language")), (Some("t1".into()), Some("en".into())));
    assert_eq!((h(1, "traceparent"), h(1, "X-Bk-Tenant-Id")), (Some("00-abc-def-01".into()), None));
    assert_eq!((h(2, "traceparent"), h(2, "X-Bk-Tenant-Id"), h(2, "Blueking-Language")), (None, None, None));
}

#[tokio::test]
async fn a_clone_s_timeout_and_retry_policy_are_its_own() {
    let server = MockServer::start().await;
    let slow = ok(json!(1)).set_delay(Duration::from_millis(800));
    Mock::given(header("traceparent", "slow")).respond_with(slow).mount(&server).await;
    Mock::given(header_exists("X-Bkapi-Authorization"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .mount(&server)
        .await;
    let policy = RetryPolicy::new(2).backoff(Duration::from_millis(1), Duration::from_millis(1));
    let client = builder(&server).retry(policy).build().unwrap();
    let hurried = client.with_timeout(Duration::from_millis(100)).with_header("traceparent", "slow").unwrap();
    let err = hurried.call::<StartThing>(json!({})).await.unwrap_err();
    assert!(err.to_string().contains("timed out after 100 ms"), "{err}");
    // A GET on 503: the client's policy retries it (3 calls), a clone without retries calls once.
    client.call::<ListThings>(json!({})).await.unwrap_err();
    client.with_retry(None).call::<ListThings>(json!({})).await.unwrap_err();
    let gets = server.received_requests().await.unwrap().iter().filter(|r| r.method.as_str() == "GET").count();
    assert_eq!(gets, 3 + 1);
}

#[test]
fn what_cannot_be_sent_is_refused_when_the_clone_is_made() {
    let client = bkapi_runtime::Client::builder()
        .esb_base_url("http://127.0.0.1:1")
        .app_code("a")
        .app_secret("s")
        .build()
        .unwrap();
    assert!(matches!(client.with_tenant("t\n1"), Err(Error::Config(_))));
    // The builder's rule: a tenant id is also no path segment.
    assert!(matches!(client.with_tenant("a/b"), Err(Error::Config(m)) if m == "tenant id `a/b` cannot be sent"));
    assert!(
        matches!(client.with_header("X-Bkapi-Authorization", "{}"), Err(Error::Config(m)) if m.contains("client's own"))
    );
    assert!(matches!(client.with_header("bad name", "v"), Err(Error::Config(_))));
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_derives_clones_too() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    runtime.block_on(Mock::given(any()).respond_with(ok(json!(1))).mount(&server));
    let client = builder(&server).build_blocking().unwrap();
    let carol = client.derive(|c| c.as_user("carol"));
    // Called from a thread without a runtime, as blocking clients are.
    std::thread::scope(|s| s.spawn(|| carol.call::<ListThings>(json!({})).unwrap()).join().unwrap());
    let seen = runtime.block_on(server.received_requests()).unwrap();
    assert_eq!(user_of(&seen[0])["bk_username"], "carol");
}
