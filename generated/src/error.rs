//! The one error type of the client. Messages name the API called and never contain secrets.

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// BlueKing answered and said no (`result: false`, non-zero `code`, or a gateway `error`).
    #[error("{api}: BlueKing error {code}: {message}{}", request_id.as_deref().map(|r| format!(" (request_id {r})")).unwrap_or_default())]
    Api {
        api: &'static str,
        code: String,
        message: String,
        request_id: Option<String>,
        /// Permission-application data, when the error is a missing permission.
        permission: Option<serde_json::Value>,
    },
    /// A non-success HTTP status without a BlueKing error body.
    #[error("{api}: HTTP {status}: {body}")]
    Http { api: &'static str, status: u16, body: String },
    /// The response does not match the generated types.
    #[error("{api}: cannot decode the response at `{path}`: {message}; body: {body}")]
    Decode { api: &'static str, path: String, message: String, body: String },
    /// The request did not complete (connection, timeout, TLS).
    #[error("{api}: request failed: {source}")]
    Transport {
        api: &'static str,
        #[source]
        source: reqwest::Error,
    },
    /// The client is not configured for this call.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// At most 512 characters of a body, for error messages.
pub(crate) fn excerpt(body: &str) -> String {
    const MAX: usize = 512;
    match body.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", body.get(..i).unwrap_or(body)),
        None => body.to_string(),
    }
}
