//! Waiting for something BlueKing runs (a JOB job instance): the same call again, with backoff, until the
//! answer says it is done or a deadline passes. Generated waiters (`client.jobv3().wait_for_job(…)`, declared in
//! a system's `bkapi.toml`) call [`Client::wait_until`].

use std::time::{Duration, Instant};

use crate::error::FinalAnswer;
use crate::{Client, Endpoint, Error};

/// How long and how often to poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitPolicy {
    /// Delay before the second call; it doubles after each call, up to `max_delay`.
    pub first_delay: Duration,
    /// The longest delay between two calls.
    pub max_delay: Duration,
    /// After this long, the wait fails with [`Error::Timeout`].
    pub deadline: Duration,
}

impl Default for WaitPolicy {
    /// 1 s, doubling to 10 s, for at most 10 minutes.
    fn default() -> Self {
        WaitPolicy {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            deadline: Duration::from_secs(600),
        }
    }
}

impl WaitPolicy {
    /// The default delays with this deadline.
    pub fn with_deadline(deadline: Duration) -> Self {
        WaitPolicy { deadline, ..WaitPolicy::default() }
    }
}

impl Client {
    /// Calls `E` with `request` until `done` says the answer is final, and returns that answer. A failing call
    /// ends the wait with its error — unless `E` is a read (a GET, or idempotent by its metadata) and the
    /// failure may pass ([`Error::is_retryable`]): then the wait goes on. The deadline ends it with
    /// [`Error::Timeout`].
    pub async fn wait_until<E: Endpoint>(
        &self,
        request: E::Request,
        policy: &WaitPolicy,
        done: impl Fn(&E::Response) -> bool,
    ) -> Result<E::Response, Error>
    where
        E::Request: Clone,
        E::Response: Send + Sync + 'static,
    {
        self.wait_for_outcome::<E>(request, policy, done, |_| Ok(())).await
    }

    /// [`Client::wait_until`], then the final answer judged by `outcome`: `Err(what it says)` ends the wait
    /// with [`Error::Unsuccessful`], which carries the answer. Generated waiters whose metadata says what
    /// success is (`success_field`, `success_values`) call this.
    pub async fn wait_for_outcome<E: Endpoint>(
        &self,
        request: E::Request,
        policy: &WaitPolicy,
        done: impl Fn(&E::Response) -> bool,
        outcome: impl Fn(&E::Response) -> Result<(), String>,
    ) -> Result<E::Response, Error>
    where
        E::Request: Clone,
        E::Response: Send + Sync + 'static,
    {
        let start = Instant::now();
        let mut delay = policy.first_delay;
        let mut calls = 0u32;
        loop {
            let answer = self.call::<E>(request.clone()).await;
            calls += 1;
            match answer {
                Ok(answer) if done(&answer) => {
                    return match outcome(&answer) {
                        Ok(()) => Ok(answer),
                        Err(outcome) => {
                            Err(Error::Unsuccessful { api: E::ID, outcome, answer: FinalAnswer::new(answer) })
                        }
                    };
                }
                Ok(_) => {}
                // One 502 in a ten-minute wait is no reason to give up on a read.
                Err(e) if crate::endpoint::idempotent::<E>() && e.is_retryable() => {
                    tracing::warn!(api = E::ID, calls, error = %e, "poll failed; polling on");
                }
                Err(e) => return Err(e),
            }
            if start.elapsed() + delay > policy.deadline {
                return Err(Error::Timeout { api: E::ID, waited: start.elapsed(), calls });
            }
            tracing::debug!(api = E::ID, calls, delay_ms = delay.as_millis() as u64, "not done yet");
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(policy.max_delay);
        }
    }
}
