//! Opt-in retries with exponential backoff.

use std::time::Duration;

/// When and how often a failed call is tried again.
///
/// Retried: a request that never reached the server (connection refused or reset before sending), for any
/// method; and, for `GET` only, a timeout or an HTTP 429 / 502 / 503 / 504. A `POST` that may have reached the
/// server is never repeated: BlueKing's POST APIs start jobs and change state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl RetryPolicy {
    /// Up to `max_retries` retries, waiting 200 ms, 400 ms, 800 ms, … (at most 5 s) in between.
    pub fn new(max_retries: u32) -> Self {
        RetryPolicy { max_retries, initial_backoff: Duration::from_millis(200), max_backoff: Duration::from_secs(5) }
    }

    /// The first wait, and the cap that the doubling waits never exceed.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The wait before retry number `attempt + 1`.
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(16));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy::new(5).backoff(Duration::from_millis(100), Duration::from_millis(350));
        let waits: Vec<u128> = (0..4).map(|a| p.delay(a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
        assert_eq!(RetryPolicy::new(1).delay(40), Duration::from_secs(5));
    }
}
