//! Calling an API from the command line: the request checked by the bindings' own type, the call (or its
//! preview), the answer printed, and each failure with the exit code of its kind.

use std::future::Future;
use std::io::IsTerminal;
use std::pin::Pin;
use std::time::Duration;

use bkapi::wire::Wire;
use bkapi::{Endpoint, Paged, StreamExt, WaitPolicy};
use serde_json::Value;

use crate::output::{Output, print_items, print_value};

/// A command running: what the generated tables' calls return.
pub(crate) type Running<'a> = Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>>;

/// What a command runs with.
pub(crate) struct Context {
    pub client: bkapi::Client,
    pub output: Output,
    /// Print the HTTP request instead of sending it.
    pub dry_run: bool,
    /// How long a waiter waits.
    pub deadline: Duration,
}

impl Context {
    pub(crate) fn wait_policy(&self) -> WaitPolicy {
        WaitPolicy::with_deadline(self.deadline)
    }
}

/// Why a command failed, by what the user does about it: each kind has its exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The command line, the request or the settings are wrong; nothing was sent. Exit code 2.
    Usage(String),
    /// BlueKing answered and said no. Exit code 3.
    Api(String),
    /// The call did not get an answer it could read (connection, timeout, HTTP error page, undecodable body).
    /// Exit code 4.
    Transport(String),
    /// Whoever read the output stopped reading (`bkapi … | head`): nothing more to say. Exit code 0.
    Closed,
}

impl Failure {
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Api(_) => 3,
            Failure::Transport(_) => 4,
            Failure::Closed => 0,
        }
    }

    pub(crate) fn message(&self) -> &str {
        match self {
            Failure::Usage(m) | Failure::Api(m) | Failure::Transport(m) => m,
            Failure::Closed => "",
        }
    }
}

impl From<bkapi::Error> for Failure {
    fn from(e: bkapi::Error) -> Self {
        // The library's messages name the API, and never hold a secret (what a server sent back is scrubbed).
        let message = e.to_string();
        match e {
            bkapi::Error::Api { .. } | bkapi::Error::Unsuccessful { .. } => Failure::Api(message),
            bkapi::Error::InvalidRequest { .. } | bkapi::Error::Config(_) => Failure::Usage(message),
            _ => Failure::Transport(message),
        }
    }
}

/// The request as the API's type reads it: an unknown field, a value of the wrong type or a missing required
/// field is refused with the library's own words, before anything is sent.
pub(crate) fn request<E: Endpoint>(request: Value) -> Result<E::Request, Failure> {
    E::Request::from_wire(request).map_err(|e| Failure::Usage(format!("{}: the request does not fit: {e}", E::ID)))
}

/// Calls `E` (or, with `--dry-run`, prints the HTTP request it would send) and prints the answer's `data`.
pub(crate) fn call<E: Endpoint>(context: &Context, value: Value) -> Running<'_>
where
    E::Request: 'static,
    E::Response: 'static,
{
    Box::pin(async move {
        let request = request::<E>(value)?;
        if context.dry_run {
            return preview::<E>(context, &request);
        }
        let answer = context.client.call::<E>(request).await;
        print_answer::<E>(context, answer)
    })
}

/// One page of a paged `E`: a request that gives the page's size but not its start asks for the first page
/// (`--page.limit 10` alone is the first ten).
pub(crate) fn call_paged<E: Paged>(context: &Context, mut value: Value) -> Running<'_>
where
    E::Request: 'static,
    E::Response: 'static,
{
    let fields = paging_fields::<E>();
    if let Some(place) = page_place(&mut value, fields.object, false)
        && place.contains_key(fields.size)
    {
        place.entry(fields.start).or_insert(Value::from(fields.first));
    }
    call::<E>(context, value)
}

/// Every item of every page of `E`, one JSON line each as they come (`--all`).
pub(crate) fn all<E: Paged>(context: &Context, value: Value) -> Running<'_>
where
    E::Request: 'static,
{
    Box::pin(async move {
        let request = request::<E>(from_the_first_page::<E>(value))?;
        if context.dry_run {
            return preview::<E>(context, &request);
        }
        let mut items = std::pin::pin!(context.client.pages::<E>(request));
        let mut out = std::io::stdout().lock();
        while let Some(item) = items.next().await {
            let item = item?.to_wire();
            print_items(&mut out, std::slice::from_ref(&item)).map_err(broken_pipe)?;
        }
        Ok(())
    })
}

/// The request asks for the first page, of the largest size the doc allows, unless it says otherwise: `--all`
/// needs no `--page.start 0`.
fn from_the_first_page<E: Paged>(mut value: Value) -> Value {
    let fields = paging_fields::<E>();
    let size = E::PAGING.max_page_size.unwrap_or(bkapi::pages::DEFAULT_PAGE_SIZE);
    if let Some(place) = page_place(&mut value, fields.object, true) {
        place.entry(fields.start).or_insert(Value::from(fields.first));
        place.entry(fields.size).or_insert(Value::from(size));
    }
    value
}

/// Where a paged API's request says which page it wants.
struct PagingFields {
    /// The object holding start and size (`page`), or `None` when they are the request's own fields.
    object: Option<&'static str>,
    start: &'static str,
    size: &'static str,
    /// The first page's start: offset 0, or page number 1.
    first: i64,
}

fn paging_fields<E: Paged>() -> PagingFields {
    use bkapi::pages::PageRequest;
    match E::PAGING.request {
        PageRequest::PageObject { field, start, limit } => {
            PagingFields { object: Some(field), start, size: limit, first: 0 }
        }
        PageRequest::Offset { start, limit } => PagingFields { object: None, start, size: limit, first: 0 },
        PageRequest::PageNumber { page, size } => PagingFields { object: None, start: page, size, first: 1 },
    }
}

/// The object of `value` where the paging fields go (`create`: make the page object when the request has none).
fn page_place<'v>(
    value: &'v mut Value,
    object: Option<&str>,
    create: bool,
) -> Option<&'v mut serde_json::Map<String, Value>> {
    let Value::Object(map) = value else { return None };
    match object {
        None => Some(map),
        Some(field) if create => {
            map.entry(field).or_insert_with(|| Value::Object(serde_json::Map::new())).as_object_mut()
        }
        Some(field) => map.get_mut(field).and_then(Value::as_object_mut),
    }
}

fn preview<E: Endpoint>(context: &Context, request: &E::Request) -> Result<(), Failure> {
    let preview = context.client.preview::<E>(request)?;
    print!("{preview}");
    Ok(())
}

/// Prints an answer's `data`; for a waiter's unsuccessful final answer, that answer, then the failure.
pub(crate) fn print_answer<E: Endpoint>(
    context: &Context,
    answer: Result<E::Response, bkapi::Error>,
) -> Result<(), Failure>
where
    E::Response: 'static,
{
    let mut out = std::io::stdout().lock();
    match answer {
        Ok(response) => print_value(&mut out, &response.to_wire(), context.output).map_err(broken_pipe),
        Err(e) => {
            if let Some(last) = e.final_answer::<E::Response>() {
                print_value(&mut out, &last.to_wire(), context.output).map_err(broken_pipe)?;
            }
            Err(e.into())
        }
    }
}

/// Runs a wait with a spinner on a terminal (the API polled, the time waited), cleared when it ends.
pub(crate) async fn with_progress<T>(_context: &Context, api: &str, waiting: impl Future<Output = T>) -> T {
    if !std::io::stderr().is_terminal() {
        return waiting.await;
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} waiting for {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    spinner.set_message(api.to_string());
    spinner.enable_steady_tick(Duration::from_millis(120));
    let result = waiting.await;
    spinner.finish_and_clear();
    result
}

/// A reader that went away (`bkapi … | head`) is no failure of the call.
fn broken_pipe(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Failure::Closed;
    }
    Failure::Transport(format!("cannot write the answer: {e}"))
}
