//! Helpers of the runtime tests (also used by the bindings crate's tests, `tests/src/lib.rs`).

pub mod fake;
