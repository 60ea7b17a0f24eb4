//! bkapi-codegen: BlueKing API docs (markdown) → typed Rust bindings (see `ARCHITECTURE.md`).
//!
//! [`pipeline::build_system`] turns one system's docs, read into memory, into its [`ir`] (with
//! [`diagnostics`]); [`pipeline::load_docs`] reads a tree and builds each system. The [`tasks`] run on top:
//! `regen` (the generated crate's API modules), `import`, `corpus`, and what the drift, diff, OpenAPI and SDK
//! commands need. The stages themselves (`read`, `lower`, `check`, `emit`, `naming`) are crate-internal.

pub mod diagnostics;
pub mod ir;
pub mod pipeline;
pub mod tasks;

/// The stages themselves, reachable for this project's tests, benchmarks and fuzz targets only: no stable API.
/// (Declared here rather than at the root so that the library's public surface is the four modules above.)
#[doc(hidden)]
#[path = "."]
pub mod internals {
    pub mod check;
    pub mod emit;
    pub mod lower;
    pub mod naming;
    pub mod read;
}
use internals::{check, emit, lower, naming, read};

use std::path::PathBuf;

use diagnostics::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },

    /// A file that is not UTF-8: the loader reports it as a diagnostic of that doc and goes on.
    #[error("{}:{line}: not UTF-8 (invalid byte at offset {offset}); convert the file to UTF-8", path.display())]
    NotUtf8 { path: PathBuf, line: u32, offset: usize },

    #[error("{} error(s) in the docs; nothing was written:\n{}", diagnostics.len(), join(diagnostics))]
    Docs { diagnostics: Vec<Diagnostic> },

    #[error(
        "generated code for `{file}` is not valid Rust ({message}); this is a bug in the emitter, please report it"
    )]
    Emit { file: String, message: String },

    #[error("{}: invalid metadata: {message}; fix the file (docs are never edited, corrections go there)", path.display())]
    Metadata { path: PathBuf, message: String },

    #[error("import: {message}")]
    Import { message: String },

    #[error("generated code is stale; run `cargo xtask regen` and commit the result:\n  {}", files.join("\n  "))]
    Stale { files: Vec<String> },
}

fn join(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}
