//! The one error type of the client. Messages name the API called, say why, and never contain secrets: what a
//! server sends back is scrubbed of every secret the call carried before it goes into an error.

/// Everything a call can fail with. New kinds of failure may be added: match the ones you handle and keep a
/// catch-all arm, or ask the predicates ([`Error::is_retryable`], [`Error::is_permission_denied`], …).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
        /// Permission-application data, when the error is a missing permission (boxed: it is rare, and keeps
        /// the error small).
        permission: Option<Box<serde_json::Value>>,
        /// The HTTP status of the answer (200 for an ESB envelope saying `result: false`).
        status: u16,
    },
    /// A non-success HTTP status without a BlueKing error body.
    #[error("{api}: HTTP {status}: {body}")]
    Http {
        /// The API called.
        api: &'static str,
        /// The HTTP status.
        status: u16,
        /// The start of the body, on one line (at most 512 characters), secrets replaced by `[redacted]`.
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
        /// The start of the body, on one line (at most 512 characters), secrets replaced by `[redacted]`.
        body: String,
    },
    /// The request did not complete: no connection, no answer in time, TLS, a body cut off.
    #[error("{api}: {message}")]
    Transport {
        /// The API called.
        api: &'static str,
        /// What happened and its cause (`timed out after 30 s waiting for https://host/path`,
        /// `cannot connect to host:443: Connection refused (os error 111)`).
        message: String,
        /// The underlying error, without its URL.
        #[source]
        source: reqwest::Error,
    },
    /// The request cannot be sent as it is: a path parameter missing, none of a one-of group set. Nothing was
    /// sent.
    #[error("{api}: invalid request: {message}")]
    InvalidRequest {
        /// The API called.
        api: &'static str,
        /// What is wrong with it, naming the field.
        message: String,
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
    /// A wait ended, but not as hoped: the job (or whatever was waited for) finished without success. The final
    /// answer, typed, is in the error: [`Error::final_answer`].
    #[error("{api}: finished without success: {outcome}")]
    Unsuccessful {
        /// The API polled.
        api: &'static str,
        /// What the final answer says (`job_instance.status` is 4, not 3).
        outcome: String,
        /// The final answer: [`Error::final_answer`] gives it back as the API's response type.
        answer: FinalAnswer,
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

/// The final answer of a wait that ended without success, as the API's response type (see
/// [`Error::final_answer`]).
pub struct FinalAnswer(Box<dyn std::any::Any + Send + Sync>);

impl FinalAnswer {
    pub(crate) fn new<T: std::any::Any + Send + Sync>(answer: T) -> Self {
        FinalAnswer(Box::new(answer))
    }
}

impl std::fmt::Debug for FinalAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The answer's type is known to the waiter's caller only (`Error::final_answer`).
        f.write_str("FinalAnswer(..)")
    }
}

/// ESB's code for an app without permission to call an API.
const ESB_NO_PERMISSION: &str = "9900403";

impl Error {
    /// The API the failed call was made to (`jobv3.fast_execute_script`), when the error is about one.
    pub fn api(&self) -> Option<&'static str> {
        match self {
            Error::Api { api, .. }
            | Error::Http { api, .. }
            | Error::Redirect { api, .. }
            | Error::Decode { api, .. }
            | Error::Transport { api, .. }
            | Error::InvalidRequest { api, .. }
            | Error::Timeout { api, .. }
            | Error::Unsuccessful { api, .. }
            | Error::Paging { api, .. }
            | Error::BodyTooLarge { api, .. } => Some(api),
            Error::Config(_) => None,
        }
    }

    /// The final answer of a wait that ended without success ([`Error::Unsuccessful`]), as the polled API's
    /// response type `T` (`GetJobInstanceStatusResponse`: the job's and each step's status, each host's result).
    pub fn final_answer<T: std::any::Any>(&self) -> Option<&T> {
        match self {
            Error::Unsuccessful { answer, .. } => answer.0.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Http { status, .. } | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// BlueKing's error code, when BlueKing said no.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The request id BlueKing gave the call, to quote to its operators.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The app or the user lacks a permission: BlueKing sent permission-application data, ESB's code 9900403,
    /// or HTTP 403. Apply for the permission (the data says which) rather than retry.
    pub fn is_permission_denied(&self) -> bool {
        match self {
            Error::Api { permission, code, status, .. } => {
                permission.as_ref().is_some_and(|p| !p.is_null()) || code == ESB_NO_PERMISSION || *status == 403
            }
            Error::Http { status, .. } => *status == 403,
            _ => false,
        }
    }

    /// Whether the same call may succeed later: no connection was made, no answer came in time, or the server
    /// said it is busy or unavailable (HTTP 429, 502, 503, 504). Whether retrying is *safe* depends on the API:
    /// a call that writes may have been carried out (the client's own [`RetryPolicy`](crate::RetryPolicy)
    /// retries only what is).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => source.is_connect() || source.is_timeout(),
            Error::Http { status, .. } | Error::Api { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// No answer in time: a call's timeout, or a wait's deadline ([`Error::Timeout`]).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { source, .. } => source.is_timeout(),
            Error::Timeout { .. } => true,
            _ => false,
        }
    }

    /// The request was refused before anything was sent ([`Error::InvalidRequest`]) or the client is not
    /// configured for it ([`Error::Config`]): fix the code, not the network.
    pub fn is_usage_error(&self) -> bool {
        matches!(self, Error::InvalidRequest { .. } | Error::Config(_))
    }

    /// What a transport failure shows: what happened, where, and the cause's chain (reqwest's own message,
    /// `error sending request`, says neither). `url` has no query string (an ESB GET's once held secrets).
    pub(crate) fn transport(
        api: &'static str,
        error: reqwest::Error,
        url: &url::Url,
        timeout: Option<std::time::Duration>,
    ) -> Self {
        let error = error.without_url();
        let mut causes: Vec<String> = Vec::new();
        let mut next = std::error::Error::source(&error);
        while let Some(cause) = next {
            let text = cause.to_string();
            // Each layer tends to repeat the one below: keep the words that add something.
            if !causes.iter().any(|c| c.contains(&text)) {
                causes.retain(|c| !text.contains(c.as_str()));
                causes.push(text);
            }
            next = cause.source();
        }
        let cause = if causes.is_empty() { error.to_string() } else { causes.join(": ") };
        let mut shown = url.clone();
        shown.set_query(None);
        let host = format!("{}:{}", url.host_str().unwrap_or("?"), url.port_or_known_default().unwrap_or(0));
        let message = if error.is_timeout() {
            match timeout {
                Some(t) => format!("timed out after {} waiting for {shown}", seconds(t)),
                None => format!("timed out waiting for {shown}"),
            }
        } else if error.is_connect() {
            format!("cannot connect to {host}: {cause}")
        } else if error.is_body() || error.is_decode() {
            format!("the answer from {host} broke off: {cause}")
        } else {
            format!("request to {shown} failed: {cause}")
        };
        Error::Transport { api, message, source: error }
    }

    /// The same error with every secret of the call scrubbed from the text a server sent back.
    pub(crate) fn scrubbed(self, secrets: &crate::scrub::Secrets) -> Self {
        match self {
            Error::Api { api, code, message, request_id, permission, status } => Error::Api {
                api,
                code: secrets.scrub(&code),
                message: secrets.scrub(&message),
                request_id,
                permission: permission.map(|p| Box::new(secrets.scrub_value(*p))),
                status,
            },
            Error::Transport { api, message, source } => {
                Error::Transport { api, message: secrets.scrub(&message), source }
            }
            Error::Redirect { api, status, location } => {
                Error::Redirect { api, status, location: location.map(|l| secrets.scrub(&l)) }
            }
            other => other,
        }
    }
}

/// A duration as people read it: `30 s`, `1.5 s`, `250 ms`.
fn seconds(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}
