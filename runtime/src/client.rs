//! The HTTP client: builds requests for both flavors, authenticates, retries when allowed, decodes envelopes.

use std::collections::BTreeMap;
use std::time::Duration;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};
use tracing::Instrument;
use url::Url;

use crate::endpoint::{Endpoint, Flavor, Method};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::scrub::{Secrets, excerpt};
use crate::secret::Secret;
use crate::wire::Wire;

/// Who the calls are made for.
#[derive(Debug, Clone)]
enum User {
    None,
    Token(Secret),
    Username(String),
    AccessToken(Secret),
}

/// A configured BlueKing client. Cheap to clone (the connection pool is shared); one per application.
///
/// A service that calls BlueKing for many users, tenants or languages keeps one client and derives a clone per
/// request — `client.as_user("alice")`, `.with_tenant("t1")?`, `.with_language("en")?`,
/// `.with_timeout(…)`, `.with_header("traceparent", …)?`, `.with_retry(…)` — which shares the pool and the
/// in-flight limit and changes only what it names.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    esb_base_url: Option<Url>,
    gateway_base_urls: BTreeMap<String, Url>,
    app_code: String,
    app_secret: Secret,
    user: User,
    language: Option<String>,
    retry: Option<RetryPolicy>,
    tenant_id: Option<String>,
    use_test_env: bool,
    gateway_url_template: Option<String>,
    stage: String,
    max_body_size: usize,
    /// The time one attempt may take, as configured (unknown with a caller's own `http_client`).
    timeout: Option<Duration>,
    /// A clone's own time per attempt ([`Client::with_timeout`]), sent with each request.
    call_timeout: Option<Duration>,
    /// Headers a clone adds to each call ([`Client::with_header`]): trace context and the like.
    extra_headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    /// Calls in flight at most, shared by the clones: each holds one connection, so this bounds them too.
    in_flight: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Builds a [`Client`]; configuration mistakes are reported by [`ClientBuilder::build`], never by a panic.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    esb_base_url: Option<String>,
    gateway_base_urls: Vec<(String, String)>,
    app_code: Option<String>,
    app_secret: Option<Secret>,
    user: Option<User>,
    http: Option<reqwest::ClientBuilder>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    language: Option<String>,
    retry: Option<RetryPolicy>,
    tenant_id: Option<String>,
    use_test_env: bool,
    gateway_url_template: Option<String>,
    stage: Option<String>,
    max_body_size: Option<usize>,
    max_concurrent_calls: Option<usize>,
}

/// Default total time for one call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest response body read (32 MiB): a larger one is [`Error::BodyTooLarge`], found while reading.
pub const DEFAULT_MAX_BODY_SIZE: usize = 32 << 20;
/// Default number of calls a client (and its clones) has in flight at once; the others wait their turn.
pub const DEFAULT_MAX_CONCURRENT_CALLS: usize = 64;

impl ClientBuilder {
    /// The PaaS host that serves ESB APIs (`https://paas.example.com`); doc paths `/api/c/compapi/…` hang under it.
    pub fn esb_base_url(mut self, url: impl Into<String>) -> Self {
        self.esb_base_url = Some(url.into());
        self
    }

    /// Base URL of a gateway system's stage, e.g. `("job_v3", "https://bkapi.example.com/api/bk-job/prod")`.
    pub fn gateway_base_url(mut self, system: impl Into<String>, url: impl Into<String>) -> Self {
        self.gateway_base_urls.push((system.into(), url.into()));
        self
    }

    /// The app's code (`bk_app_code`). Required.
    pub fn app_code(mut self, app_code: impl Into<String>) -> Self {
        self.app_code = Some(app_code.into());
        self
    }

    /// The app's secret (`bk_app_secret`). Required; kept out of `Debug`, logs and errors.
    pub fn app_secret(mut self, app_secret: impl Into<Secret>) -> Self {
        self.app_secret = Some(app_secret.into());
        self
    }

    /// Act as the user of this login token (`bk_token`).
    pub fn bk_token(mut self, token: impl Into<Secret>) -> Self {
        self.user = Some(User::Token(token.into()));
        self
    }

    /// Act as this user (`bk_username`; apps on the ESB whitelist).
    pub fn bk_username(mut self, username: impl Into<String>) -> Self {
        self.user = Some(User::Username(username.into()));
        self
    }

    /// Act with this OAuth `access_token`. Gateway calls then send only the token, as BlueKing's clients do.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.user = Some(User::AccessToken(token.into()));
        self
    }

    /// Total time per call attempt (default [`DEFAULT_TIMEOUT`]). Ignored with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time to connect (default [`DEFAULT_CONNECT_TIMEOUT`]). Ignored with [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` (default `bkapi-rust/<version>`). Ignored with [`ClientBuilder::http_client`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Language of BlueKing's messages, sent as `Blueking-Language` and `Accept-Language` (`zh-hans`, `en`).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Retry failed calls by this policy. Without it (the default) nothing is retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The tenant of a multi-tenant BlueKing, sent as `X-Bk-Tenant-Id` on every call.
    pub fn tenant_id(mut self, tenant: impl Into<String>) -> Self {
        self.tenant_id = Some(tenant.into());
        self
    }

    /// Route ESB calls to the systems' test environments (`X-Use-Test-Env: true`). Gateway calls choose an
    /// environment by [`stage`](Self::stage) instead.
    pub fn use_test_env(mut self, on: bool) -> Self {
        self.use_test_env = on;
        self
    }

    /// The base URL of every gateway system whose gateway name the docs give, as BlueKing's SDKs take it
    /// (`BK_API_URL_TMPL`): `https://bkapi.example.com/api/{api_name}`, then `/{stage}`; or with the stage in it
    /// (`BK_API_STAGE_URL_TMPL`): `…/{api_name}/{stage_name}`. A system's own
    /// [`gateway_base_url`](Self::gateway_base_url) wins.
    pub fn gateway_url_template(mut self, template: impl Into<String>) -> Self {
        self.gateway_url_template = Some(template.into());
        self
    }

    /// The gateway stage the template's URLs end with (default `prod`).
    pub fn stage(mut self, stage: impl Into<String>) -> Self {
        self.stage = Some(stage.into());
        self
    }

    /// Build the HTTP client from this `reqwest::ClientBuilder` (proxies, TLS roots, pools are then yours to
    /// configure). Its redirect policy is replaced by the client's own: credentials never follow a redirect to
    /// another origin (see [`Error::Redirect`]).
    pub fn http_client(mut self, http: reqwest::ClientBuilder) -> Self {
        self.http = Some(http);
        self
    }

    /// The largest response body read, in bytes ([`DEFAULT_MAX_BODY_SIZE`] unless set); a larger one stops the
    /// read at this size with [`Error::BodyTooLarge`], so memory stays bounded.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// How many calls the client and its clones have in flight at once ([`DEFAULT_MAX_CONCURRENT_CALLS`] unless
    /// set; at least 1); the others wait for a turn. Each call in flight holds one connection, so this bounds
    /// the connections to BlueKing as well.
    pub fn max_concurrent_calls(mut self, calls: usize) -> Self {
        self.max_concurrent_calls = Some(calls.max(1));
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let parse = |what: &str, s: &str| {
            let url = Url::parse(s).map_err(|e| Error::Config(format!("{what} `{s}` is not a URL: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(Error::Config(format!("{what} `{s}` is not an http(s) URL")));
            }
            Ok(url)
        };
        let esb_base_url = self.esb_base_url.as_deref().map(|s| parse("ESB base URL", s)).transpose()?;
        let mut gateway_base_urls = BTreeMap::new();
        for (system, url) in &self.gateway_base_urls {
            gateway_base_urls.insert(system.clone(), parse(&format!("gateway base URL of `{system}`"), url)?);
        }
        if let Some(template) = &self.gateway_url_template {
            if !template.contains("{api_name}") {
                return Err(Error::Config(format!("gateway URL template `{template}` has no `{{api_name}}`")));
            }
            parse("gateway URL template", &template.replace("{api_name}", "x").replace("{stage_name}", "prod"))?;
        }
        if esb_base_url.is_none() && gateway_base_urls.is_empty() && self.gateway_url_template.is_none() {
            return Err(Error::Config(
                "no base URL: set `esb_base_url`, `gateway_base_url` or `gateway_url_template`".into(),
            ));
        }
        for (what, value) in [("tenant id", &self.tenant_id), ("stage", &self.stage)] {
            if let Some(v) = value {
                check_segment(what, v)?;
            }
        }
        let app_code =
            self.app_code.filter(|c| !c.is_empty()).ok_or_else(|| Error::Config("`app_code` is required".into()))?;
        let app_secret = self
            .app_secret
            .filter(|s| !s.expose().is_empty())
            .ok_or_else(|| Error::Config("`app_secret` is required".into()))?;
        if let Some(language) = &self.language {
            check_language(language)?;
        }
        let timeout = self.http.is_none().then(|| self.timeout.unwrap_or(DEFAULT_TIMEOUT));
        let http = match self.http {
            Some(h) => h,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .user_agent(
                    self.user_agent.unwrap_or_else(|| concat!("bkapi-rust/", env!("CARGO_PKG_VERSION")).into()),
                ),
        };
        let http = http
            .redirect(same_origin_redirects())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            esb_base_url,
            gateway_base_urls,
            app_code,
            app_secret,
            user: self.user.unwrap_or(User::None),
            language: self.language,
            retry: self.retry,
            tenant_id: self.tenant_id,
            use_test_env: self.use_test_env,
            gateway_url_template: self.gateway_url_template,
            stage: self.stage.unwrap_or_else(|| "prod".into()),
            max_body_size: self.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
            timeout,
            call_timeout: None,
            extra_headers: Vec::new(),
            in_flight: std::sync::Arc::new(tokio::sync::Semaphore::new(
                self.max_concurrent_calls.unwrap_or(DEFAULT_MAX_CONCURRENT_CALLS),
            )),
        })
    }
}

/// A tenant id or stage: sent as a header, and a stage is also a URL segment (the builder and the clones check
/// by this one rule).
fn check_segment(what: &str, value: &str) -> Result<(), Error> {
    if reqwest::header::HeaderValue::from_str(value).is_err() || value.contains('/') {
        return Err(Error::Config(format!("{what} `{value}` cannot be sent")));
    }
    Ok(())
}

/// A language for `Blueking-Language` / `Accept-Language`.
fn check_language(language: &str) -> Result<(), Error> {
    match reqwest::header::HeaderValue::from_str(language) {
        Ok(_) => Ok(()),
        Err(_) => Err(Error::Config(format!("language `{language}` cannot be sent as a header"))),
    }
}

/// A header value, or a configuration error naming what it was for (the value itself may be secret: not shown).
fn header_value(what: &str, value: &str) -> Result<reqwest::header::HeaderValue, Error> {
    reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("{what} cannot be sent as a header")))
}

/// How many redirects within one origin are followed.
const MAX_REDIRECTS: usize = 5;

/// Redirects are followed only within the origin (scheme, host, port) the call was sent to: an ESB body carries
/// the app secret and the user's token, a gateway call the `X-Bkapi-Authorization` header, and an ESB GET both
/// in its query string — none of which may reach another origin. Any other redirect stops, and the call fails
/// with [`Error::Redirect`].
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin && attempt.previous().len() <= MAX_REDIRECTS { attempt.follow() } else { attempt.stop() }
    })
}

/// A redirect's target as an error may show it: no user info, no query, no fragment (a server may echo the
/// call's query string, which for an ESB GET holds the app secret).
fn shown_location(location: &str, base: &Url) -> String {
    match base.join(location) {
        Ok(mut url) => {
            url.set_query(None);
            url.set_fragment(None);
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => "(an unreadable Location)".to_string(),
    }
}

/// JSON value as a query-string value: strings as they are, everything else JSON-encoded (as BlueKing expects).
fn query_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One call, ready to be sent (and sent again, when the retry policy allows).
/// The HTTP request a call would send, secrets redacted: [`Client::preview`]. Its `Display` is the request as
/// HTTP writes it (request line, headers, pretty JSON body).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestPreview {
    /// The HTTP method.
    pub method: Method,
    /// The full URL, query string included.
    pub url: String,
    /// Headers in the order they are set (the HTTP client adds `Host`, `Content-Length` and its own).
    pub headers: Vec<(String, String)>,
    /// The JSON body, when the call has one.
    pub body: Option<Value>,
}

impl std::fmt::Display for RequestPreview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} {}", self.method.as_str(), self.url)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            writeln!(f)?;
            let text = serde_json::to_string_pretty(body).map_err(|_| std::fmt::Error)?;
            writeln!(f, "{text}")?;
        }
        Ok(())
    }
}

struct Prepared {
    url: Url,
    method: reqwest::Method,
    flavor: Flavor,
    query: Vec<(String, String)>,
    body: Option<Value>,
    authorization: Option<String>,
    /// Every secret the call carries: scrubbed from whatever the server sends back into an error.
    secrets: Secrets,
}

impl Client {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client acting as this user (`bk_username`; apps on the ESB whitelist): a cheap clone sharing the
    /// connection pool.
    pub fn as_user(&self, username: impl Into<String>) -> Client {
        Client { user: User::Username(username.into()), ..self.clone() }
    }

    /// The same client acting as the user of this login token (`bk_token`), e.g. the one of the request a
    /// SaaS backend is serving.
    pub fn with_bk_token(&self, token: impl Into<Secret>) -> Client {
        Client { user: User::Token(token.into()), ..self.clone() }
    }

    /// The same client acting with this OAuth `access_token`.
    pub fn with_access_token(&self, token: impl Into<Secret>) -> Client {
        Client { user: User::AccessToken(token.into()), ..self.clone() }
    }

    /// The same client for another tenant (`X-Bk-Tenant-Id`); an error when the value cannot be a header.
    pub fn with_tenant(&self, tenant: impl Into<String>) -> Result<Client, Error> {
        let tenant = tenant.into();
        check_segment("tenant id", &tenant)?;
        Ok(Client { tenant_id: Some(tenant), ..self.clone() })
    }

    /// The same client asking for BlueKing's messages in another language (`zh-hans`, `en`).
    pub fn with_language(&self, language: impl Into<String>) -> Result<Client, Error> {
        let language = language.into();
        check_language(&language)?;
        Ok(Client { language: Some(language), ..self.clone() })
    }

    /// The same client with this time per call attempt (for one slow API, or a tight deadline).
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        Client { call_timeout: Some(timeout), timeout: Some(timeout), ..self.clone() }
    }

    /// The same client adding this header to each call (`traceparent`, a request id of your own). The
    /// authentication header cannot be replaced this way.
    pub fn with_header(&self, name: &str, value: &str) -> Result<Client, Error> {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| Error::Config(format!("header name `{name}`: {e}")))?;
        if name.as_str().eq_ignore_ascii_case("x-bkapi-authorization") {
            return Err(Error::Config("the authentication header is the client's own".into()));
        }
        let value = header_value(name.as_str(), value)?;
        let mut client = self.clone();
        client.extra_headers.push((name, value));
        Ok(client)
    }

    /// The same client retrying by this policy (`None`: not at all).
    pub fn with_retry(&self, policy: Option<RetryPolicy>) -> Client {
        Client { retry: policy, ..self.clone() }
    }

    /// The secrets the client holds: the app secret and the user's token.
    fn held_secrets(&self) -> Vec<&str> {
        let mut held = vec![self.app_secret.expose()];
        if let User::Token(t) | User::AccessToken(t) = &self.user {
            held.push(t.expose());
        }
        held
    }

    /// The authentication fields, in BlueKing's names.
    fn auth_fields(&self, flavor: Flavor) -> Map<String, Value> {
        let mut auth = Map::new();
        if let (Flavor::Gateway, User::AccessToken(t)) = (flavor, &self.user) {
            auth.insert("access_token".into(), Value::String(t.expose().to_string()));
            return auth;
        }
        auth.insert("bk_app_code".into(), Value::String(self.app_code.clone()));
        auth.insert("bk_app_secret".into(), Value::String(self.app_secret.expose().to_string()));
        match &self.user {
            User::Token(t) => {
                auth.insert("bk_token".into(), Value::String(t.expose().to_string()));
            }
            User::Username(u) => {
                auth.insert("bk_username".into(), Value::String(u.clone()));
            }
            User::AccessToken(t) => {
                auth.insert("access_token".into(), Value::String(t.expose().to_string()));
            }
            User::None => {}
        }
        auth
    }

    /// A gateway system's base URL: its own, else the template's for its gateway and the stage.
    fn gateway_base<E: Endpoint>(&self) -> Result<String, Error> {
        if let Some(url) = self.gateway_base_urls.get(E::SYSTEM) {
            return Ok(url.as_str().to_string());
        }
        match (&self.gateway_url_template, E::GATEWAY) {
            (Some(template), gateway) if !gateway.is_empty() => {
                let url = template.replace("{api_name}", gateway);
                Ok(if url.contains("{stage_name}") {
                    url.replace("{stage_name}", &self.stage)
                } else {
                    format!("{}/{}", url.trim_end_matches('/'), self.stage)
                })
            }
            _ => Err(Error::Config(format!(
                "{}: no gateway base URL configured for `{}`{}",
                E::ID,
                E::SYSTEM,
                if E::GATEWAY.is_empty() { "" } else { " (nor a gateway URL template)" }
            ))),
        }
    }

    fn prepare<E: Endpoint>(&self, request: &E::Request) -> Result<Prepared, Error> {
        let api = E::ID;
        let wire = request.to_wire();
        let secrets = Secrets::of_call(self.held_secrets(), &wire);
        let Value::Object(mut params) = wire else {
            let message = "its type does not serialize to a JSON object".to_string();
            return Err(Error::InvalidRequest { api, message });
        };

        for group in E::ONE_OF {
            if !group.iter().any(|k| params.get(*k).is_some_and(|v| !v.is_null())) {
                let names = group.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" or ");
                let message = format!("it needs {names} (the doc requires one of them)");
                return Err(Error::InvalidRequest { api, message });
            }
        }

        let mut path = E::PATH.to_string();
        for name in E::PATH_PARAMS {
            let value = params.remove(*name).ok_or_else(|| Error::InvalidRequest {
                api,
                message: format!("path parameter `{name}` is missing; set it on the request"),
            })?;
            // Every non-alphanumeric byte is escaped, so `../x` stays inside its segment.
            let segment = utf8_percent_encode(&query_value(&value), NON_ALPHANUMERIC).to_string();
            path = path.replace(&format!("{{{name}}}"), &segment);
        }
        let mut query: Vec<(String, String)> = E::QUERY_PARAMS
            .iter()
            .filter_map(|n| params.remove(*n).map(|v| (n.to_string(), query_value(&v))))
            .collect();

        let base = match E::FLAVOR {
            Flavor::Esb => self
                .esb_base_url
                .as_ref()
                .map(|u| u.as_str().to_string())
                .ok_or_else(|| Error::Config(format!("{api}: no ESB base URL configured")))?,
            Flavor::Gateway => self.gateway_base::<E>()?,
        };
        let url = Url::parse(&format!("{}{}", base.trim_end_matches('/'), path))
            .map_err(|e| Error::Config(format!("{api}: bad URL for path `{path}`: {e}")))?;

        // Both flavors read `X-Bkapi-Authorization` (ESB: it replaces the common args of the body or query). An
        // ESB GET sends the credentials in that header only: in its query string they would be part of a URL,
        // which proxies and servers log. An ESB POST also keeps them in its JSON body, the form every ESB
        // version reads.
        let auth = self.auth_fields(E::FLAVOR);
        let authorization = Some(Value::Object(auth.clone()).to_string());
        let body = if E::METHOD == Method::Get {
            query.extend(params.iter().map(|(k, v)| (k.clone(), query_value(v))));
            None
        } else if let Some(field) = E::LIST_BODY {
            // The list is the whole body: the credentials travel in the header only, and a key set beside the
            // list (in `extra`) has no place to go: refused, not dropped.
            let list = params.remove(field).unwrap_or_else(|| Value::Array(Vec::new()));
            if let Some(key) = params.keys().next() {
                let message = format!("`{key}` has no place in the call: its body is the list `{field}` alone");
                return Err(Error::InvalidRequest { api, message });
            }
            Some(list)
        } else {
            if E::FLAVOR == Flavor::Esb {
                params.extend(auth);
            }
            Some(Value::Object(params))
        };
        Ok(Prepared { url, method: E::METHOD.to_reqwest(), flavor: E::FLAVOR, query, body, authorization, secrets })
    }

    fn send(&self, call: &Prepared) -> reqwest::RequestBuilder {
        let mut builder = self.http.request(call.method.clone(), call.url.clone()).header("Accept", "application/json");
        if let Some(auth) = &call.authorization {
            builder = builder.header("X-Bkapi-Authorization", auth);
        }
        if let Some(language) = &self.language {
            // Both, as BlueKing's own ESB client sends them.
            builder = builder.header("Blueking-Language", language).header("Accept-Language", language);
        }
        if let Some(tenant) = &self.tenant_id {
            builder = builder.header("X-Bk-Tenant-Id", tenant);
        }
        if self.use_test_env && call.flavor == Flavor::Esb {
            builder = builder.header("X-Use-Test-Env", "true");
        }
        for (name, value) in &self.extra_headers {
            builder = builder.header(name, value);
        }
        if let Some(timeout) = self.call_timeout {
            builder = builder.timeout(timeout);
        }
        if !call.query.is_empty() {
            builder = builder.query(&call.query);
        }
        if let Some(body) = &call.body {
            builder = builder.json(body);
        }
        builder
    }

    /// The HTTP request [`Client::call`] would send for `request`, with every secret (app secret, `bk_token`,
    /// access token, a password field of the request) shown as `[redacted]`; nothing is sent. Refuses what
    /// `call` refuses before sending (a missing path parameter, a one-of group left empty, no base URL).
    pub fn preview<E: Endpoint>(&self, request: &E::Request) -> Result<RequestPreview, Error> {
        let call = self.prepare::<E>(request)?;
        let mut url = call.url.clone();
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&call.query);
        }
        let mut headers = vec![("Accept".to_string(), "application/json".to_string())];
        if let Some(auth) = &call.authorization {
            headers.push(("X-Bkapi-Authorization".into(), call.secrets.scrub(auth)));
        }
        if let Some(language) = &self.language {
            headers.push(("Blueking-Language".into(), language.clone()));
            headers.push(("Accept-Language".into(), language.clone()));
        }
        if let Some(tenant) = &self.tenant_id {
            headers.push(("X-Bk-Tenant-Id".into(), tenant.clone()));
        }
        if self.use_test_env && call.flavor == Flavor::Esb {
            headers.push(("X-Use-Test-Env".into(), "true".into()));
        }
        headers.extend(
            self.extra_headers
                .iter()
                .map(|(n, v)| (n.as_str().to_string(), call.secrets.scrub(v.to_str().unwrap_or("[not text]")))),
        );
        let body = call.body.clone().map(|b| call.secrets.scrub_value(b));
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        Ok(RequestPreview { method: E::METHOD, url: call.secrets.scrub(url.as_str()), headers, body })
    }

    /// Calls one API. Generated methods (`client.jobv3().fast_execute_script(req)`) call this.
    ///
    /// Each call runs in a `tracing` span `bkapi.call` with the system, API, HTTP method and (once known) the
    /// request id; neither credentials nor bodies are ever logged.
    pub async fn call<E: Endpoint>(&self, request: E::Request) -> Result<E::Response, Error> {
        let span = tracing::info_span!(
            "bkapi.call",
            system = E::SYSTEM,
            api = E::NAME,
            method = E::METHOD.as_str(),
            request_id = tracing::field::Empty,
        );
        self.call_in_span::<E>(request).instrument(span).await
    }

    async fn call_in_span<E: Endpoint>(&self, request: E::Request) -> Result<E::Response, Error> {
        let call = self.prepare::<E>(&request)?;
        // Whatever the server sent back is scrubbed of the call's secrets before it becomes an error (or a log).
        self.send_prepared::<E>(&call).await.map_err(|e| e.scrubbed(&call.secrets))
    }

    async fn send_prepared<E: Endpoint>(&self, call: &Prepared) -> Result<E::Response, Error> {
        let api = E::ID;
        // Held until the body is read: the connection is busy that long. The semaphore is never closed.
        let _turn =
            self.in_flight.acquire().await.map_err(|_| Error::Config(format!("{api}: the client was shut down")))?;
        let mut attempt = 0u32;
        loop {
            // `without_url`: an ESB GET carries the app secret in its query string.
            let outcome = self.send(call).send().await.map_err(|e| Error::transport(api, e, &call.url, self.timeout));
            let status = outcome.as_ref().ok().map(|r| r.status().as_u16());
            let retry = self.retry.as_ref().filter(|p| attempt < p.max_retries).and_then(|p| {
                let retryable = match &outcome {
                    Err(Error::Transport { source, .. }) => {
                        // Nothing reached the server: safe for any method. A timeout: only for reads.
                        source.is_connect() || (crate::endpoint::idempotent::<E>() && source.is_timeout())
                    }
                    _ => {
                        crate::endpoint::idempotent::<E>() && status.is_some_and(|s| matches!(s, 429 | 502 | 503 | 504))
                    }
                };
                retryable.then(|| p.delay(attempt))
            });
            if let Some(delay) = retry {
                tracing::warn!(attempt = attempt + 1, ?status, delay_ms = delay.as_millis() as u64, "retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
            let response = outcome?;
            let status = response.status();
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            if status.is_redirection() {
                let location = header("Location").map(|l| shown_location(&l, response.url()));
                tracing::debug!(status = status.as_u16(), "redirect not followed");
                return Err(Error::Redirect { api, status: status.as_u16(), location });
            }
            let request_id = header("X-Request-Id").or_else(|| header("X-Bkapi-Request-Id"));
            let gateway_error = header("X-Bkapi-Error-Code").zip(header("X-Bkapi-Error-Message"));
            let body = read_body(response, self.max_body_size, api, &call.url, self.timeout, &call.secrets).await?;
            let answer = Answer { api, status: status.as_u16(), request_id: request_id.clone(), gateway_error };
            let result = decode::<E::Response>(answer, &body, &call.secrets);
            let request_id = request_id.or_else(|| match &result {
                Err(Error::Api { request_id, .. }) => request_id.clone(),
                _ => None,
            });
            if let Some(id) = &request_id {
                tracing::Span::current().record("request_id", id.as_str());
            }
            let result = result.map_err(|e| e.scrubbed(&call.secrets));
            match &result {
                Ok(_) => tracing::debug!(status = status.as_u16(), "ok"),
                Err(e) => tracing::debug!(status = status.as_u16(), error = %e, "failed"),
            }
            return result;
        }
    }
}

/// The body as text, read chunk by chunk up to `limit` bytes; a body that is not UTF-8 is a [`Error::Decode`]
/// (read lossily it would decode into other values than were sent).
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    api: &'static str,
    url: &Url,
    timeout: Option<Duration>,
    secrets: &Secrets,
) -> Result<String, Error> {
    let too_large = || Error::BodyTooLarge { api, limit };
    if response.content_length().is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut bytes: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| Error::transport(api, e, url, timeout))? {
        if bytes.len().saturating_add(chunk.len()) > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|e| Error::Decode {
        api,
        path: ".".into(),
        message: format!("the body is not UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        body: excerpt(&String::from_utf8_lossy(e.as_bytes()), secrets),
    })
}

/// Decodes the body of a successful (HTTP 200) response to `E` exactly as [`Client::call`] does: the envelope
/// first (an error envelope is [`Error::Api`]), then `data` into `E::Response`. For replaying recorded responses.
pub fn decode_response<E: Endpoint>(body: &str) -> Result<E::Response, Error> {
    let answer = Answer { api: E::ID, status: 200, request_id: None, gateway_error: None };
    decode::<E::Response>(answer, body, &Secrets::default())
}

/// What came with a body: the API it answers, the HTTP status, and what the headers said.
struct Answer {
    api: &'static str,
    status: u16,
    request_id: Option<String>,
    /// The gateway's own error (`X-Bkapi-Error-Code`, `X-Bkapi-Error-Message`).
    gateway_error: Option<(String, String)>,
}

/// Decodes a response body: envelope first, then `data` into the generated type.
fn decode<T: Wire>(answer: Answer, body: &str, secrets: &Secrets) -> Result<T, Error> {
    let Answer { api, status, request_id, gateway_error } = answer;
    let http_error = || Error::Http { api, status, body: excerpt(body, secrets) };
    let value: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            if let Some((code, message)) = gateway_error {
                return Err(Error::Api { api, code, message, request_id, permission: None, status });
            }
            if !(200..300).contains(&status) {
                return Err(http_error());
            }
            return Err(Error::Decode { api, path: ".".into(), message: e.to_string(), body: excerpt(body, secrets) });
        }
    };
    // A body that is no object (a gateway API answering a list bare) has no envelope: it is the data.
    let envelope = value.as_object();
    let request_id = request_id.or_else(|| envelope?.get("request_id").and_then(Value::as_str).map(str::to_string));
    // Gateway error body: {"error": {code, message, data}}.
    if let Some(Value::Object(err)) =
        envelope.filter(|e| bkapi_wire::envelope::is_failure(e)).and_then(|e| e.get("error"))
    {
        return Err(Error::Api {
            api,
            code: err.get("code").map(query_value).unwrap_or_default(),
            message: err.get("message").map(query_value).unwrap_or_default(),
            request_id,
            permission: err.get("data").cloned().map(Box::new),
            status,
        });
    }
    // ESB envelope: {result, code, message, data, permission}.
    if let Some(envelope) = envelope.filter(|e| bkapi_wire::envelope::is_failure(e)) {
        return Err(Error::Api {
            api,
            code: envelope.get("code").map(query_value).unwrap_or_default(),
            message: envelope.get("message").map(query_value).unwrap_or_default(),
            request_id,
            permission: envelope.get("permission").filter(|p| !p.is_null()).cloned().map(Box::new),
            status,
        });
    }
    if let Some((code, message)) = gateway_error {
        return Err(Error::Api { api, code, message, request_id, permission: None, status });
    }
    if !(200..300).contains(&status) {
        return Err(http_error());
    }
    // The one rule of where the data is (`bkapi_wire::envelope::data`): an envelope's `data`, nothing for an
    // envelope without it, else the body itself.
    let data = bkapi_wire::envelope::data(&value).clone();
    // A successful call with `data: null` has nothing to return: that is an empty object or list when the
    // response type allows one (a struct without required fields, a map, a list). So is `data: ""` (CMDB's
    // answer to an update) when the type reads no text.
    let empty_text = data.as_str() == Some("");
    if data.is_null() {
        // Untyped JSON (and an optional payload) keeps the null itself.
        if let Some(value) = T::from_wire(Value::Null).ok().or_else(empty_value::<T>) {
            return Ok(value);
        }
    }
    match T::from_wire(data) {
        Ok(value) => Ok(value),
        Err(e) => match empty_value::<T>().filter(|_| empty_text) {
            Some(value) => Ok(value),
            None => Err(Error::Decode {
                api,
                path: match e.path() {
                    path if path.is_empty() => "data".into(),
                    path if path.starts_with('[') => format!("data{path}"),
                    path => format!("data.{path}"),
                },
                message: e.message().to_string(),
                body: excerpt(body, secrets),
            }),
        },
    }
}

/// The response type's empty value (`{}` or `[]`), when it has one: read strictly, so a struct with required
/// fields has none (not one of placeholders).
fn empty_value<T: Wire>() -> Option<T> {
    [Value::Object(serde_json::Map::new()), Value::Array(Vec::new())]
        .into_iter()
        .find_map(|empty| crate::wire::checking(|| T::from_wire(empty)).ok())
}
