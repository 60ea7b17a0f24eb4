//! What `cargo xtask` runs, on top of the pipeline: [`regen`] (write the generated crate's API modules),
//! [`import`] (bring a BlueKing doc tree into `api-docs/` with its provenance), [`corpus`] (every stage over a
//! tree, counted).

pub mod corpus;
pub mod import;
pub mod regen;

/// `cargo xtask drift`: every contradiction in the docs as a finding, and the baselines that accept them.
pub mod findings {
    pub use crate::check::baseline::*;
    pub use crate::check::findings::*;
}
/// `cargo xtask diff`: the API change between two IRs, with its semver bump.
pub use crate::check::api_diff as diff;
/// `cargo xtask corpus --sdk`: located ESB APIs against BlueKing's ESB SDK bindings.
pub use crate::check::sdk_crosscheck as sdk;
/// `cargo xtask openapi`: the IR as OpenAPI 3.0 documents.
pub use crate::emit::openapi;
