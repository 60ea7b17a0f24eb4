//! Bodies that are not an envelope: an API whose request body is a JSON list sends the list alone, with its path
//! parameters in the path and the credentials in the header, and nothing set beside the list is dropped
//! silently; a gateway API that answers its data bare (a list, or an object whose own `code` is no status) is
//! read as that data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bkapi_runtime::Error;
mod common;
use common::fake::{AddItems, SECRET, builder};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_list_body_is_sent_as_the_whole_body_with_the_credentials_in_the_header() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}}))).mount(&server).await;
    let client = builder(&server).build().unwrap();
    let items = json!([{"id": "view"}, {"id": "edit"}]);
    client.call::<AddItems>(json!({"system_id": "demo", "items": items.clone()})).await.unwrap();
    let seen = server.received_requests().await.unwrap();
    let request = seen.first().expect("one call");
    assert_eq!(request.url.path(), "/api/gw/prod/api/v1/systems/demo/items/");
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, items, "the list alone, no credentials in it");
    let auth = request.headers.get("X-Bkapi-Authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(auth.contains(SECRET), "the credentials are in the header");
}

#[tokio::test]
async fn a_key_set_beside_the_list_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}}))).mount(&server).await;
    let client = builder(&server).build().unwrap();
    let err = client.call::<AddItems>(json!({"system_id": "demo", "items": [], "note": "x"})).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest { message, .. } if message.contains("`note`")), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing sent");
}

#[tokio::test]
async fn data_answered_bare_is_the_data_even_with_a_code_of_its_own() {
    for body in [json!([{"id": "default", "is_default": true}]), json!({"code": "batman", "name": "蝙蝠侠"})] {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(body.clone())).mount(&server).await;
        let client = builder(&server).build().unwrap();
        let data = client.call::<AddItems>(json!({"system_id": "demo", "items": []})).await.unwrap();
        assert_eq!(data, body, "the body is the data");
    }
}

#[tokio::test]
async fn an_envelope_that_says_no_is_still_an_api_error() {
    for body in [
        json!({"result": false, "code": 1306, "message": "no", "data": null}),
        json!({"code": 9, "message": "no"}),
        json!({"error": {"code": "NOT_FOUND", "message": "no"}}),
    ] {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(body.clone())).mount(&server).await;
        let client = builder(&server).build().unwrap();
        let err = client.call::<AddItems>(json!({"system_id": "demo", "items": []})).await.unwrap_err();
        assert!(matches!(err, Error::Api { .. }), "{body}: {err}");
    }
}
