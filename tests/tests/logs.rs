//! Retries and tracing, checked through what the client logs. A process of its own: `tracing` caches which
//! callsites are enabled, so every test here installs its log capture before calling.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bkapi::{Client, Error, RetryPolicy};
use bkapi_tests::fake::{ListThings, SECRET, StartThing, TOKEN, builder, ok};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Captures what `tracing` writes while it is alive (the test runs on one thread).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let logs = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || logs.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn get_retries_on_503_by_policy_only() {
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/test/list_things/"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/api/c/compapi/v2/test/list_things/")).respond_with(ok(json!("done"))).mount(&server).await;

    let logs = Logs::default();
    let _guard = logs.install();
    let policy = RetryPolicy::new(3).backoff(Duration::from_millis(1), Duration::from_millis(5));
    let client = builder(&server).retry(policy).build().unwrap();
    assert_eq!(client.call::<ListThings>(json!({})).await.unwrap(), json!("done"));
    assert_eq!(logs.text().matches("retrying").count(), 2, "{}", logs.text());
    server.verify().await;

    // Without a policy the first 503 is the answer.
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/test/list_things/"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(1)
        .mount(&server)
        .await;
    let err = builder(&server).build().unwrap().call::<ListThings>(json!({})).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
}

#[tokio::test]
async fn post_is_not_retried_on_503_but_is_on_a_refused_connection() {
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/test/start_thing/"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let policy = RetryPolicy::new(2).backoff(Duration::from_millis(1), Duration::from_millis(1));
    let err = builder(&server).retry(policy.clone()).build().unwrap().call::<StartThing>(json!({})).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    server.verify().await;

    // A port nobody listens on: the request never left, so even a POST may be tried again.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let logs = Logs::default();
    let _guard = logs.install();
    let client = Client::builder()
        .esb_base_url(format!("http://{closed}"))
        .app_code("app")
        .app_secret(SECRET)
        .retry(policy)
        .build()
        .unwrap();
    let err = client.call::<StartThing>(json!({})).await.unwrap_err();
    assert!(matches!(&err, Error::Transport { source, .. } if source.is_connect()), "{err:?}");
    assert_eq!(logs.text().matches("retrying").count(), 2, "{}", logs.text());
}

#[tokio::test]
async fn calls_are_traced_with_their_request_id_and_without_secrets() {
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/test/start_thing/"))
        .respond_with(ok(json!(1)).insert_header("X-Request-Id", "req-42"))
        .mount(&server)
        .await;
    Mock::given(path("/api/c/compapi/v2/test/list_things/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": false, "code": 9, "message": "no"})))
        .mount(&server)
        .await;
    let logs = Logs::default();
    let _guard = logs.install();
    let client = builder(&server).build().unwrap();
    client.call::<StartThing>(json!({"password": "hunter2"})).await.unwrap();
    let err = client.call::<ListThings>(json!({})).await.unwrap_err();
    let text = logs.text();
    assert!(
        text.contains("bkapi.call{system=\"test\" api=\"start_thing\" method=\"POST\" request_id=\"req-42\"}"),
        "{text}"
    );
    assert!(text.contains("api=\"list_things\""), "{text}");
    for secret in [SECRET, TOKEN, "hunter2"] {
        assert!(!text.contains(secret), "`{secret}` reached the logs:\n{text}");
        assert!(!format!("{err} {err:?} {client:?}").contains(secret), "`{secret}` reached an error or Debug");
    }
}

#[tokio::test]
async fn pages_waits_and_the_mock_log_no_secret() {
    use bkapi::prelude::*;
    let mock = bkapi::mock::start().await.unwrap();
    let logs = Logs::default();
    let _guard = logs.install();
    let client = mock.client_builder().app_secret(SECRET).bk_token(TOKEN).build().unwrap();
    let items: Vec<_> = client.cc().search_business_pages(Default::default()).try_collect().await.unwrap();
    assert!(!items.is_empty());
    use bkapi::jobv3::get_job_instance_status::{BkScopeType, GetJobInstanceStatusRequest};
    let request = GetJobInstanceStatusRequest::new(BkScopeType::Biz, "1", 100);
    let policy = bkapi::WaitPolicy::with_deadline(Duration::from_secs(5));
    // The doc's example is a finished job that failed (status 4): the waiter says so, with the final answer.
    let failed = client.jobv3().wait_for_job(request, &policy).await.unwrap_err();
    let status: &bkapi::jobv3::GetJobInstanceStatusResponse = failed.final_answer().expect("the final answer");
    assert_eq!(status.finished, Some(true), "the doc's example is a finished job");
    // A refused call (the mock serves nothing under another base) and a walk that fails.
    let elsewhere = Client::builder()
        .esb_base_url(format!("{}/x", mock.url()))
        .app_code("app")
        .app_secret(SECRET)
        .bk_token(TOKEN)
        .build()
        .unwrap();
    let refused: Vec<_> = elsewhere.cc().search_business_pages(Default::default()).collect().await;
    let Some(Err(err)) = refused.last() else { panic!("{refused:?}") };
    let text = format!("{}\n{err} {err:?} {failed} {failed:?} {client:?} {mock:?}", logs.text());
    assert!(text.contains("bkapi.call{system=\"cc\" api=\"search_business\""), "{text}");
    for secret in [SECRET, TOKEN] {
        assert!(!text.contains(secret), "`{secret}` reached the logs, an error or Debug:\n{text}");
    }
}

#[tokio::test]
async fn the_failure_log_of_an_echoed_request_shows_no_secret() {
    let server = MockServer::start().await;
    // A proxy's error page that echoes the request's body and auth header.
    let echo = |r: &wiremock::Request| {
        let auth = r.headers.get("X-Bkapi-Authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
        ResponseTemplate::new(502).set_body_string(format!("<pre>{auth}\n{}</pre>", String::from_utf8_lossy(&r.body)))
    };
    Mock::given(path("/api/c/compapi/v2/test/start_thing/")).respond_with(echo).mount(&server).await;
    let logs = Logs::default();
    let _guard = logs.install();
    let err = builder(&server).build().unwrap().call::<StartThing>(json!({"password": "pw-123456"})).await.unwrap_err();
    let text = logs.text();
    assert!(text.contains("failed") && text.contains("[redacted]"), "the failure is logged, scrubbed: {text}");
    for secret in [SECRET, TOKEN, "pw-123456"] {
        assert!(!text.contains(secret) && !format!("{err:?}").contains(secret), "`{secret}` in {text}");
    }
}
