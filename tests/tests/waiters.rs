//! Generated waiters (`[waiters.wait_for_job]` in jobv3's and job_v3's `bkapi.toml`) against a local server
//! (wiremock on 127.0.0.1) that reports a job running, running, then ended: a job that succeeded comes back
//! typed; one that failed is `Error::Unsuccessful` holding the typed final status with its steps and hosts; a
//! 502 while polling does not end the wait; a job that never ends is a timeout error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bkapi::prelude::*;
use bkapi::{Client, Error, WaitPolicy};
use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "wait-s3cret";

fn status(finished: bool, job_status: i64, host_status: i64) -> ResponseTemplate {
    let data = json!({
        "finished": finished,
        "job_instance": {"job_instance_id": 100, "status": job_status},
        "step_instance_list": [{
            "step_instance_id": 200,
            "status": job_status,
            "step_ip_result_list": [
                {"bk_host_id": 1, "ip": "10.0.0.1", "bk_cloud_id": 0, "status": 9},
                {"bk_host_id": 2, "ip": "10.0.0.2", "bk_cloud_id": 0, "status": host_status}
            ]
        }]
    });
    ResponseTemplate::new(200).set_body_json(json!({"result": true, "code": 0, "message": "ok", "data": data}))
}

/// Running twice, then `last`.
async fn job_server(route: &str, last: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(route)).respond_with(status(false, 2, 7)).up_to_n_times(2).expect(2).mount(&server).await;
    Mock::given(path(route)).respond_with(last).expect(1).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .esb_base_url(server.uri())
        .gateway_base_url("job_v3", format!("{}/api/bk-job/prod", server.uri()))
        .app_code("app")
        .app_secret(SECRET)
        .bk_username("admin")
        .build()
        .unwrap()
}

fn quick() -> WaitPolicy {
    WaitPolicy {
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        deadline: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn wait_for_job_polls_until_the_job_ends_and_returns_its_final_status() {
    use bkapi::jobv3::get_job_instance_status::{BkScopeType, GetJobInstanceStatusRequest};
    let server = job_server("/api/c/compapi/v2/jobv3/get_job_instance_status/", status(true, 3, 9)).await;
    let request = GetJobInstanceStatusRequest::new(BkScopeType::Biz, "2", 100);
    let done = client(&server).jobv3().wait_for_job(request, &quick()).await.unwrap();
    assert_eq!(done.finished, Some(true));
    // The job's status is the doc's list (`1.未执行; 2.正在执行; 3.执行成功; …`), typed (was a bare `i64`), its
    // variants named by the English doc's labels (`3 - Successful`).
    use bkapi::jobv3::get_job_instance_status::Status;
    let status = done.job_instance.and_then(|j| j.status).unwrap();
    assert_eq!((status, status.code(), status.label()), (Status::Successful, 3, Some("执行成功")));
    server.verify().await;
}

#[test]
fn enum_values_read_from_their_wire_value_name_or_label_and_print_as_sent() {
    use bkapi::jobv3::fast_execute_script::ScriptLanguage;
    use bkapi::jobv3::get_job_instance_status::Status;
    // Either language's label, the variant's name (ASCII case ignored), or the code.
    assert_eq!("执行成功".parse::<Status>().unwrap(), Status::Successful);
    assert_eq!("successful".parse::<Status>().unwrap(), Status::Successful);
    assert_eq!("3".parse::<Status>().unwrap(), Status::Successful);
    assert_eq!("shell".parse::<ScriptLanguage>().unwrap(), ScriptLanguage::Shell);
    assert_eq!("1".parse::<ScriptLanguage>().unwrap().to_string(), "1", "Display is the wire value");
    // An unlisted value is refused, saying what the type takes.
    let err = "shel".parse::<ScriptLanguage>().unwrap_err().to_string();
    assert!(err.contains("`shel` is not a value of `ScriptLanguage`") && err.contains("`1` (shell)"), "{err}");
    assert!("99".parse::<Status>().is_err());
}

#[tokio::test]
async fn a_failed_job_is_an_error_that_holds_the_final_status_and_the_hosts_that_failed_through_the_gateway_too() {
    use bkapi::job_v3::get_job_instance_status::{
        BkScopeType, GetJobInstanceStatusRequest, GetJobInstanceStatusResponse,
    };
    let server = job_server("/api/bk-job/prod/api/v3/get_job_instance_status", status(true, 4, 11)).await;
    let request = GetJobInstanceStatusRequest::new(BkScopeType::Biz, "2", 100);
    let err = client(&server).job_v3().wait_for_job(request, &quick()).await.unwrap_err();
    assert!(matches!(err, Error::Unsuccessful { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "job_v3.get_job_instance_status: finished without success: `job_instance.status` is 4, not 3"
    );
    assert!(!err.is_retryable());
    // The final answer, typed: which hosts failed.
    let done: &GetJobInstanceStatusResponse = err.final_answer().expect("the final answer comes with the error");
    assert_eq!(done.job_instance.as_ref().and_then(|j| j.status.as_ref()).map(|s| s.code()), Some(4));
    let failed: Vec<Option<&str>> = done
        .step_instance_list
        .iter()
        .flatten()
        .flat_map(|s| s.step_ip_result_list.iter().flatten())
        .filter(|h| h.status.map(|s| s.code()) != Some(9))
        .map(|h| h.ip.as_deref())
        .collect();
    assert_eq!(failed, [Some("10.0.0.2")]);
    server.verify().await;
}

#[tokio::test]
async fn a_poll_that_meets_a_502_goes_on_polling_a_status_read() {
    use bkapi::jobv3::get_job_instance_status::{BkScopeType, GetJobInstanceStatusRequest};
    let route = "/api/c/compapi/v2/jobv3/get_job_instance_status/";
    let server = MockServer::start().await;
    // Running, then a proxy's 502, then done. The API is a POST the metadata marks idempotent (a read).
    Mock::given(path(route)).respond_with(status(false, 2, 7)).up_to_n_times(1).expect(1).mount(&server).await;
    Mock::given(path(route))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(route)).respond_with(status(true, 3, 9)).expect(1).mount(&server).await;
    const { assert!(<bkapi::jobv3::endpoints::GetJobInstanceStatus as bkapi::Endpoint>::IDEMPOTENT) };
    let request = GetJobInstanceStatusRequest::new(BkScopeType::Biz, "2", 100);
    let done = client(&server).jobv3().wait_for_job(request, &quick()).await.unwrap();
    assert_eq!(done.job_instance.and_then(|j| j.status).map(|s| s.code()), Some(3));
    server.verify().await;
}

#[tokio::test]
async fn a_job_that_never_ends_is_a_timeout_error_without_secrets() {
    use bkapi::jobv3::get_job_instance_status::{BkScopeType, GetJobInstanceStatusRequest};
    let server = MockServer::start().await;
    Mock::given(path("/api/c/compapi/v2/jobv3/get_job_instance_status/"))
        .respond_with(status(false, 2, 7))
        .mount(&server)
        .await;
    let policy = WaitPolicy { deadline: Duration::from_millis(60), ..quick() };
    let request = GetJobInstanceStatusRequest::new(BkScopeType::Biz, "2", 100);
    let err = client(&server).jobv3().wait_for_job(request, &policy).await.unwrap_err();
    let Error::Timeout { api, calls, .. } = &err else { panic!("expected a timeout, got {err:?}") };
    assert_eq!(*api, "jobv3.get_job_instance_status");
    assert!(*calls >= 2, "it polled: {calls}");
    let text = format!("{err} {err:?}");
    assert!(!text.contains(SECRET) && text.contains("still not done"), "{text}");
    let requests = server.received_requests().await.unwrap_or_default();
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["job_instance_id"], 100, "the same request each time");
}

#[test]
fn the_blocking_client_waits_too() {
    use bkapi::jobv3::get_job_instance_status::{BkScopeType, GetJobInstanceStatusRequest};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(job_server("/api/c/compapi/v2/jobv3/get_job_instance_status/", status(true, 3, 9)));
    let client =
        Client::builder().esb_base_url(server.uri()).app_code("app").app_secret(SECRET).build_blocking().unwrap();
    let request = GetJobInstanceStatusRequest::new(BkScopeType::Biz, "2", 100);
    let done = client.jobv3().wait_for_job(request, &quick()).unwrap();
    assert_eq!(done.finished, Some(true));
    runtime.block_on(server.verify());
}
