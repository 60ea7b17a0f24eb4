//! `bkapi::mock`: every API of `api-docs/` called through the generated client against the mock gets its doc's
//! response example back, decoded; requests the types refuse (an unknown field, a wrong type, a missing
//! required field) are a 400 naming the field; the blocking client and a gateway system work the same; nothing
//! the mock prints shows the secret.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bkapi::mock::MockBlueKing;
use bkapi::prelude::*;
use bkapi::wire::Wire;
use bkapi::{Client, Endpoint, EndpointVisitor, Error};
use bkapi_codegen::ir::{ExampleKind, Ir, ParamLocation, System, Type, TypeKind, request_params, response_data};
use bkapi_tests::{find, load};
use serde_json::{Map, Value, json};

/// A request of `ty` with every required field: the smallest value the types accept.
fn sample(system: &System, ty: &Type, depth: usize) -> Value {
    match ty {
        Type::String => json!("x"),
        Type::Integer => json!(1),
        Type::Number => json!(1.5),
        Type::Boolean => json!(true),
        Type::Json | Type::Map(_) => json!({}),
        Type::Array(item) if depth < 8 => json!([sample(system, item, depth + 1)]),
        Type::Array(_) => json!([]),
        Type::Named(name) => match system.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields }) if depth < 8 => Value::Object(
                fields
                    .iter()
                    .filter(|f| f.required || f.location == ParamLocation::Path)
                    .map(|f| (f.name.clone(), sample(system, &f.ty, depth + 1)))
                    .collect(),
            ),
            Some(TypeKind::Enum { values, repr, .. }) => match (values.first(), repr) {
                (Some(v), bkapi_codegen::ir::EnumRepr::Integer) => v.value.parse::<i64>().map_or(json!(0), Value::from),
                (Some(v), _) => json!(v.value),
                (None, _) => json!("x"),
            },
            _ => json!({}),
        },
    }
}

/// Calls every API through the generated client and compares each answer with the doc's example.
struct EveryApi<'a> {
    ir: Ir,
    runtime: &'a tokio::runtime::Runtime,
    client: &'a Client,
    called: usize,
    /// Answers that came back equal to the doc's example decoded by the same types.
    same: usize,
    /// Doc examples the types cannot decode (accepted drift): the call's `Decode` error says so too.
    undecodable: Vec<String>,
    failures: Vec<String>,
}

impl EndpointVisitor for EveryApi<'_> {
    fn visit<E: Endpoint>(&mut self) {
        let (system, api) = find(&self.ir, E::SYSTEM, E::NAME);
        let credentials = system.credential_parameters(api);
        let from_example = api
            .example(ExampleKind::Request)
            .and_then(|e| e.value.as_ref())
            // An example the API's own validation would refuse (a key or a value its doc does not list, which the
            // types keep and send) gives way to the sample, as below.
            .and_then(|v| bkapi::wire::checking(|| E::Request::from_wire(request_params(v, &credentials))).ok())
            // A body example does not carry the path: then the path parameters come from the sample.
            .filter(|r| E::PATH_PARAMS.iter().all(|p| r.to_wire().get(*p).is_some_and(|v| !v.is_null())));
        let request = from_example
            .or_else(|| E::Request::from_wire(sample(system, &Type::Named(api.request.clone()), 0)).ok())
            .unwrap_or_else(|| panic!("{}: no request the types accept", E::ID));
        self.called += 1;
        let answer = self.runtime.block_on(self.client.call::<E>(request));
        let expected = api
            .examples
            .iter()
            .filter(|e| e.kind == ExampleKind::Response)
            .filter_map(|e| e.value.as_ref())
            .find(|v| !bkapi_codegen::ir::is_error_response(v))
            .map_or(Value::Null, |v| response_data(v).clone());
        let decoded_doc =
            bkapi::decode_response::<E>(&json!({"result": true, "code": 0, "data": expected}).to_string());
        match (answer, decoded_doc) {
            (Ok(got), Ok(doc)) if got.to_wire() == doc.to_wire() => self.same += 1,
            (Err(Error::Decode { .. }), Err(Error::Decode { .. })) => self.undecodable.push(E::ID.to_string()),
            (got, doc) => {
                let show =
                    |r: Result<E::Response, Error>| r.map(|v| v.to_wire().to_string()).map_err(|e| e.to_string());
                self.failures.push(format!("{}: got {:?}, doc decodes to {:?}", E::ID, show(got), show(doc)));
            }
        }
    }
}

#[test]
fn every_api_answers_its_docs_example_through_the_generated_client() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mock = runtime.block_on(bkapi::mock::start()).unwrap();
    let client = mock.client_builder().bk_username("admin").build().unwrap();
    let mut visitor = EveryApi {
        ir: load(true).ir,
        runtime: &runtime,
        client: &client,
        called: 0,
        same: 0,
        undecodable: Vec::new(),
        failures: Vec::new(),
    };
    bkapi::visit_endpoints(&mut visitor);
    eprintln!(
        "mock: {} APIs called, {} answered their doc's example, {} examples the types cannot decode: {:?}",
        visitor.called,
        visitor.same,
        visitor.undecodable.len(),
        visitor.undecodable
    );
    assert!(visitor.failures.is_empty(), "{}", visitor.failures.join("\n"));
    assert_eq!(visitor.called, bkapi::mock::routes().len(), "one call per API the mock serves");
    assert!(visitor.same * 100 >= visitor.called * 97, "{} of {}", visitor.same, visitor.called);
    let received = runtime.block_on(mock.received());
    assert_eq!(received.len(), visitor.called, "each call reached the mock once");
}

async fn post(mock: &MockBlueKing, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new().post(format!("{}{path}", mock.url())).json(&body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

const SEARCH_BUSINESS: &str = "/api/c/compapi/v2/cc/search_business/";

#[tokio::test]
async fn a_request_the_types_refuse_is_a_400_naming_the_field() {
    let mock = bkapi::mock::start().await.unwrap();
    let auth = |mut body: Value| {
        body["bk_app_code"] = json!("app");
        body["bk_app_secret"] = json!("s");
        body
    };
    let (status, body) = post(&mock, SEARCH_BUSINESS, auth(json!({"page": {"start": 0, "limit": 10}}))).await;
    assert_eq!((status, body["result"].clone()), (200, json!(true)), "{body}");

    let (status, body) = post(&mock, SEARCH_BUSINESS, auth(json!({"bogus": 1}))).await;
    assert_eq!(status, 400);
    assert_eq!(body["result"], json!(false));
    assert!(body["message"].as_str().unwrap().contains("field `bogus`: unknown field"), "{body}");

    let (status, body) = post(&mock, SEARCH_BUSINESS, auth(json!({"page": {"start": "first", "limit": 10}}))).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("field `page.start`"), "{body}");

    let (status, body) = post(&mock, SEARCH_BUSINESS, auth(json!({"page": {"start": 0, "limit": 10, "x": 1}}))).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("field `page.x`: unknown field"), "{body}");

    let (status, body) =
        post(&mock, "/api/c/compapi/v2/jobv3/fast_execute_script/", auth(json!({"bk_scope_type": "biz"}))).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("bk_scope_id"), "a missing required field: {body}");

    // A value the docs do not list, which the type would keep as `Unknown(…)`, is refused like a wrong type.
    let script =
        auth(json!({"bk_scope_type": "biz", "bk_scope_id": "2", "account_alias": "root", "script_language": 99}));
    let (status, body) = post(&mock, "/api/c/compapi/v2/jobv3/fast_execute_script/", script.clone()).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("field `script_language`: unknown value `99`"), "{body}");
    let mut listed = script;
    listed["script_language"] = json!(1);
    let (status, body) = post(&mock, "/api/c/compapi/v2/jobv3/fast_execute_script/", listed).await;
    assert_eq!(status, 200, "{body}");

    let (status, _) = post(&mock, "/api/c/compapi/v2/cc/no_such_api/", json!({})).await;
    assert_eq!(status, 404);
}

/// A gateway API whose body is a JSON list (IAM's `system_add_actions`; no API of `api-docs/` has one yet).
struct AddItems;

impl Endpoint for AddItems {
    type Request = Value;
    type Response = Value;
    const SYSTEM: &'static str = "gw";
    const NAME: &'static str = "add_items";
    const ID: &'static str = "gw.add_items";
    const METHOD: bkapi::Method = bkapi::Method::Post;
    const PATH: &'static str = "/api/v1/systems/{system_id}/items/";
    const FLAVOR: bkapi::Flavor = bkapi::Flavor::Gateway;
    const PATH_PARAMS: &'static [&'static str] = &["system_id"];
    const QUERY_PARAMS: &'static [&'static str] = &[];
    const LIST_BODY: Option<&'static str> = Some("items");
}

#[tokio::test]
async fn the_mock_reads_a_list_body_as_the_request_s_list_and_refuses_an_object() {
    let mock = MockBlueKing::start(vec![bkapi::mock::Route::of::<AddItems>("{}")], None).await.unwrap();
    let path = "/api/gw/prod/api/v1/systems/demo/items/";
    let (status, body) = post(&mock, path, json!([{"id": "view"}, {"id": "edit"}])).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(&mock, path, json!({"id": "view"})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("not a JSON list (the API takes the list `items`)"), "{body}");
}

#[tokio::test]
async fn the_client_sees_a_refusal_as_an_api_error() {
    let mock = bkapi::mock::start().await.unwrap();
    let client = mock.client_builder().bk_username("admin").build().unwrap();
    // Through the gateway: job_v3 is served at /api/bk-job/{stage}/…, found by the gateway URL template.
    use bkapi::job_v3::get_job_instance_status::{BkScopeType, GetJobInstanceStatusRequest};
    let status = client
        .job_v3()
        .get_job_instance_status(GetJobInstanceStatusRequest::new(BkScopeType::Biz, "1", 100))
        .await
        .unwrap();
    assert!(status.finished.is_some(), "the doc's example: {status:?}");
    // A path the mock does not serve (a client built for another base) is refused, and says where.
    let elsewhere = Client::builder()
        .esb_base_url(format!("{}/elsewhere", mock.url()))
        .app_code("app")
        .app_secret("mock-secret")
        .build()
        .unwrap();
    let err = elsewhere.cc().search_business(Default::default()).await.unwrap_err();
    let Error::Api { code, message, .. } = &err else { panic!("{err:?}") };
    assert_eq!(code, "1306404");
    assert!(message.contains("no API at POST /elsewhere/api/c/compapi/v2/cc/search_business/"), "{message}");
    let text = format!("{err} {err:?} {mock:?}");
    assert!(!text.contains("mock-secret"), "{text}");
    let received = mock.received().await;
    assert!(received.iter().any(|r| r.url.path() == "/api/bk-job/prod/api/v3/get_job_instance_status"));
}

#[test]
fn the_blocking_client_works_against_the_mock() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mock = runtime.block_on(bkapi::mock::start()).unwrap();
    let client = mock.client_builder().bk_username("admin").build_blocking().unwrap();
    let page: Map<String, Value> = match client.cc().search_business(Default::default()).unwrap().to_wire() {
        Value::Object(map) => map,
        other => panic!("{other}"),
    };
    let loaded = load(true);
    let (_, api) = find(&loaded.ir, "cc", "search_business");
    let doc = bkapi::decode_response::<bkapi::cc::endpoints::SearchBusiness>(
        &json!({"result": true, "data": bkapi_tests::response_example_data(api)}).to_string(),
    )
    .unwrap();
    assert_eq!(Value::Object(page), doc.to_wire());
}

#[tokio::test]
async fn a_test_scripts_an_api_s_answers_a_job_running_a_proxy_error_then_done_then_a_refusal() {
    use bkapi::jobv3::endpoints::GetJobInstanceStatus;
    use bkapi::jobv3::get_job_instance_status::{BkScopeType, GetJobInstanceStatusRequest};
    use bkapi::mock::MockAnswer;
    let mock = bkapi::mock::start().await.unwrap();
    let job = |finished: bool, status: i64| {
        MockAnswer::Data(json!({"finished": finished, "job_instance": {"job_instance_id": 7, "status": status}}))
    };
    let bad_gateway = MockAnswer::Http { status: 502, body: "<html>Bad Gateway</html>".into() };
    let refused = MockAnswer::Refuse { code: 1240002, message: "job not found".into() };
    let slow = MockAnswer::Delayed(std::time::Duration::from_secs(2), Box::new(job(true, 3)));
    mock.answer::<GetJobInstanceStatus>([job(false, 2), bad_gateway, job(true, 3), refused, slow]);
    let client = mock.client_builder().bk_username("admin").build().unwrap();
    let request = GetJobInstanceStatusRequest::new(BkScopeType::Biz, "2", 7);
    let policy = bkapi::WaitPolicy {
        first_delay: std::time::Duration::from_millis(5),
        max_delay: std::time::Duration::from_millis(10),
        deadline: std::time::Duration::from_secs(5),
    };
    let done = client.jobv3().wait_for_job(request.clone(), &policy).await.unwrap();
    assert_eq!(done.job_instance.and_then(|j| j.status).map(|s| s.code()), Some(3));
    let err = client.jobv3().get_job_instance_status(request.clone()).await.unwrap_err();
    assert_eq!((err.code(), err.to_string().contains("job not found")), (Some("1240002"), true), "{err}");
    let hurried = client.with_timeout(std::time::Duration::from_millis(100));
    let err = hurried.jobv3().get_job_instance_status(request.clone()).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    // The queue is empty: the doc's example again.
    let example = client.jobv3().get_job_instance_status(request).await.unwrap();
    assert_eq!(example.finished, Some(true));
    assert_eq!(mock.received().await.len(), 6);
}
