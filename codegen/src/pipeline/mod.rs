//! The pipeline: one system's docs become its IR. [`build_system`] is the one function that does it — every
//! task, test and fuzz target calls it —, it reads no file (its [`SystemInput`] holds the texts), and its
//! system-level passes are the numbered list in its body. [`files`] is the thin layer above it that discovers a
//! tree and reads it ([`load_docs`], [`load_doc`]).
//!
//! Invariant: the pipeline imports `read/`, `lower/` and `check/`, never `emit/` or the tasks.

mod cache;
mod doc_passes;
mod files;
mod system_passes;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::{Ir, System};
use crate::lower::ApiDraft;
pub use crate::lower::LowerOptions;
use crate::lower::typespace;
pub use crate::read::discover::{DocFolder, DocSet, api_name_of, discover};
use crate::read::locate::Route;
pub use cache::BuildCache;
pub(crate) use cache::{hex, replace_file};
pub use files::{load_doc, load_docs, load_docs_cached, load_sets};
pub use system_passes::REVISION_RULE;

/// The IR of a docs tree and everything worth telling about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub ir: Ir,
    pub diagnostics: Vec<Diagnostic>,
    /// What became of each doc, in load order.
    pub docs: Vec<DocOutcome>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Adds one system's build: its IR, its diagnostics and its docs' outcomes after those already loaded.
    pub fn add(&mut self, build: SystemBuild) {
        self.ir.systems.push(build.system);
        self.diagnostics.extend(build.diagnostics);
        self.docs.extend(build.docs);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocOutcome {
    /// The doc, relative to the tree's parent folder.
    pub file: String,
    /// The doc's path as read.
    #[serde(skip)]
    pub path: PathBuf,
    /// Name of the IR system it belongs to.
    pub system: String,
    pub api: String,
    pub status: DocStatus,
    /// For a superseded doc: the doc of the newer revision that won, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    #[serde(skip)]
    pub superseded_why: String,
}

impl DocOutcome {
    fn new(file: String, path: PathBuf, system: &str, api: String, status: DocStatus) -> Self {
        let system = system.to_string();
        DocOutcome { file, path, system, api, status, superseded_by: None, superseded_why: String::new() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// In the IR, with method and path (as the API, or as its doc in another language).
    Located,
    /// Parsed, but neither the doc nor anything beside it gives method and path: left out of the IR.
    Unlocated,
    /// Not an API doc the generator can read (see its diagnostics).
    Failed,
    /// The generator panicked on it (a bug; reported, and the other docs went on).
    Panicked,
    /// A page of definitions the folder's other docs refer to (`common.md`), not an API.
    Definitions,
    /// Located, but another publication of the system documents the same API in a newer revision.
    Superseded,
    /// Metadata says it is no API (`not_an_api`, with the reason).
    NotAnApi,
    /// A template fragment other docs of its folder include (`{% include '_api_v2_status_code.md.j2' %}`), not
    /// an API of its own.
    Included,
    /// It says only that its API is retired (`Deprecated`): nothing to generate, no API doc that failed.
    Retired,
}

/// Everything [`build_system`] reads, already in memory: the system as discovery found it (its folders,
/// manifests, metadata text), and its docs' texts.
#[derive(Debug, Clone)]
pub struct SystemInput {
    /// The tree the system was found in: diagnostics name files relative to its parent folder.
    pub root: PathBuf,
    pub set: DocSet,
    /// The docs' texts, folder by folder.
    pub docs: Vec<DocText>,
    /// Docs that could not be read as text, each an error of its own.
    pub unreadable: Vec<UnreadableDoc>,
    /// Only some docs of the system were given (`cargo xtask ir <doc>`): the checks that need all of them
    /// (metadata naming a doc that does not exist, waiters) are skipped.
    pub partial: bool,
}

/// One doc's text, with the index of its folder in the [`DocSet`].
#[derive(Debug, Clone)]
pub struct DocText {
    pub folder: usize,
    pub path: PathBuf,
    pub text: String,
    /// Where the files beside the doc (a manifest entry, an ESB component, the ESB path convention) say its
    /// API lives.
    pub beside: Option<Route>,
    /// The component list beside the doc, when it names no such API (see `lower::Surroundings`).
    pub unlisted_in: Option<String>,
}

/// A doc that is not UTF-8: where the first invalid byte is.
#[derive(Debug, Clone)]
pub struct UnreadableDoc {
    pub path: PathBuf,
    pub line: u32,
    pub offset: usize,
}

/// What [`build_system`] makes of one system: its IR, what is worth telling, and what became of each doc.
#[derive(Debug, Clone)]
pub struct SystemBuild {
    pub system: System,
    pub diagnostics: Vec<Diagnostic>,
    pub docs: Vec<DocOutcome>,
}

impl SystemBuild {
    /// The diagnostics of the panics contained while building (each a bug): what fuzzing looks for.
    pub fn panics(&self) -> impl Iterator<Item = &Diagnostic> {
        let panicked = |file: &str| self.docs.iter().any(|d| d.status == DocStatus::Panicked && d.file == file);
        self.diagnostics.iter().filter(move |d| d.message.starts_with(doc_passes::PANIC_MESSAGE) && panicked(&d.file))
    }
}

impl SystemInput {
    /// A system from texts alone (tests, fuzzing): `docs` are (path, text), the path's folders name the
    /// language (`zh_hans/x.md` and `en/x.md` are one API in two languages); `metadata` is a `bkapi.toml`.
    pub fn from_texts(system: &str, metadata: Option<&str>, docs: &[(&str, &str)]) -> Self {
        let root = PathBuf::from(system);
        let mut folders: Vec<DocFolder> = Vec::new();
        let mut texts = Vec::new();
        for (path, text) in docs {
            let path = root.join(path);
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
            let folder = match folders.iter().position(|f| f.dir == dir) {
                Some(i) => i,
                None => {
                    let language = crate::read::discover::file_name(&dir).to_string();
                    folders.push(DocFolder::in_memory(dir, language, root.clone()));
                    folders.len() - 1
                }
            };
            if let Some(f) = folders.get_mut(folder) {
                f.docs.push(path.clone());
            }
            texts.push(DocText { folder, path, text: (*text).to_string(), beside: None, unlisted_in: None });
        }
        let set = DocSet {
            system: system.to_string(),
            meta_dir: metadata.map(|_| root.clone()),
            meta_text: metadata.map(str::to_string),
            folders,
        };
        SystemInput { root, set, docs: texts, unreadable: Vec::new(), partial: false }
    }

    /// A file as diagnostics name it: relative to the tree's parent folder.
    fn display(&self, path: &Path) -> String {
        let base = self.root.parent().unwrap_or(&self.root);
        path.strip_prefix(base).unwrap_or(path).display().to_string()
    }
}

/// What the passes report as they go: diagnostics, and what became of each doc.
#[derive(Default)]
struct Report {
    diagnostics: Vec<Diagnostic>,
    docs: Vec<DocOutcome>,
}

/// A lowered API and the docs it was read from (its own, then its other languages').
struct LoweredApi {
    folder: usize,
    draft: ApiDraft,
    files: Vec<String>,
}

/// One system's docs → its IR. The passes, in order (each reports into the build as it goes):
pub fn build_system(input: &SystemInput, options: LowerOptions) -> SystemBuild {
    let mut out = Report::default();
    // 1. The system's metadata (`bkapi.toml`): flavor, corrections, waiters.
    let meta = doc_passes::parse_metadata(input, &mut out);
    // 2. Docs that are not text: errors of their own.
    doc_passes::report_unreadable(input, &mut out);
    // 3. ESB or gateway: metadata, a manifest, or the docs' own words.
    let flavor = doc_passes::system_flavor(input, &meta, &mut out);
    // 4. Each folder's pages of shared definitions (`common.md`), which its docs refer to.
    let shared = doc_passes::definitions_pages(input, &meta);
    // 5. Docs the metadata says are no API.
    doc_passes::report_not_an_api(input, &meta, &mut out);
    // 6. Every other doc lowered to an API draft, in parallel, a panic contained per doc.
    let lowered = doc_passes::lower_docs(input, &meta, flavor, &shared, options, &mut out);
    // 7. The docs of one API in several languages become one API.
    system_passes::texts_across_languages(&input.set, &lowered, &mut out);
    let merged = system_passes::merge_languages(&input.set, lowered, &mut out);
    // 8. Where two publications document one API, the newer revision wins.
    let kept = system_passes::newest_revisions(&input.set, merged, &mut out);
    // 9. Two docs with one Rust name cannot both be generated.
    let mut drafts = system_passes::unique_rust_names(kept, &mut out);
    // 9b. The summaries the metadata corrects (the doc's one in every language is in place by now).
    system_passes::corrected_summaries(&meta, &mut drafts);
    // 9c. One field per spelling: `type` and `Type` (the languages' docs merged by now) are one field.
    for draft in &mut drafts {
        out.diagnostics.extend(crate::lower::one_field_per_spelling(draft));
    }
    // 10. Metadata for docs that do not exist; paths outside the system's prefix.
    if !input.partial {
        system_passes::metadata_without_docs(input, &meta, &mut out);
    }
    system_passes::paths_outside_prefix(&meta, &drafts, &mut out);
    // 11. The system's type space: shared types, public names.
    let mut system = typespace::build_system(&input.set.system, flavor, meta.meta.gateway.clone(), drafts);
    // 12. The metadata's waiters, checked against the APIs they poll.
    if !input.partial {
        system.waiters = system_passes::waiters(&system, &meta, &mut out);
    }
    // 13. An API whose types lose most of its examples failed.
    system_passes::fail_lossy_apis(&system, &mut out);
    SystemBuild { system, diagnostics: out.diagnostics, docs: out.docs }
}
