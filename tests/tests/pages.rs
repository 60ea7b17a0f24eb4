//! The generated `…_pages` methods against a local server (wiremock on 127.0.0.1) that pages a list the test
//! controls: 0, 1 and several pages; the doc's page-size limit; a total that grows during the walk; an error on
//! page 3; a server that ignores the page asked for; the three ways BlueKing pages (CMDB `page: {start, limit}`
//! → `{count, info}`, JOB `start` / `length` → `{data, total}`, ITSM `page` / `page_size` → `{count, items}`);
//! and the blocking `Iterator`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bkapi::prelude::*;
use bkapi::{Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SECRET: &str = "pages-s3cret";
const SEARCH_BUSINESS: &str = "/api/c/compapi/v2/cc/search_business/";

/// Where a request asks its page to start and how long it may be, read as the server reads it.
fn asked(request: &Request) -> (u64, u64) {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
    let int = |v: &Value| v.as_u64().unwrap_or(0);
    if body["page"].is_object() {
        (int(&body["page"]["start"]), int(&body["page"]["limit"]))
    } else if body["page"].is_u64() {
        let size = int(&body["page_size"]);
        ((int(&body["page"]).max(1) - 1) * size, size)
    } else {
        (int(&body["start"]), int(&body["length"]))
    }
}

/// A CMDB-style list: `total(call)` items named `b0`, `b1`, …; `fail_on` answers that call with an error;
/// `ignore_start` answers every call with the first page.
struct Businesses {
    calls: AtomicUsize,
    total: fn(usize) -> u64,
    fail_on: Option<usize>,
    ignore_start: bool,
}

impl Businesses {
    fn new(total: fn(usize) -> u64) -> Self {
        Businesses { calls: AtomicUsize::new(0), total, fail_on: None, ignore_start: false }
    }
}

impl Respond for Businesses {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if self.fail_on == Some(call) {
            return ResponseTemplate::new(200)
                .set_body_json(json!({"result": false, "code": 1199000, "message": "busy", "data": null}));
        }
        let (start, limit) = asked(request);
        let start = if self.ignore_start { 0 } else { start };
        let total = (self.total)(call);
        let info: Vec<Value> = (start..total.min(start + limit))
            .map(|i| json!({"bk_biz_id": i, "bk_biz_name": format!("b{i}")}))
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"result": true, "code": 0, "message": "", "data": {"count": total, "info": info}}))
    }
}

async fn serve(route: &str, responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(route)).respond_with(responder).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .esb_base_url(server.uri())
        .app_code("app")
        .app_secret(SECRET)
        .bk_username("admin")
        .build()
        .unwrap()
}

fn search(limit: Option<i64>) -> bkapi::cc::search_business::SearchBusinessRequest {
    use bkapi::cc::search_business::{Page, SearchBusinessRequest};
    let request = SearchBusinessRequest::default().bk_supplier_account("0".to_string());
    match limit {
        Some(limit) => request.page(Page::new(0, limit)),
        None => request,
    }
}

async fn pages_asked(server: &MockServer) -> Vec<(u64, u64)> {
    server.received_requests().await.unwrap_or_default().iter().map(asked).collect()
}

fn names(items: &[bkapi::cc::search_business::Info]) -> Vec<String> {
    items.iter().map(|i| i.bk_biz_name.clone().unwrap_or_default()).collect()
}

#[tokio::test]
async fn an_empty_list_is_one_call_and_no_item() {
    let server = serve(SEARCH_BUSINESS, Businesses::new(|_| 0)).await;
    let items: Vec<_> = client(&server).cc().search_business_pages(search(None)).try_collect().await.unwrap();
    assert!(items.is_empty());
    assert_eq!(pages_asked(&server).await, vec![(0, 200)], "one page of the doc's maximum (最大200)");
}

#[tokio::test]
async fn a_list_shorter_than_a_page_is_one_call() {
    let server = serve(SEARCH_BUSINESS, Businesses::new(|_| 3)).await;
    let items: Vec<_> = client(&server).cc().search_business_pages(search(Some(10))).try_collect().await.unwrap();
    assert_eq!(names(&items), ["b0", "b1", "b2"]);
    assert_eq!(pages_asked(&server).await, vec![(0, 10)]);
}

#[tokio::test]
async fn several_pages_come_in_order_and_stop_at_the_total() {
    let server = serve(SEARCH_BUSINESS, Businesses::new(|_| 450)).await;
    let items: Vec<_> = client(&server).cc().search_business_pages(search(Some(100))).try_collect().await.unwrap();
    assert_eq!(names(&items), (0..450).map(|i| format!("b{i}")).collect::<Vec<_>>());
    assert_eq!(pages_asked(&server).await, vec![(0, 100), (100, 100), (200, 100), (300, 100), (400, 100)]);
}

#[tokio::test]
async fn a_page_larger_than_the_doc_allows_is_capped() {
    let server = serve(SEARCH_BUSINESS, Businesses::new(|_| 450)).await;
    let items: Vec<_> = client(&server).cc().search_business_pages(search(Some(1000))).try_collect().await.unwrap();
    assert_eq!(items.len(), 450);
    assert_eq!(pages_asked(&server).await, vec![(0, 200), (200, 200), (400, 200)]);
}

#[tokio::test]
async fn a_total_that_grows_during_the_walk_is_followed() {
    let server = serve(SEARCH_BUSINESS, Businesses::new(|call| if call == 1 { 25 } else { 35 })).await;
    let items: Vec<_> = client(&server).cc().search_business_pages(search(Some(10))).try_collect().await.unwrap();
    assert_eq!(items.len(), 35, "the latest total counts");
    assert_eq!(pages_asked(&server).await.len(), 4);
}

#[tokio::test]
async fn an_error_on_page_3_ends_the_stream_after_the_items_before_it() {
    let list = Businesses { fail_on: Some(3), ..Businesses::new(|_| 100) };
    let server = serve(SEARCH_BUSINESS, list).await;
    let client = client(&server);
    let results: Vec<Result<_, Error>> = client.cc().search_business_pages(search(Some(10))).collect().await;
    assert_eq!(results.len(), 21, "20 items, then the error, then nothing");
    assert!(results[..20].iter().all(Result::is_ok));
    let Some(Err(Error::Api { api, code, .. })) = results.last() else { panic!("{:?}", results.last()) };
    assert_eq!((*api, code.as_str()), ("cc.search_business", "1199000"));
    assert_eq!(pages_asked(&server).await.len(), 3, "no call after the failing page");
    let text = format!("{results:?}");
    assert!(!text.contains(SECRET), "{text}");
}

#[tokio::test]
async fn a_server_that_ignores_start_ends_the_walk_instead_of_looping() {
    let list = Businesses { ignore_start: true, ..Businesses::new(|_| 25) };
    let server = serve(SEARCH_BUSINESS, list).await;
    let client = client(&server);
    let results: Vec<Result<_, Error>> = client.cc().search_business_pages(search(Some(10))).collect().await;
    assert_eq!(results.len(), 11, "the first page once, then the error");
    let Some(Err(error @ Error::Paging { page: 2, .. })) = results.last() else { panic!("{:?}", results.last()) };
    assert!(error.to_string().contains("ignores the page asked for"), "{error}");
    assert_eq!(pages_asked(&server).await.len(), 2);
}

/// JOB: `start` / `length` beside the other parameters, `{data: [...], start, length, total}`.
struct JobInstances;

impl Respond for JobInstances {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let (start, length) = asked(request);
        let total = 2500;
        let data: Vec<Value> =
            (start..total.min(start + length)).map(|i| json!({"id": i, "name": format!("job{i}")})).collect();
        ResponseTemplate::new(200).set_body_json(json!({"result": true, "code": 0, "data": {
            "data": data, "start": start, "length": length, "total": total
        }}))
    }
}

#[tokio::test]
async fn job_instances_are_walked_by_start_and_length() {
    use bkapi::jobv3::get_job_instance_list::{BkScopeType, GetJobInstanceListRequest};
    let server = serve("/api/c/compapi/v2/jobv3/get_job_instance_list/", JobInstances).await;
    let request = GetJobInstanceListRequest::new(BkScopeType::Biz, "1".to_string(), 0, 1);
    let client = client(&server);
    let items: Vec<_> = client.jobv3().get_job_instance_list_pages(request).try_collect().await.unwrap();
    assert_eq!(items.len(), 2500);
    assert_eq!(items[1234].id, Some(1234));
    let asked = pages_asked(&server).await;
    assert_eq!(asked, vec![(0, 1000), (1000, 1000), (2000, 1000)], "JOB's maximum (最大1000) when unset");
    let first: Value = serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(first["bk_scope_id"], "1", "the request's own parameters go with every page");
}

/// ITSM: numbered pages from 1, `{count, items, page, total_page, next, previous}`.
struct Tickets;

impl Respond for Tickets {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let (start, size) = asked(request);
        let count = 25;
        let items: Vec<Value> = (start..count.min(start + size)).map(|i| json!({"sn": format!("NO{i}")})).collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"result": true, "code": 0, "data": {"count": count, "items": items}}))
    }
}

#[tokio::test]
async fn tickets_are_walked_by_page_number() {
    use bkapi::itsm::get_tickets::GetTicketsRequest;
    let server = serve("/api/c/compapi/v2/itsm/get_tickets/", Tickets).await;
    let request = GetTicketsRequest::default().page_size(10);
    let client = client(&server);
    let items: Vec<_> = client.itsm().get_tickets_pages(request).try_collect().await.unwrap();
    let sns: Vec<_> = items.iter().map(|t| t.sn.clone().unwrap_or_default()).collect();
    assert_eq!(sns, (0..25).map(|i| format!("NO{i}")).collect::<Vec<_>>());
    let bodies = server.received_requests().await.unwrap();
    let numbers: Vec<Value> =
        bodies.iter().map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["page"].clone()).collect();
    assert_eq!(numbers, [json!(1), json!(2), json!(3)]);
}

#[test]
fn the_blocking_client_walks_pages_as_an_iterator() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let list = Businesses { fail_on: Some(3), ..Businesses::new(|_| 100) };
    let server = Arc::new(runtime.block_on(serve(SEARCH_BUSINESS, list)));
    let client =
        Client::builder().esb_base_url(server.uri()).app_code("app").app_secret(SECRET).build_blocking().unwrap();
    let mut pages = client.cc().search_business_pages(search(Some(10)));
    let first: Vec<_> = pages.by_ref().take(20).collect::<Result<_, _>>().unwrap();
    assert_eq!(names(&first)[19], "b19");
    assert!(matches!(pages.next(), Some(Err(Error::Api { .. }))));
    assert!(pages.next().is_none(), "nothing after the error");
    assert_eq!(runtime.block_on(pages_asked(&server)).len(), 3);
}
