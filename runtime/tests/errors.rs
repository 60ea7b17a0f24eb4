//! What an error says: the cause of a transport failure, the secrets a server echoes back scrubbed from every
//! text (Display, Debug), on one line, and the predicates a caller branches on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bkapi_runtime::Error;
mod common;
use common::fake::{ListThings, ReadByPost, SECRET, StartThing, TOKEN, builder};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A server (or proxy) that echoes the request into its error page: URL, auth header and body.
struct Echo {
    status: u16,
    json: bool,
}

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let auth = request.headers.get("X-Bkapi-Authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let body = String::from_utf8_lossy(&request.body);
        let echo = format!("url {}\nauth {auth}\nbody {body}", request.url);
        if self.json {
            let envelope = json!({"result": false, "code": 1306000, "message": echo, "permission": {"echo": echo}});
            ResponseTemplate::new(self.status).set_body_json(envelope)
        } else {
            let page = format!(
                "<html>\n<body>\n  <h1>{} Bad Gateway</h1>\n  <pre>{echo}</pre>\n</body>\n</html>",
                self.status
            );
            ResponseTemplate::new(self.status).set_body_string(page).insert_header("Content-Type", "text/html")
        }
    }
}

/// Every form of the call's secrets a test looks for: as sent, percent-encoded.
fn assert_no_secret(err: &Error, password: &str) {
    let text = format!("{err}\n{err:?}");
    for secret in [SECRET, TOKEN, password] {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        assert!(!text.contains(secret) && !text.contains(&encoded), "`{secret}` in {text}");
    }
}

#[tokio::test]
async fn an_echoed_request_shows_no_secret_in_an_error_page() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(Echo { status: 502, json: false }).mount(&server).await;
    let client = builder(&server).build().unwrap();
    let password = "hunter2-Pa55";
    // A POST: the body carries the app secret, the token and a field named as a credential.
    let err = client.call::<StartThing>(json!({"host": {"password": password}, "name": "web-1"})).await.unwrap_err();
    assert_no_secret(&err, password);
    let Error::Http { status: 502, body, .. } = &err else { panic!("{err:?}") };
    assert!(body.contains("[redacted]") && body.contains("web-1"), "the rest of the page stays: {body}");
    assert!(!body.contains('\n'), "one line: {body}");
    assert!(err.is_retryable() && !err.is_permission_denied());
    // A GET: nothing secret is in its URL to echo, and the header it carries is scrubbed.
    let err = client.call::<ListThings>(json!({"name": "x"})).await.unwrap_err();
    assert_no_secret(&err, password);
}

#[tokio::test]
async fn an_echoed_request_shows_no_secret_in_an_api_error_or_its_permission_data() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(Echo { status: 200, json: true }).mount(&server).await;
    let client = builder(&server).build().unwrap();
    let err = client.call::<StartThing>(json!({"db_password": "s3cr3t-db"})).await.unwrap_err();
    assert_no_secret(&err, "s3cr3t-db");
    let Error::Api { message, permission: Some(permission), status: 200, .. } = &err else { panic!("{err:?}") };
    assert!(message.contains("[redacted]"), "{message}");
    assert!(!permission.to_string().contains("s3cr3t-db"), "{permission}");
    assert_eq!(err.code(), Some("1306000"));
    assert!(err.is_permission_denied(), "permission data came with it");
}

#[tokio::test]
async fn a_refused_connection_says_where_and_why() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = bkapi_runtime::Client::builder()
        .esb_base_url(format!("http://127.0.0.1:{port}"))
        .app_code("app")
        .app_secret(SECRET)
        .build()
        .unwrap();
    let err = client.call::<StartThing>(json!({})).await.unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with(&format!("test.start_thing: cannot connect to 127.0.0.1:{port}: ")), "{text}");
    assert!(text.to_lowercase().contains("refused"), "the cause: {text}");
    assert!(err.is_retryable() && !err.is_timeout() && err.status().is_none());
}

#[tokio::test]
async fn a_slow_server_times_out_with_the_configured_time_in_the_message() {
    let server = MockServer::start().await;
    let slow =
        ResponseTemplate::new(200).set_body_json(json!({"result": true, "data": 1})).set_delay(Duration::from_secs(5));
    Mock::given(wiremock::matchers::any()).respond_with(slow).mount(&server).await;
    let client = builder(&server).timeout(Duration::from_millis(200)).build().unwrap();
    let err = client.call::<ListThings>(Value::Object(Default::default())).await.unwrap_err();
    assert!(err.to_string().contains("timed out after 200 ms waiting for http://"), "{err}");
    assert!(!err.to_string().contains("?"), "no query string: {err}");
    assert!(err.is_timeout() && err.is_retryable());
}

#[tokio::test]
async fn a_forbidden_answer_is_a_permission_error() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(403).set_body_string("forbidden"))
        .mount(&server)
        .await;
    let err = builder(&server).build().unwrap().call::<StartThing>(json!({})).await.unwrap_err();
    assert!(err.is_permission_denied() && !err.is_retryable(), "{err:?}");
    assert_eq!((err.status(), err.api()), (Some(403), Some("test.start_thing")));
}

#[tokio::test]
async fn the_retry_policy_retries_a_post_that_is_idempotent_and_no_other() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/api/c/compapi/v2/test/read_by_post/"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/api/c/compapi/v2/test/read_by_post/"))
        .respond_with(common::fake::ok(json!("read")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/api/c/compapi/v2/test/start_thing/"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(1)
        .mount(&server)
        .await;
    let policy = bkapi_runtime::RetryPolicy::new(2).backoff(Duration::from_millis(1), Duration::from_millis(1));
    let client = builder(&server).retry(policy).build().unwrap();
    assert_eq!(client.call::<ReadByPost>(json!({})).await.unwrap(), json!("read"));
    // A POST that writes is sent once: it may have been carried out.
    let err = client.call::<StartThing>(json!({})).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    server.verify().await;
}
