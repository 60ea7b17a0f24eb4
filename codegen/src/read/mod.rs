//! Stage 1, reading: a doc tree's files become data. [`discover`] finds the doc folders and groups them into
//! systems, [`locate`] reads what gives an API its method and path (ESB manifests, gateway resource
//! definitions, ESB components coded in Python, the ESB path convention), [`markdown`] turns a doc's text into
//! the [`doc`] model (sections, tables, code blocks, every element with its line), [`example_json`] reads the
//! docs' examples (strict JSON, then leniently with the repairs recorded; query strings), [`request_commands`]
//! examples given as a `curl` command or a Python `requests` call, [`type_words`] the type column's words, and
//! [`metadata`] a system's `bkapi.toml`.
//!
//! Invariant: `read/` imports nothing of the crate but the root modules (`ir`, `naming`, `diagnostics`).

pub mod discover;
pub mod doc;
pub mod example_json;
pub mod locate;
pub mod markdown;
pub mod metadata;
pub mod request_commands;
pub mod template;
pub mod type_words;
