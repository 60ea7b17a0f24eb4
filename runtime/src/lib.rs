//! The hand-written runtime of [`bkapi`](https://docs.rs/bkapi), the typed BlueKing (蓝鲸) bindings generated
//! from BlueKing's API docs. Users depend on `bkapi`, which re-exports all of this next to the generated system
//! modules; this crate is what the generated code calls:
//! [`Client`] (and, with the `blocking` feature, `blocking::Client`), [`Error`], [`RetryPolicy`], [`Secret`],
//! [`Base64`], the [`Endpoint`] trait the generated code implements, and [`wire`] (how its types read and write
//! JSON).
#![deny(missing_docs)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod encoded;
mod endpoint;
mod error;
#[cfg(feature = "mock")]
pub mod mock;
pub mod pages;
mod retry;
mod scrub;
mod secret;
mod settings;
mod wait;

/// How generated types read and write JSON (the crate `bkapi-wire`, which the generator models too).
pub use bkapi_wire as wire;
#[doc(hidden)]
pub use bkapi_wire::serde_through_wire;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_CONCURRENT_CALLS,
    DEFAULT_TIMEOUT, RequestPreview, decode_response,
};
pub use encoded::Base64;
pub use endpoint::{Endpoint, EndpointVisitor, Flavor, Method};
pub use error::{Error, FinalAnswer};
pub use futures_util::{Stream, StreamExt, TryStreamExt};
pub use pages::{Paged, Paging};
pub use retry::RetryPolicy;
pub use secret::Secret;
/// The JSON crate the types read and write through (`bkapi::serde_json::json!`, `Value`): the same version, so a
/// program needs no dependency of its own to build a request from JSON or read an `extra` key.
pub use serde_json;
pub use wait::WaitPolicy;
