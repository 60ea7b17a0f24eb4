//! What the generated code tells the runtime about each API.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wire::Wire;

/// How an API is reached and authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// ESB component API under the PaaS host: common args in body (POST) or query (GET); `{result, code, message, data}`.
    Esb,
    /// API gateway: `X-Bkapi-Authorization` header; `{data}` on success, `{error}` otherwise.
    Gateway,
}

/// The HTTP method of an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`: for ESB APIs, every parameter goes into the query string.
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// `GET`, `POST`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// One API: implemented by the generated `<system>::endpoints::<Api>` marker types.
pub trait Endpoint {
    /// The request type (its fields are the API's parameters).
    type Request: Serialize + DeserializeOwned + Wire;
    /// The `data` payload of a successful response (serializable again: what it holds is what came).
    type Response: Serialize + DeserializeOwned + Wire;
    /// System folder in `api-docs/` (`jobv3`); for gateway APIs also the key of its base URL.
    const SYSTEM: &'static str;
    /// API name as BlueKing spells it (`fast_execute_script`).
    const NAME: &'static str;
    /// `system.name`, as error messages and logs name the API.
    const ID: &'static str;
    /// HTTP method.
    const METHOD: Method;
    /// Path template; `{name}` placeholders are filled from [`Endpoint::PATH_PARAMS`].
    const PATH: &'static str;
    /// ESB or API gateway.
    const FLAVOR: Flavor;
    /// Request fields that go into the path.
    const PATH_PARAMS: &'static [&'static str];
    /// Request fields that go into the query string even for non-GET calls.
    const QUERY_PARAMS: &'static [&'static str];
    /// The request field whose value is the whole JSON body, for an API whose body is a list (IAM's
    /// `system_add_actions` takes `[{…}, …]`); its other fields are path and query parameters.
    const LIST_BODY: Option<&'static str> = None;
    /// Groups of optional request fields of which the doc requires at least one; checked before sending.
    const ONE_OF: &'static [&'static [&'static str]] = &[];
    /// The API gateway's name (`bk-job`) when the system's metadata gives it: with
    /// [`ClientBuilder::gateway_url_template`](crate::ClientBuilder::gateway_url_template) it makes the base URL.
    const GATEWAY: &'static str = "";
    /// Calling it again changes nothing (a read sent as POST): retried like a GET, by the retry policy and
    /// while a waiter polls it. GET APIs are idempotent whatever this says.
    const IDEMPOTENT: bool = false;
}

/// Whether calling `E` again is safe: a GET, or an API the metadata marks idempotent.
pub(crate) fn idempotent<E: Endpoint>() -> bool {
    E::METHOD == Method::Get || E::IDEMPOTENT
}

/// Visits endpoint types: see `visit_endpoints`.
pub trait EndpointVisitor {
    /// Called once per endpoint type.
    fn visit<E: Endpoint>(&mut self);
}
