//! The one error type of the client. Messages name the API called and never contain secrets.

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// BlueKing answered and said no (`result: false`, non-zero `code`, or a gateway `error`).
    #[error("{api}: BlueKing error {code}: {message}{}", request_id.as_deref().map(|r| format!(" (request_id {r})")).unwrap_or_default())]
    Api {
        /// The API called (`jobv3.fast_execute_script`).
        api: &'static str,
        /// BlueKing's error code, as text (it comes as a number or a string).
        code: String,
        /// BlueKing's error message.
        message: String,
        /// The request id (`X-Request-Id` / `X-Bkapi-Request-Id` header or the envelope's `request_id`).
        request_id: Option<String>,
        /// Permission-application data, when the error is a missing permission.
        permission: Option<serde_json::Value>,
    },
    /// A non-success HTTP status without a BlueKing error body.
    #[error("{api}: HTTP {status}: {body}")]
    Http {
        /// The API called.
        api: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body (at most 512 characters).
        body: String,
    },
    /// The server redirected the call to another origin (or in circles), and the client did not follow: the
    /// credentials it carries stay with the configured base URL. Check that URL (a proxy or load balancer in
    /// front of BlueKing may redirect `http` to `https`, or to a login page).
    #[error("{api}: HTTP {status} redirect to {} not followed: credentials go only to the configured base URL", location.as_deref().unwrap_or("(no Location)"))]
    Redirect {
        /// The API called.
        api: &'static str,
        /// The redirect status (301, 302, 303, 307, 308).
        status: u16,
        /// Where the server pointed, without query string or user info.
        location: Option<String>,
    },
    /// The response does not match the generated types.
    #[error("{api}: cannot decode the response at `{path}`: {message}; body: {body}")]
    Decode {
        /// The API called.
        api: &'static str,
        /// JSON path of the value that did not fit (`data.job_instance_id`; `.` for the body itself).
        path: String,
        /// What serde said.
        message: String,
        /// The start of the body (at most 512 characters).
        body: String,
    },
    /// The request did not complete (connection, timeout, TLS).
    #[error("{api}: request failed: {source}")]
    Transport {
        /// The API called.
        api: &'static str,
        /// The underlying error, without its URL (an ESB GET's URL carries the app secret).
        #[source]
        source: reqwest::Error,
    },
    /// A wait ([`Client::wait_until`](crate::Client::wait_until), a generated waiter) reached its deadline: the
    /// last answer still said "not done".
    #[error("{api}: still not done after {waited:?} ({calls} calls); raise the wait's deadline or check the job")]
    Timeout {
        /// The API polled.
        api: &'static str,
        /// How long the wait lasted.
        waited: std::time::Duration,
        /// How many calls it made.
        calls: u32,
    },
    /// A walk over a paged API (a generated `…_pages` method) met a server that does not page as asked.
    #[error("{api}: page {page}: {reason}")]
    Paging {
        /// The API walked.
        api: &'static str,
        /// The page (from 1) whose answer ended the walk.
        page: u32,
        /// What the server did, and what to do about it.
        reason: String,
    },
    /// The response body was larger than the client reads ([`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)).
    #[error("{api}: the response body is larger than {limit} bytes; raise `max_body_size` or ask for less (a page)")]
    BodyTooLarge {
        /// The API called.
        api: &'static str,
        /// The limit, in bytes.
        limit: usize,
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
