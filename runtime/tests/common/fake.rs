//! Endpoints and server answers for the runtime tests (`runtime/tests/`, and the bindings crate's `runtime.rs`,
//! `logs.rs`): hand-written `Endpoint`s cover what the seed APIs do not (an ESB GET, a gateway path parameter).
#![allow(dead_code)]

use bkapi_runtime::{Client, Endpoint, Flavor, Method};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

pub const SECRET: &str = "app-s3cret";
pub const TOKEN: &str = "user-t0ken";

/// A test endpoint of system `$system` whose requests and responses are plain JSON.
macro_rules! endpoint {
    ($(#[$doc:meta])* $marker:ident, $system:literal, $name:literal, $method:ident, $flavor:ident, $path:literal, [$($param:literal),*] $(, gateway $gateway:literal)? $(, idempotent $idempotent:literal)? $(, list_body $list_body:literal)?) => {
        $(#[$doc])*
        pub struct $marker;
        impl Endpoint for $marker {
            type Request = Value;
            type Response = Value;
            const SYSTEM: &'static str = $system;
            const NAME: &'static str = $name;
            const ID: &'static str = concat!($system, ".", $name);
            const METHOD: Method = Method::$method;
            const PATH: &'static str = $path;
            const FLAVOR: Flavor = Flavor::$flavor;
            const PATH_PARAMS: &'static [&'static str] = &[$($param),*];
            const QUERY_PARAMS: &'static [&'static str] = &[];
            $(const GATEWAY: &'static str = $gateway;)?
            $(const IDEMPOTENT: bool = $idempotent;)?
            $(const LIST_BODY: Option<&'static str> = Some($list_body);)?
        }
    };
}

endpoint!(
    /// An ESB GET endpoint (none of the seed APIs is one).
    ListThings, "test", "list_things", Get, Esb, "/api/c/compapi/v2/test/list_things/", []
);
endpoint!(
    /// An ESB POST endpoint.
    StartThing, "test", "start_thing", Post, Esb, "/api/c/compapi/v2/test/start_thing/", []
);
endpoint!(
    /// A gateway endpoint with a path parameter.
    GetScoped, "gw", "get_scoped", Get, Gateway, "/api/v3/scope/{bk_scope_id}/thing", ["bk_scope_id"]
);

endpoint!(
    /// A gateway endpoint whose gateway (`bk-test`) the docs name: its base URL can come from a template.
    GetNamed, "named", "get_named", Get, Gateway, "/api/v3/named/", [], gateway "bk-test"
);

endpoint!(
    /// A read that the docs publish as POST, marked idempotent (as `bkapi.toml` marks `get_job_instance_status`).
    ReadByPost, "test", "read_by_post", Post, Esb, "/api/c/compapi/v2/test/read_by_post/", [], idempotent true
);

endpoint!(
    /// A gateway endpoint whose body is a JSON list (IAM's `system_add_actions`), held in the request's `items`.
    AddItems, "gw", "add_items", Post, Gateway, "/api/v1/systems/{system_id}/items/", ["system_id"], list_body "items"
);

/// A successful ESB envelope around `data`.
pub fn ok(data: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"result": true, "code": 0, "message": "ok", "data": data}))
}

/// A client for `server`: ESB at its root, gateway system `gw` under `/api/gw/prod`, user by `bk_token`.
pub fn builder(server: &MockServer) -> bkapi_runtime::ClientBuilder {
    Client::builder()
        .esb_base_url(server.uri())
        .gateway_base_url("gw", format!("{}/api/gw/prod", server.uri()))
        .app_code("app")
        .app_secret(SECRET)
        .bk_token(TOKEN)
}
