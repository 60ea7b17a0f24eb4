//! Nothing the server sends is lost, one odd record does not fail a call, and a request read from JSON never
//! drops a key: the generated types against a local server (wiremock on 127.0.0.1).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bkapi::Client;
use bkapi::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .esb_base_url(server.uri())
        .app_code("test-app")
        .app_secret("s3cret-value")
        .bk_username("admin")
        .build()
        .unwrap()
}

async fn answering(route: &str, data: Value) -> MockServer {
    let server = MockServer::start().await;
    let body = json!({"result": true, "code": 0, "message": "success", "data": data});
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn attributes_a_request_s_fields_ask_for_come_back_though_the_doc_does_not_list_them() {
    use bkapi::cc::ListBizHostsRequest;
    use bkapi::cc::list_biz_hosts::Page;
    // `Info` lists the host attributes CMDB documents; CMDB returns the attributes `fields` names, and each
    // installation adds its own (here a list and a number).
    let host =
        json!({"bk_host_id": 1, "bk_host_name": "web-1", "bk_custom_owners": ["admin", "ops"], "bk_custom_rack": 7});
    let server = answering("/api/c/compapi/v2/cc/list_biz_hosts/", json!({"count": 1, "info": [host]})).await;
    let fields =
        vec!["bk_host_id".to_string(), "bk_host_name".into(), "bk_custom_owners".into(), "bk_custom_rack".into()];
    let request = ListBizHostsRequest::new(Page::new(0, 10), 2, fields);
    let answer = client(&server).cc().list_biz_hosts(request).await.unwrap();
    let info = answer.info.unwrap();
    let host = info.first().unwrap();
    assert_eq!(host.bk_host_id, Some(1));
    assert_eq!(host.bk_host_name.as_deref(), Some("web-1"));
    assert_eq!(host.extra.get::<Vec<String>>("bk_custom_owners").unwrap().unwrap(), ["admin", "ops"]);
    assert_eq!(host.extra.get::<i64>("bk_custom_rack").unwrap().unwrap(), 7);
    // Written back unchanged (serde goes through the same reader and writer).
    let back = serde_json::to_value(host).unwrap();
    assert_eq!(
        back,
        json!({"bk_host_id": 1, "bk_host_name": "web-1", "bk_custom_owners": ["admin", "ops"], "bk_custom_rack": 7})
    );
}

#[tokio::test]
async fn one_record_lacking_a_required_field_does_not_fail_the_call_and_says_it_was_absent() {
    use bkapi::nodeman::ListHostsRequest;
    // nodeman's host search: the doc calls 16 fields of each item required; one agent record lacks its name.
    let full = json!({"bk_cloud_id": 0, "bk_biz_id": 2, "bk_host_id": 1, "bk_host_name": "a", "bk_addressing": 0,
        "os_type": "LINUX", "inner_ip": "10.0.0.1", "inner_ipv6": "", "outer_ip": "", "outer_ipv6": "", "login_ip": "",
        "data_ip": "", "status": "RUNNING", "version": "2.0", "is_manual": false, "ap_id": 1,
        "created_at": "2024-01-01 00:00:00", "updated_at": "2024-01-01 00:00:00", "extra_data": {}});
    let mut odd = full.clone();
    odd.as_object_mut().unwrap().remove("bk_host_name");
    let server =
        answering("/api/c/compapi/v2/nodeman/api/host/search/", json!({"total": 2, "list": [full, odd]})).await;
    let answer = client(&server).nodeman().list_hosts(ListHostsRequest::default()).await.unwrap();
    let list = answer.list.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!((list[0].bk_host_name.as_str(), list[0].extra.absent()), ("a", &[][..]));
    assert_eq!(list[1].bk_host_name, "", "the type's empty value");
    assert!(list[1].extra.was_absent("bk_host_name"), "{:?}", list[1].extra);
}

#[test]
fn a_request_read_from_json_refuses_a_misspelled_field_and_keeps_an_unlisted_one() {
    use bkapi::jobv3::FastExecuteScriptRequest;
    let base = json!({"bk_scope_type": "biz", "bk_scope_id": "2", "account_alias": "root"});
    let with = |key: &str| {
        let mut v = base.clone();
        v.as_object_mut().unwrap().insert(key.into(), json!("x"));
        serde_json::from_value::<FastExecuteScriptRequest>(v)
    };
    let err = with("script_contnet").unwrap_err().to_string();
    assert!(err.contains("unknown field `script_contnet`: did you mean `script_content`?"), "{err}");
    // Far from every listed key: an attribute the doc does not list, kept and sent.
    let request = with("custom_trace_tag").unwrap();
    assert_eq!(request.extra.get::<String>("custom_trace_tag").unwrap().unwrap(), "x");
    assert_eq!(serde_json::to_value(&request).unwrap()["custom_trace_tag"], "x");
}

#[test]
fn a_request_with_many_required_fields_is_built_by_naming_them() {
    use bkapi::jobv3::CreateAccountRequest;
    use bkapi::jobv3::create_account::{BkScopeType, Type};
    // `new(BkScopeType::Biz, "2", "root", Type::Linux, 1)` takes them by position; the builder names each.
    let built = CreateAccountRequest::builder()
        .bk_scope_type(BkScopeType::Biz)
        .bk_scope_id("2")
        .account("root")
        .r#type(Type::Linux)
        .category(1)
        .build()
        .unwrap();
    assert_eq!(built, CreateAccountRequest::new(BkScopeType::Biz, "2", "root", Type::Linux, 1));
    let err = CreateAccountRequest::builder().bk_scope_type(BkScopeType::Biz).account("root").build().unwrap_err();
    assert_eq!(err.to_string(), "missing field `bk_scope_id`");
}

#[test]
fn serde_json_comes_with_the_crate() {
    let value: bkapi::serde_json::Value = bkapi::serde_json::json!({"bk_biz_id": 2});
    assert_eq!(value["bk_biz_id"], 2);
}

#[test]
fn a_filter_value_takes_a_list_where_the_operator_wants_one() {
    use bkapi::cc::list_biz_hosts::{HostPropertyFilter, Rules};
    // `value | - | 操作数 | 不同的operator对应不同的value格式`: `bk_host_id in [1, 2]` (was a `String`).
    let rule = Rules::default().field("bk_host_id").operator("in").value(json!([1, 2]));
    let filter = HostPropertyFilter::default().condition("AND").rules(vec![rule]);
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({"condition": "AND", "rules": [{"field": "bk_host_id", "operator": "in", "value": [1, 2]}]})
    );
}
