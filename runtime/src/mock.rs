//! A mock BlueKing (feature `mock`): a local HTTP server on 127.0.0.1 that answers each API it is given with
//! its doc's response example, after checking the request against the API's generated request type — an
//! unknown field or a value of the wrong type is a 400 that names it, as the real API would refuse it. For
//! testing automation without a BlueKing installation; `bkapi::mock::start()` serves every API of the systems
//! enabled, `cargo xtask mock --port N` does so as a process for clients in other languages.
//!
//! Where APIs are served: ESB APIs at their path (`/api/c/compapi/v2/cc/search_business/`), so the server's
//! URL is the ESB base URL; gateway APIs at `/api/{gateway}/{stage}/{path}` (`/api/bk-job/prod/api/v3/…`; any
//! stage), so `{url}/api/{api_name}` is the gateway URL template (systems whose docs name no gateway: their
//! system name stands for it). Requests are read as the real servers read them: the JSON body, the query
//! string (a nested value as its JSON text) and the path parameters; the authentication fields are not
//! checked. Every request is kept: [`MockBlueKing::received`].
//!
//! For a test's own story, queue answers per API ([`MockBlueKing::answer`]): data, a refusal in the API's
//! envelope, an HTTP error page, a slow answer. Each request the API receives takes the next one (after the
//! request is checked); when the queue is empty, the doc's example answers again.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::wire::{Wire, WireError};
use crate::{Endpoint, Error, Flavor};

/// One API the mock answers: where it is, what it answers, and how a request is checked.
#[derive(Clone)]
pub struct Route {
    /// `system.name`.
    pub id: &'static str,
    system: &'static str,
    flavor: Flavor,
    method: &'static str,
    /// The gateway's name (else the system's) for gateway APIs.
    gateway: &'static str,
    path: &'static str,
    /// The `data` of the doc's response example (`null` when the doc has none).
    data: &'static str,
    check: fn(Value) -> Result<(), Refusal>,
    /// The request field whose value is the whole body (see `Endpoint::LIST_BODY`).
    list_body: Option<&'static str>,
}

/// Why a request was refused: the field (JSON path, empty for the request itself) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `page.start`, `hosts[2].ip`.
    pub path: String,
    /// What the generated type says.
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path.as_str() {
            "" => write!(f, "the request: {}", self.reason),
            path => write!(f, "field `{path}`: {}", self.reason),
        }
    }
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route").field("id", &self.id).field("method", &self.method).field("path", &self.path).finish()
    }
}

impl Route {
    /// The route of `E`, answering `data` (JSON text: the doc's response example's `data`). Generated.
    pub fn of<E: Endpoint>(data: &'static str) -> Route {
        Route {
            id: E::ID,
            system: E::SYSTEM,
            flavor: E::FLAVOR,
            method: E::METHOD.as_str(),
            gateway: if E::GATEWAY.is_empty() { E::SYSTEM } else { E::GATEWAY },
            path: E::PATH,
            data,
            check: check_request::<E::Request>,
            list_body: E::LIST_BODY,
        }
    }

    /// The path parameters, when `path` (the request's, below the base) is this route's.
    fn matches(&self, method: &str, path: &str) -> Option<Map<String, Value>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let path = match self.flavor {
            Flavor::Esb => path,
            Flavor::Gateway => {
                let rest = path.strip_prefix("/api/")?.strip_prefix(self.gateway)?.strip_prefix('/')?;
                rest.find('/').and_then(|stage_end| rest.get(stage_end..))?
            }
        };
        let want: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let got: Vec<&str> = path.trim_matches('/').split('/').collect();
        if want.len() != got.len() {
            return None;
        }
        let mut params = Map::new();
        for (w, g) in want.iter().zip(&got) {
            match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) => {
                    let text = percent_encoding::percent_decode_str(g).decode_utf8_lossy().into_owned();
                    params.insert(name.to_string(), Value::String(text));
                }
                None if w == g => {}
                None => return None,
            }
        }
        Some(params)
    }
}

/// Authentication fields, which the request types do not list (ESB: body or query; the gateway: a header).
const AUTH_FIELDS: &[&str] =
    &["bk_app_code", "bk_app_secret", "app_code", "app_secret", "bk_token", "bk_username", "username", "access_token"];

/// Whether `value` is a request of type `R`: it reads as one as the API's validation reads it (no key and no enum
/// value the docs do not list: see `wire::checking`), and reading it kept every field it has.
pub fn check_request<R: Wire>(value: Value) -> Result<(), Refusal> {
    let request = crate::wire::checking(|| R::from_wire(value.clone()))
        .map_err(|e: WireError| Refusal { path: e.path(), reason: e.message().into() })?;
    match first_dropped(&value, &request.to_wire(), String::new()) {
        Some(path) => Err(Refusal { path, reason: "unknown field: the API does not document it".into() }),
        None => Ok(()),
    }
}

/// The first field of `sent` that `kept` (the same value read into the request type and written again) lacks:
/// a field the type does not have. Null and `""` are an absent value, not a field.
fn first_dropped(sent: &Value, kept: &Value, at: String) -> Option<String> {
    let join = |key: &str| if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
    match (sent, kept) {
        (Value::Object(sent), Value::Object(kept)) => sent.iter().find_map(|(key, value)| {
            let absent = value.is_null() || value.as_str() == Some("");
            match kept.get(key) {
                None if absent => None,
                None => Some(join(key)),
                Some(kept) => first_dropped(value, kept, join(key)),
            }
        }),
        (Value::Array(sent), Value::Array(kept)) => {
            sent.iter().zip(kept).enumerate().find_map(|(i, (s, k))| first_dropped(s, k, format!("{at}[{i}]")))
        }
        _ => None,
    }
}

/// The request's parameters as the server reads them: body, path, and the query string as text.
fn parameters(route: &Route, request: &Request, path_params: Map<String, Value>) -> Result<Map<String, Value>, String> {
    // The ESB takes its credentials in the body or query; a gateway in its header only, so a parameter of a
    // gateway API named like one (`app_code`: the API gateway's `v2_inner_list_app_request_logs`) is the API's.
    let auth_fields = if route.flavor == Flavor::Esb { AUTH_FIELDS } else { &[] };
    let mut params = match request.body.as_slice() {
        [] => Map::new(),
        body => match (serde_json::from_slice(body), route.list_body) {
            (Ok(Value::Object(map)), None) => map,
            (Ok(list @ Value::Array(_)), Some(field)) => Map::from_iter([(field.to_string(), list)]),
            (Ok(_), Some(field)) => {
                return Err(format!("the request body is not a JSON list (the API takes the list `{field}`)"));
            }
            (Ok(_), None) => return Err("the request body is not a JSON object".into()),
            (Err(e), _) => return Err(format!("the request body is not JSON: {e}")),
        },
    };
    for (key, value) in request.url.query_pairs() {
        params.insert(key.into_owned(), Value::String(value.into_owned()));
    }
    params.extend(path_params);
    for field in auth_fields {
        params.remove(*field);
    }
    Ok(params)
}

/// A query string carries only text: where the type refuses a query parameter's text, the parameter is read
/// as the JSON it spells (`true`, `3`, a nested value), as a server reads it for a field of that type.
fn read_as_the_type_wants(
    check: fn(Value) -> Result<(), Refusal>,
    mut params: Map<String, Value>,
    query: &[String],
) -> Result<(), Refusal> {
    let mut reread: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    loop {
        let refusal = match check(Value::Object(params.clone())) {
            Ok(()) => return Ok(()),
            Err(refusal) => refusal,
        };
        let key = refusal.path.split(['.', '[']).next().unwrap_or_default();
        let spelled = params.get(key).and_then(Value::as_str).and_then(|text| serde_json::from_str::<Value>(text).ok());
        match spelled {
            Some(value) if query.iter().any(|q| q == key) && reread.insert(key.to_string()) => {
                params.insert(key.to_string(), value);
            }
            _ => return Err(refusal),
        }
    }
}

/// One scripted answer of an API ([`MockBlueKing::answer`]).
#[derive(Debug, Clone)]
pub enum MockAnswer {
    /// Success with this `data`.
    Data(Value),
    /// BlueKing says no, in the API's envelope: `result: false` with this code and message (ESB), or
    /// `{"error": {code, message}}` with HTTP 400 (gateway).
    Refuse {
        /// The error code.
        code: i64,
        /// The error message.
        message: String,
    },
    /// This HTTP status and body, as a proxy in front of BlueKing might answer (`502` and an HTML page).
    Http {
        /// The status.
        status: u16,
        /// The body, as text.
        body: String,
    },
    /// The answer, after this delay.
    Delayed(Duration, Box<MockAnswer>),
}

impl MockAnswer {
    fn template(&self, flavor: Flavor) -> ResponseTemplate {
        match self {
            MockAnswer::Data(data) => success(data.clone()),
            // ESB says no in a 200 envelope, the gateway with a status of its own.
            MockAnswer::Refuse { code, message } => match flavor {
                Flavor::Esb => error_envelope(flavor, 200, json!(code), message),
                Flavor::Gateway => error_envelope(flavor, 400, json!(code), message),
            },
            MockAnswer::Http { status, body } => ResponseTemplate::new(*status).set_body_string(body.clone()),
            MockAnswer::Delayed(delay, answer) => answer.template(flavor).set_delay(*delay),
        }
    }
}

/// The scripted answers of each API (by `system.name`), shared by the mock and its router.
type Scripts = Arc<Mutex<HashMap<&'static str, VecDeque<MockAnswer>>>>;

/// The envelope of a successful answer.
fn success(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("X-Request-Id", "mock")
        .set_body_json(json!({"result": true, "code": 0, "message": "success", "data": data, "request_id": "mock"}))
}

struct Router {
    routes: Vec<Route>,
    scripts: Scripts,
}

impl Router {
    fn answer(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        // A literal segment wins over a placeholder, as a gateway routes: `/runs/status/` is SOPS's
        // `plugin_gateway_get_run_status`, not `/runs/{run_id}/`.
        let found = self
            .routes
            .iter()
            .filter_map(|r| r.matches(request.method.as_str(), path).map(|p| (r, p)))
            .min_by_key(|(r, _)| r.path.matches('{').count());
        let Some((route, path_params)) = found else {
            return refusal(Flavor::Esb, 404, format!("no API at {} {path}", request.method));
        };
        let checked = parameters(route, request, path_params).and_then(|params| {
            let query: Vec<String> = request.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
            read_as_the_type_wants(route.check, params, &query).map_err(|refusal| refusal.to_string())
        });
        if let Err(reason) = checked {
            return refusal(route.flavor, 400, format!("{}: {reason}", route.id));
        }
        let scripted = queues(&self.scripts).get_mut(route.id).and_then(VecDeque::pop_front);
        match scripted {
            Some(answer) => answer.template(route.flavor),
            None => success(serde_json::from_str(route.data).unwrap_or(Value::Null)),
        }
    }
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.answer(request)
    }
}

/// A refused call, in the envelope of the API's flavor.
fn refusal(flavor: Flavor, status: u16, message: String) -> ResponseTemplate {
    let code = match flavor {
        Flavor::Esb => json!(1306000 + u32::from(status)),
        Flavor::Gateway => json!(status),
    };
    error_envelope(flavor, status, code, &message)
}

/// An error answer in the flavor's envelope: ESB `{result: false, code, message}`, the gateway's `{error}`.
fn error_envelope(flavor: Flavor, status: u16, code: Value, message: &str) -> ResponseTemplate {
    let body = match flavor {
        Flavor::Esb => json!({"result": false, "code": code, "message": message, "data": null}),
        Flavor::Gateway => json!({"error": {"code": code, "message": message, "data": null}}),
    };
    ResponseTemplate::new(status).set_body_json(body)
}

/// The scripts, also after a test panicked while holding them (their queues are still whole).
fn queues(scripts: &Scripts) -> std::sync::MutexGuard<'_, HashMap<&'static str, VecDeque<MockAnswer>>> {
    scripts.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running mock BlueKing. It stops when dropped.
pub struct MockBlueKing {
    server: MockServer,
    scripts: Scripts,
    /// Systems answered through the gateway, and their gateway's name.
    gateways: BTreeMap<&'static str, &'static str>,
}

impl std::fmt::Debug for MockBlueKing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockBlueKing").field("url", &self.url()).finish_non_exhaustive()
    }
}

impl MockBlueKing {
    /// Serves `routes` on 127.0.0.1: on `port`, or any free port when `None`.
    pub async fn start(routes: Vec<Route>, port: Option<u16>) -> Result<MockBlueKing, Error> {
        let gateways = routes.iter().filter(|r| r.flavor == Flavor::Gateway).map(|r| (r.system, r.gateway)).collect();
        let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).map_err(|e| {
            Error::Config(format!("mock BlueKing: cannot listen on 127.0.0.1:{}: {e}", port.unwrap_or(0)))
        })?;
        let server = MockServer::builder().listener(listener).start().await;
        let scripts = Scripts::default();
        Mock::given(any()).respond_with(Router { routes, scripts: Arc::clone(&scripts) }).mount(&server).await;
        Ok(MockBlueKing { server, scripts, gateways })
    }

    /// Queues answers for `E`: each request `E` receives (and accepts) from now on takes the next one; then the
    /// doc's example answers again. `mock.answer::<GetJobInstanceStatus>([running, MockAnswer::Http { status:
    /// 502, … }, finished])` tells a job's story.
    pub fn answer<E: Endpoint>(&self, answers: impl IntoIterator<Item = MockAnswer>) {
        queues(&self.scripts).entry(E::ID).or_default().extend(answers);
    }

    /// `http://127.0.0.1:PORT`: the ESB base URL.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// `http://127.0.0.1:PORT/api/{api_name}`: the gateway URL template (`BK_API_URL_TMPL`).
    pub fn gateway_url_template(&self) -> String {
        format!("{}/api/{{api_name}}", self.url())
    }

    /// A client builder pointed at the mock for every system it serves, with an app code and secret.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let mut builder = crate::Client::builder()
            .esb_base_url(self.url())
            .gateway_url_template(self.gateway_url_template())
            .app_code("mock")
            .app_secret("mock-secret");
        for (system, gateway) in &self.gateways {
            builder = builder.gateway_base_url(*system, format!("{}/api/{gateway}/prod", self.url()));
        }
        builder
    }

    /// Every request received so far (method, URL, headers, body).
    pub async fn received(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_field_is_found_at_its_path_and_absent_values_are_none() {
        let sent = json!({"a": 1, "b": {"c": [{"d": 1, "e": 2}]}, "n": null, "s": ""});
        let kept = json!({"a": 1, "b": {"c": [{"d": 1}]}});
        assert_eq!(first_dropped(&sent, &kept, String::new()).as_deref(), Some("b.c[0].e"));
        assert_eq!(first_dropped(&json!({"n": null, "s": ""}), &json!({}), String::new()), None);
    }
}
