//! The IR: plain, serializable data that every emitter reads. No markdown, no Rust syntax.
//!
//! One [`System`] per folder of `api-docs/`; its [`TypeDef`]s form one type space with unique names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ir {
    pub systems: Vec<System>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct System {
    /// Folder name in `api-docs/`, e.g. `jobv3` or `job-gateway`.
    pub name: String,
    pub flavor: Flavor,
    /// API-gateway name (`bk-job`) for gateway systems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    pub apis: Vec<Api>,
    /// Generated waiters: an API called again until a boolean field of its response is `true`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiters: Vec<Waiter>,
    /// Named types of this system, unique by name, in a deterministic order.
    pub types: Vec<TypeDef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flavor {
    /// ESB component API: common args (`bk_app_code`, …) in body or query, `{result, code, message, data}` envelope.
    Esb,
    /// API gateway: `X-Bkapi-Authorization` header, `{data}` / `{error}` bodies.
    Gateway,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn parse(word: &str) -> Option<Self> {
        match word.trim().to_ascii_uppercase().as_str() {
            "GET" => Some(Self::Get),
            "POST" => Some(Self::Post),
            "PUT" => Some(Self::Put),
            "PATCH" => Some(Self::Patch),
            "DELETE" => Some(Self::Delete),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// API name as BlueKing publishes it (`fast_execute_script`): the ESB component's or the gateway resource's
    /// `operationId` when a manifest gives it, else the doc's file name.
    pub name: String,
    /// The doc's file name when the API is published under another name (`install_job` for component
    /// `job_install`): a `#[doc(alias)]`, so a search for either finds it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Source document, relative to the docs root.
    pub source: String,
    pub summary: String,
    pub method: HttpMethod,
    /// Path template; gateway placeholders are `{name}` and name a [`ParamLocation::Path`] field.
    pub path: String,
    /// Request type (a struct in [`System::types`]).
    pub request: String,
    /// Type of the response's `data` payload.
    pub response: Type,
    /// Envelope fields as documented (`result`, `code`, …); the runtime decodes the envelope, drift checks use these.
    pub envelope: Vec<Field>,
    pub examples: Vec<Example>,
    /// Metadata corrections applied to this API, with what the doc claimed.
    pub corrections: Vec<Correction>,
    /// Groups of optional request fields of which the doc requires at least one (`与 account_id 必须存在一个`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<Vec<String>>,
    /// Every name a table of the doc gives (fields, envelope keys, rows of sections no field refers to), sorted:
    /// a value whose key is among them and that the types lose was documented.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub table_keys: Vec<String>,
    /// How the API pages, when its request or response shows it.
    #[serde(default, skip_serializing_if = "Paging::is_empty")]
    pub paging: Paging,
    /// Line of the doc's request parameter section, when it has one (even one that says "none").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_section: Option<u32>,
    /// Every type the API's request and response reach: IR name → its public name in the API's module
    /// (`bkapi::jobv3::fast_execute_script::Server`), made from this API's doc alone, so that no other doc can
    /// change it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    /// The same API's docs in other languages (the `en` doc of a `zh_hans` one): their texts are in the
    /// types' docs; what they say otherwise is drift (`D011`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Translation>,
    /// Why the route is not confirmed, when no source gives it: the ESB path convention's guess for a component
    /// the system's component list does not name. Shown on the method; drift `D012`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unconfirmed_route: Option<String>,
    /// The request's field whose value is the whole body, when the doc's request is a JSON list (IAM's
    /// `system_add_actions` takes `[{…}, …]`): the request type holds the list in this field, beside its path and
    /// query parameters; examples read as its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_body: Option<String>,
    /// Calling it again is safe (the metadata says why): retried like a GET.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub idempotent: bool,
}

/// `client.jobv3().wait_for_job(request, &policy)`: calls `api` until its response's `done_when` is `true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiter {
    /// Method name.
    pub name: String,
    pub api: String,
    /// A boolean field of the API's response struct.
    pub done_when: String,
    pub doc: String,
    /// The field of the final answer that says whether it ended well (field names from the response struct),
    /// and its values that are success; empty: every final answer is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success_path: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub success_values: Vec<serde_json::Value>,
}

/// Another language's doc of an API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    pub language: String,
    /// The doc, relative to the docs root.
    pub source: String,
    /// Its examples that differ from the API's own (the same values would fit the types the same way).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub table_keys: Vec<String>,
}

/// What a paged API's request and response look like: the `…_pages` methods walk every page with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<PageRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<PageResponse>,
    /// The largest page size the doc states for the request's size field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_page_size: Option<u64>,
}

impl Paging {
    pub fn is_empty(&self) -> bool {
        self.request.is_none() && self.response.is_none()
    }
}

/// How a request asks for one page; the strings are wire names of request fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "style")]
pub enum PageRequest {
    /// CMDB: `page: {start, limit, sort}`.
    PageObject { field: String, start: String, limit: String },
    /// JOB: `start` / `length` beside the other parameters.
    Offset { start: String, limit: String },
    /// `page` / `page_size`: numbered pages.
    PageNumber { page: String, size: String },
}

/// Where a page's items and total are in the response payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageResponse {
    /// Wire name of the list of items (`data`, `info`, `results`).
    pub items: String,
    /// Wire name of the total count (`total`, `count`), when the page has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    /// UpperCamelCase, unique within the system: the type's identity in the IR. Not a public name (see
    /// `module` and `local`; it may change when other docs come and go).
    pub name: String,
    /// The API module that defines it (the first API, in file order, whose types reach it): `fast_execute_script`.
    #[serde(default)]
    pub module: String,
    /// Its public name there. Every API reaching the type names it in its own module ([`Api::names`]).
    #[serde(default)]
    pub local: String,
    pub doc: String,
    pub source: String,
    pub line: u32,
    pub kind: TypeKind,
    /// Some response reaches it: read tolerantly (a required field one record lacks reads as its type's
    /// empty value, see `bkapi_wire::Record::read_response`), never refusing data a server sends.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_responses: bool,
    /// How the doc's table was tied to this place: unset when a heading, reference or row names it; the line of
    /// the example whose keys the table's rows matched when nothing named it (see `lower::placement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placed_by_keys: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
    },
    /// An enum from a value table, a description's value list (`1 - shell, 2 - bat`) or a correction.
    Enum {
        values: Vec<EnumValue>,
        /// Accept values not listed (a newer server's): decoded into an `Unknown(…)` variant.
        open: bool,
        /// On the wire as strings (the default) or as integers.
        #[serde(default, skip_serializing_if = "EnumRepr::is_string")]
        repr: EnumRepr,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnumRepr {
    #[default]
    String,
    Integer,
}

impl EnumRepr {
    pub fn is_string(&self) -> bool {
        *self == EnumRepr::String
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    /// The value on the wire, as text (`"LINUX"`, or `"1"` for an integer enum).
    pub value: String,
    /// Its label in the API's doc.
    pub doc: String,
    pub line: u32,
    /// Its labels in the API's docs in other languages (`Success` for `成功`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_labels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Name on the wire.
    pub name: String,
    pub ty: Type,
    pub required: bool,
    pub doc: String,
    pub line: u32,
    /// The type cell as written in the doc (`long`, `list[int]`), kept for diagnostics.
    pub type_word: String,
    pub location: ParamLocation,
    /// Values a description enumerates (`1：LINUX 2：WINDOWS`): code → label. Checked against examples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documented_values: Vec<DocumentedValue>,
    /// Set when the type was not in the doc but inferred from an example.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
    /// Set when no table of the doc names the field: it exists because the example at this line sends it
    /// (still reported as drift D001).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_example: Option<u32>,
    /// A password, key or token: generated as a type whose `Debug` is redacted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// The description says the value is Base64: generated as a type that takes plain text or bytes and puts
    /// Base64 on the wire.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub base64: bool,
    /// The description retires the field (`*已弃用*`, `deprecated`): generated with `#[deprecated]`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentedValue {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Body,
    Query,
    Path,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "of")]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    /// Untyped JSON: the doc gives no usable type.
    Json,
    Array(Box<Type>),
    /// JSON object with arbitrary keys.
    Map(Box<Type>),
    /// A [`TypeDef`] of the same system.
    Named(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub kind: ExampleKind,
    pub line: u32,
    /// Parsed value (after repair); `None` when unreadable.
    pub value: Option<serde_json::Value>,
    /// What had to be repaired or merged to read it.
    pub repairs: Vec<String>,
    /// Why it could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExampleKind {
    Request,
    Response,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// What was corrected: `request.hosts.port`, `response.job_instance_name`, `path`, …
    pub target: String,
    pub doc_says: String,
    pub corrected: String,
    pub reason: String,
    /// Set when the generator made this correction because the example at this line contradicts the table
    /// (reported as drift); unset for a maintainer's correction in metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_example: Option<u32>,
    /// The contradiction an example-settled correction answers: drift reports it under that kind.
    #[serde(default, skip_serializing_if = "Contradiction::is_type_mismatch")]
    pub contradiction: Contradiction,
    /// Doc line of the corrected table row (0 when not about a row).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

/// What an example contradicts in its doc's table, when the example settles it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contradiction {
    /// Another type (or shape: a list, a page) than the table says.
    #[default]
    TypeMismatch,
    /// A field the table requires is absent.
    MissingRequired,
}

impl Contradiction {
    fn is_type_mismatch(&self) -> bool {
        *self == Contradiction::TypeMismatch
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Keys of ESB common arguments / gateway auth: authentication, never fields of a request type.
pub const AUTH_KEYS: &[&str] = &["bk_app_code", "bk_app_secret", "bk_token", "bk_username", "access_token"];

impl Type {
    /// The named type inside a type, through lists and maps (`Vec<Server>` → `Server`).
    pub fn named(&self) -> Option<&str> {
        match self {
            Type::Named(n) => Some(n),
            Type::Array(inner) | Type::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

impl System {
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

impl Api {
    pub fn example(&self, kind: ExampleKind) -> Option<&Example> {
        self.examples.iter().find(|e| e.kind == kind)
    }
}

/// The request parameters an example shows: the example object without the caller's credentials, except those
/// the API takes as its own parameters (`credential_parameters`: bk-login's `verify_bk_token` checks a `bk_token`).
pub fn request_params(example: &serde_json::Value, credential_parameters: &[String]) -> serde_json::Value {
    let is_credential = |k: &str| AUTH_KEYS.contains(&k) && !credential_parameters.iter().any(|p| p == k);
    match example {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter().filter(|(k, _)| !is_credential(k)).map(|(k, v)| (k.clone(), v.clone())).collect(),
        ),
        other => other.clone(),
    }
}

/// The fields named like credentials (`bk_token`) that an API's request declares: its own parameters.
pub fn credential_parameters<'a>(field_names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    field_names.into_iter().filter(|n| AUTH_KEYS.contains(n)).map(str::to_string).collect()
}

impl System {
    /// [`credential_parameters`] of `api`'s request type.
    pub fn credential_parameters(&self, api: &Api) -> Vec<String> {
        match self.type_def(&api.request).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields }) => credential_parameters(fields.iter().map(|f| f.name.as_str())),
            _ => Vec::new(),
        }
    }
}

/// The `{name}` placeholders of a path template (`/api/v3/{bk_biz_id}/x` → `bk_biz_id`), in order.
pub fn path_placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// The `data` payload of a response example: `value.data` when the example shows an envelope, `null` for an
/// envelope without `data` (`{result, code, message, request_id}`: nothing to return), else the value — where
/// the runtime finds it ([`bkapi_wire::envelope::data`]).
pub fn response_data(example: &serde_json::Value) -> &serde_json::Value {
    bkapi_wire::envelope::data(example)
}

/// A response example that reports a failure (`result: false`, a non-zero `code`, or a gateway `error` object):
/// the runtime returns `Error::Api` for it ([`bkapi_wire::envelope::is_failure`]), so it carries no data for
/// the types.
pub fn is_error_response(example: &serde_json::Value) -> bool {
    example.as_object().is_some_and(bkapi_wire::envelope::is_failure)
}

/// An object is an envelope if besides `data` it has only envelope keys (or is `{data}` alone), or if it has
/// `data` and `result` or `code` (extra keys such as `_meta` or sops' `count` aside): what the runtime reads.
pub fn is_envelope(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    bkapi_wire::envelope::is_envelope(map)
}

/// Whether the generated (lenient) reading of a scalar field of type `ty` accepts `value`.
pub fn reads_leniently(ty: &Type, value: &serde_json::Value) -> bool {
    match (ty, value) {
        (_, serde_json::Value::Null) | (Type::Json, _) => true,
        (Type::Integer, v) => lenient_i64(v).is_ok(),
        (Type::String, v) => matches!(v, serde_json::Value::String(_) | serde_json::Value::Number(_)),
        (Type::Number, serde_json::Value::Number(_)) | (Type::Boolean, serde_json::Value::Bool(_)) => true,
        _ => false,
    }
}

/// The JSON kind of a value, as the findings name it.
pub fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// How the generated code reads a lenient integer field: the wire crate's own reader, so that the model cannot
/// drift from it.
pub fn lenient_i64(v: &serde_json::Value) -> Result<Option<i64>, bkapi_wire::WireError> {
    bkapi_wire::lenient_int(v.clone())
}

/// ESB component paths hang under this prefix on the PaaS host (`/v2/jobv3/x/` → `/api/c/compapi/v2/jobv3/x/`).
pub const ESB_PREFIX: &str = "/api/c/compapi";
