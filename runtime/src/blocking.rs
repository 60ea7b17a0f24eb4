//! A blocking client (feature `blocking`) with the async client's surface:
//! `client.jobv3().fast_execute_script(request)?`, for programs without an async runtime.

use std::sync::Arc;

use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::pages::{Paged, Walk};

/// Runs each call of an async [`crate::Client`] to completion on a runtime of its own. Cheap to clone.
///
/// Use it where there is no async runtime: inside one (a `#[tokio::main]` program), calls return
/// [`Error::Config`] instead of blocking the runtime's thread; use [`crate::Client`] there.
#[derive(Debug, Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Client {
    /// The async client this one drives.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// The same client with the async one changed by `change` (`|c| c.as_user("alice")`, see
    /// [`crate::Client::as_user`] and the other `with_…` methods): a cheap clone sharing the pool and runtime.
    pub fn derive(&self, change: impl FnOnce(&crate::Client) -> crate::Client) -> Client {
        Client { inner: change(&self.inner), runtime: Arc::clone(&self.runtime) }
    }

    /// Calls one API and waits for the answer. Generated methods call this.
    pub fn call<E: Endpoint>(&self, request: E::Request) -> Result<E::Response, Error> {
        refuse_inside_a_runtime(E::ID)?;
        self.runtime.block_on(self.inner.call::<E>(request))
    }

    /// [`crate::Client::pages`], blocking: every item of a paged API. Generated `…_pages` methods call this.
    pub fn pages<E: Paged>(&self, request: E::Request) -> Pages<'_, E> {
        Pages { client: self, walk: Some(Walk::new::<E>(&request)), items: Vec::new().into_iter() }
    }

    /// [`crate::Client::wait_until`], blocking. Generated waiters call this.
    pub fn wait_until<E: Endpoint>(
        &self,
        request: E::Request,
        policy: &crate::WaitPolicy,
        done: impl Fn(&E::Response) -> bool,
    ) -> Result<E::Response, Error>
    where
        E::Request: Clone,
        E::Response: Send + Sync + 'static,
    {
        refuse_inside_a_runtime(E::ID)?;
        self.runtime.block_on(self.inner.wait_until::<E>(request, policy, done))
    }

    /// [`crate::Client::wait_for_outcome`], blocking. Generated waiters call this.
    pub fn wait_for_outcome<E: Endpoint>(
        &self,
        request: E::Request,
        policy: &crate::WaitPolicy,
        done: impl Fn(&E::Response) -> bool,
        outcome: impl Fn(&E::Response) -> Result<(), String>,
    ) -> Result<E::Response, Error>
    where
        E::Request: Clone,
        E::Response: Send + Sync + 'static,
    {
        refuse_inside_a_runtime(E::ID)?;
        self.runtime.block_on(self.inner.wait_for_outcome::<E>(request, policy, done, outcome))
    }
}

/// Every item of a paged API, page after page: [`Client::pages`]. A failing page ends the iteration with its
/// error, after the items of the pages before.
pub struct Pages<'c, E: Paged> {
    client: &'c Client,
    walk: Option<Result<Walk, Error>>,
    items: std::vec::IntoIter<E::Item>,
}

impl<E: Paged> std::fmt::Debug for Pages<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").field("api", &E::ID).field("walk", &self.walk).finish_non_exhaustive()
    }
}

impl<E: Paged> Iterator for Pages<'_, E> {
    type Item = Result<E::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.items.next() {
                return Some(Ok(item));
            }
            let mut walk = match self.walk.take()? {
                Ok(walk) => walk,
                Err(e) => return Some(Err(e)),
            };
            let page = match walk.next_request::<E>()? {
                Ok(request) => self.client.call::<E>(request).and_then(|response| walk.take::<E>(&response)),
                Err(e) => Err(e),
            };
            match page {
                Ok(items) => {
                    self.items = items.into_iter();
                    self.walk = Some(Ok(walk));
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Blocking inside an async runtime would stall its thread (or panic): a configuration error instead.
fn refuse_inside_a_runtime(api: &str) -> Result<(), Error> {
    match tokio::runtime::Handle::try_current() {
        Ok(_) => Err(Error::Config(format!(
            "{api}: the blocking client was called inside an async runtime; use `bkapi::Client` there"
        ))),
        Err(_) => Ok(()),
    }
}

impl crate::ClientBuilder {
    /// Builds a [`Client`](crate::blocking::Client): the same configuration, blocking calls.
    pub fn build_blocking(self) -> Result<Client, Error> {
        let inner = self.build()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the blocking client's runtime: {e}")))?;
        Ok(Client { inner, runtime: Arc::new(runtime) })
    }
}
