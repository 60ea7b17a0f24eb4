//! A blocking client (feature `blocking`) with the async client's surface:
//! `client.jobv3().fast_execute_script(request)?`, for programs without an async runtime.

use std::sync::Arc;

use crate::endpoint::Endpoint;
use crate::error::Error;

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

    /// Calls one API and waits for the answer. Generated methods call this.
    pub fn call<E: Endpoint>(&self, request: E::Request) -> Result<E::Response, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(format!(
                "{}: the blocking client was called inside an async runtime; use `bkapi::Client` there",
                E::ID
            )));
        }
        self.runtime.block_on(self.inner.call::<E>(request))
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
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(format!(
                "{}: the blocking client was called inside an async runtime; use `bkapi::Client` there",
                E::ID
            )));
        }
        self.runtime.block_on(self.inner.wait_until::<E>(request, policy, done))
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
