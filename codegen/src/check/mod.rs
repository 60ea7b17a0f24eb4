//! Checks of the IR against what the docs show: [`wire_model`] (the one model of how the generated code reads
//! JSON — each example walked against the types: what decodes, what comes back, what contradicts the doc),
//! [`drift`] (examples and path vs the IR), [`retention`] (which example values reach the types and come back),
//! [`findings`] (drift and coded diagnostics as findings D001…, rendered like rustc), [`baseline`] (the
//! findings each system accepts), [`sdk_crosscheck`] (located ESB APIs vs BlueKing's SDK bindings),
//! [`manifest_routes`] (located APIs vs the manifests beside the docs, and the entries no doc has), and
//! [`api_diff`] (IR vs IR: API changes and their semver bump).
//!
//! Invariant: `check/` reads only the IR (and the root modules); it never imports `read/`, `lower/`, `emit/`,
//! the pipeline or the tasks.

pub mod api_diff;
pub mod baseline;
pub mod drift;
pub mod findings;
pub mod manifest_routes;
pub mod retention;
pub mod sdk_crosscheck;
pub mod wire_model;
