//! Loads a docs tree through every stage up to the IR: [`crate::discover`] finds the systems and their
//! folders; each doc is lowered (in parallel, a panic contained per doc); the docs of one API in several
//! languages become one API ([`crate::lower::merge_translation`]); where a system is published twice, the
//! newer revision of an API wins; then the system's type space.

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::Error;
use crate::diagnostics::{Diagnostic, Severity};
pub use crate::discover::{DocFolder, DocSet, api_name_of, discover};
use crate::discover::{file_name, is_template, read};
use crate::ir::{Flavor, Ir};
use crate::locate::{self, Location};
use crate::lower::{ApiDraft, LowerOptions, MetaSource, Surroundings, lower_api, merge_translation};
use crate::metadata::{self, SystemMeta};
use crate::{markdown, typespace};

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

/// A template's Jinja statements and comments (`{% if … %}`, `{# … #}`) are no part of the doc: blanked, so
/// that line numbers stay those of the file. `{{ … }}` expressions stay (`{{ common_args_desc }}`).
fn without_jinja_statements(text: &str) -> String {
    text.lines()
        .map(|l| {
            let t = l.trim();
            let statement = (t.starts_with("{%") && t.ends_with("%}")) || (t.starts_with("{#") && t.ends_with("#}"));
            if statement { "" } else { l }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads every doc folder under `root`. Doc problems become diagnostics; only I/O fails.
pub fn load_docs(root: &Path, options: LowerOptions) -> Result<Loaded, Error> {
    let (sets, diagnostics) = discover(root)?;
    load_sets(root, &sets, diagnostics, options)
}

/// Loads systems [`discover`] found under `root`, after the diagnostics discovering them gave.
pub fn load_sets(
    root: &Path,
    sets: &[DocSet],
    diagnostics: Vec<Diagnostic>,
    options: LowerOptions,
) -> Result<Loaded, Error> {
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics, docs: Vec::new() };
    for set in sets {
        load_set(set, root, None, options, &mut loaded)?;
    }
    Ok(loaded)
}

/// Loads one doc file, as an API of the system its folder belongs to (for `cargo xtask ir`).
pub fn load_doc(path: &Path, options: LowerOptions) -> Result<Loaded, Error> {
    // `Path::parent` of a bare file name is "", which names no folder.
    let non_empty = |p: &Path| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p.to_path_buf() };
    let dir = non_empty(path.parent().unwrap_or(Path::new(".")));
    // The tree: the ESB system above an `apidocs` folder, or else the doc folder's parent (`api-docs/`, or the
    // gateway folder holding `resources.yaml` above a language folder), or the one above that when the
    // parent is an imported system whose docs are in language folders.
    let root = match dir.ancestors().find(|a| a.join("apidocs").is_dir()) {
        Some(system) => non_empty(system),
        None => {
            let parent = non_empty(dir.parent().unwrap_or(&dir));
            let imported = parent.join(metadata::FILE_NAME).exists() && !dir.join(metadata::FILE_NAME).exists();
            if imported { non_empty(parent.parent().unwrap_or(&parent)) } else { parent }
        }
    };
    let (dir, root) = (dir.as_path(), root.as_path());
    let (sets, diagnostics) = discover(root)?;
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics, docs: Vec::new() };
    let set = sets.into_iter().find(|s| s.folders.iter().any(|f| f.dir == dir)).unwrap_or_else(|| DocSet {
        system: file_name(dir).to_string(),
        meta_dir: None,
        meta_text: None,
        folders: Vec::new(),
    });
    load_set(&set, root, Some(path), options, &mut loaded)?;
    Ok(loaded)
}

/// A system's metadata as parsed, with where it is (for diagnostics that point into it).
struct Meta {
    meta: SystemMeta,
    text: String,
    display: String,
    present: bool,
}

fn parse_meta(set: &DocSet, display: &dyn Fn(&Path) -> String, out: &mut Loaded) -> Meta {
    let display = display(&set.home().join(metadata::FILE_NAME));
    let present = set.meta_text.is_some();
    let text = set.meta_text.clone().unwrap_or_default();
    let meta = match metadata::parse(&text) {
        Ok(m) => m,
        Err(e) => {
            out.diagnostics.push(Diagnostic::error(&display, 1, format!("invalid metadata: {e}")));
            SystemMeta::default()
        }
    };
    Meta { meta, text, display, present }
}

/// One doc's text, with the index of its folder in the [`DocSet`].
struct DocText {
    folder: usize,
    path: PathBuf,
    text: String,
}

fn system_flavor(set: &DocSet, meta: &Meta, texts: &[DocText], out: &mut Loaded) -> Flavor {
    let manifest = set.folders.iter().find_map(|f| f.manifests.first());
    match (meta.meta.flavor, manifest) {
        (Some(f), _) => f,
        (None, Some(m)) => m.flavor,
        (None, None) if set.folders.iter().any(|f| f.esb_convention.is_some()) => Flavor::Esb,
        (None, None) => {
            // Gateway docs describe the `X-Bkapi-Authorization` header; ESB docs the common args.
            let gateway = texts
                .iter()
                .any(|t| t.text.contains("X-Bkapi-Authorization") || t.text.contains("bkapi_authorization"));
            if meta.present {
                out.diagnostics.push(
                    Diagnostic::warning(&meta.display, 1, "no `flavor`; guessed from the docs")
                        .with_help("add `flavor = \"esb\"` or `flavor = \"gateway\"`"),
                );
            }
            if gateway { Flavor::Gateway } else { Flavor::Esb }
        }
    }
}

/// A lowered API and the docs it was read from (its own, then its other languages').
struct Lowered {
    folder: usize,
    draft: ApiDraft,
    files: Vec<String>,
}

fn load_set(
    set: &DocSet,
    root: &Path,
    only: Option<&Path>,
    options: LowerOptions,
    out: &mut Loaded,
) -> Result<(), Error> {
    let display = |p: &Path| p.strip_prefix(root.parent().unwrap_or(root)).unwrap_or(p).display().to_string();
    let meta = parse_meta(set, &display, out);
    let texts: Vec<DocText> = match only {
        Some(p) => {
            let folder = set.folders.iter().position(|f| f.docs.iter().any(|d| d == p)).unwrap_or(0);
            vec![DocText { folder, path: p.to_path_buf(), text: read(p)? }]
        }
        None => {
            let mut texts = Vec::new();
            for (folder, d) in set.folders.iter().enumerate().flat_map(|(i, f)| f.docs.iter().map(move |d| (i, d))) {
                match read(d) {
                    Ok(text) => texts.push(DocText { folder, path: d.clone(), text }),
                    // One file in another encoding is that doc's problem, not the tree's.
                    Err(Error::NotUtf8 { line, offset, .. }) => {
                        let file = display(d);
                        let message = format!("not UTF-8 (invalid byte at offset {offset}): the doc was not read");
                        out.diagnostics.push(
                            Diagnostic::error(&file, line, message)
                                .with_help("BlueKing docs are UTF-8; convert it (`iconv -f GB18030 -t UTF-8`)"),
                        );
                        let api = api_name_of(d).unwrap_or_default();
                        out.docs.push(DocOutcome::new(file, d.clone(), &set.system, api, DocStatus::Failed));
                    }
                    Err(e) => return Err(e),
                }
            }
            texts
        }
    };
    let flavor = system_flavor(set, &meta, &texts, out);
    let meta_source = MetaSource { path: &meta.display, text: &meta.text };
    let shared: Vec<Vec<crate::doc::Document>> = (0..set.folders.len().max(1))
        .map(|i| definitions_pages(set.folders.get(i), &texts, i, &display, meta.meta.apis.keys()))
        .collect();
    let is_shared = |t: &DocText| shared.iter().flatten().any(|page| page.path == display(&t.path));
    let not_an_api =
        |t: &DocText| api_name_of(&t.path).and_then(|n| meta.meta.apis.get(&n)).is_some_and(|m| m.not_an_api.is_some());
    for t in texts.iter().filter(|t| not_an_api(t)) {
        let api = api_name_of(&t.path).unwrap_or_default();
        out.docs.push(DocOutcome::new(display(&t.path), t.path.clone(), &set.system, api, DocStatus::NotAnApi));
    }
    // Docs are independent until the type space: lower them on every core, keeping their order.
    let results: Vec<_> = texts
        .par_iter()
        .filter(|t| !is_shared(t) && !not_an_api(t))
        .filter_map(|t| {
            let api_name = api_name_of(&t.path)?;
            let file = display(&t.path);
            let folder = set.folders.get(t.folder);
            let fallback = folder.and_then(|f| locate_beside(f, &api_name));
            let pages = shared.get(t.folder).map_or(&[][..], Vec::as_slice);
            let result = catch_unwind(AssertUnwindSafe(|| {
                // A seam for the test that a panic in one doc is contained.
                #[cfg(test)]
                if t.text.contains("<!-- bkapi-test: panic -->") {
                    panic!("test panic");
                }
                let doc = if is_template(&t.path) {
                    markdown::parse(&file, &without_jinja_statements(&t.text))
                } else {
                    markdown::parse(&file, &t.text)
                };
                let around = Surroundings { beside: fallback.as_ref(), shared: pages };
                let api_meta = meta.meta.apis.get(&api_name);
                lower_api(&doc, &api_name, flavor, api_meta, &meta_source, around, options)
            }));
            Some((t.folder, t.path.clone(), file, api_name, result))
        })
        .collect();
    for page in shared.iter().flatten() {
        let api = api_name_of(Path::new(&page.path)).unwrap_or_default();
        let path = texts.iter().find(|t| display(&t.path) == page.path).map(|t| t.path.clone()).unwrap_or_default();
        out.docs.push(DocOutcome::new(page.path.clone(), path, &set.system, api, DocStatus::Definitions));
    }
    let mut lowered = Vec::new();
    for (folder, path, file, api_name, result) in results {
        let status = match result {
            Ok((draft, diags)) => {
                // A shared page's problems are met by every doc that refers to it: reported once.
                for d in diags {
                    let on_shared_page = shared.iter().flatten().any(|page| page.path == d.file);
                    if !(on_shared_page && out.diagnostics.contains(&d)) {
                        out.diagnostics.push(d);
                    }
                }
                match draft {
                    Some(mut d) if d.location.is_some() => {
                        d.language = set.folders.get(folder).map(|f| f.language.clone()).unwrap_or_default();
                        lowered.push(Lowered { folder, files: vec![d.source.clone()], draft: d });
                        DocStatus::Located
                    }
                    Some(_) => DocStatus::Unlocated,
                    None => DocStatus::Failed,
                }
            }
            Err(panic) => {
                out.diagnostics.push(panic_diagnostic(&file, panic.as_ref()));
                DocStatus::Panicked
            }
        };
        out.docs.push(DocOutcome::new(file, path, &set.system, api_name, status));
    }
    let merged = merge_languages(set, lowered, out);
    let kept = newest_revisions(set, merged, out);
    let drafts = unique_rust_names(kept, out);
    if only.is_none() {
        let documented = |k: &String| set.docs().any(|d| api_name_of(d).as_ref() == Some(k));
        for name in meta.meta.apis.keys().filter(|k| !documented(k)) {
            out.diagnostics.push(Diagnostic::error(
                &meta.display,
                meta_source.line_of(&format!("apis.{name}")),
                format!("metadata for `{name}`, but there is no `{name}.md`"),
            ));
        }
    }
    if let Some(prefix) = &meta.meta.path_prefix {
        for d in &drafts {
            if let Some((_, path)) = d.location.as_ref().filter(|(_, p)| !p.starts_with(prefix.as_str())) {
                out.diagnostics.push(Diagnostic::warning(
                    &d.source,
                    1,
                    format!("path `{path}` is outside the system's prefix `{prefix}`"),
                ));
            }
        }
    }
    let mut system = typespace::build_system(&set.system, flavor, meta.meta.gateway.clone(), drafts);
    if only.is_none() {
        system.waiters = waiters(&system, &meta, &meta_source, out);
    }
    fail_lossy_apis(&system, out);
    out.ir.systems.push(system);
    Ok(())
}

/// The metadata's waiters that name an API of the system whose response has the boolean field they wait on;
/// the others are errors at their line of `bkapi.toml`.
fn waiters(
    system: &crate::ir::System,
    meta: &Meta,
    source: &MetaSource<'_>,
    out: &mut Loaded,
) -> Vec<crate::ir::Waiter> {
    use crate::ir::{Type, TypeKind};
    let mut found = Vec::new();
    for (name, w) in &meta.meta.waiters {
        let line = source.line_of(&format!("waiters.{name}"));
        let api = system.apis.iter().find(|a| a.name == w.api);
        let fields = api.and_then(|a| match &a.response {
            Type::Named(n) => match system.type_def(n).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields }) => Some(fields),
                _ => None,
            },
            _ => None,
        });
        let flag = fields.and_then(|f| f.iter().find(|f| f.name == w.done_when));
        let problem = match (api, flag) {
            (None, _) => Some(format!("waiter `{name}` polls `{}`, which this system has no doc of", w.api)),
            (Some(_), Some(f)) if f.ty == Type::Boolean => None,
            (Some(_), _) => {
                Some(format!("waiter `{name}`: `{}`'s response has no boolean field `{}`", w.api, w.done_when))
            }
        };
        match problem {
            Some(message) => out.diagnostics.push(
                Diagnostic::error(&meta.display, line, message)
                    .with_help("name an API of this system and a boolean field of its response object"),
            ),
            None => found.push(crate::ir::Waiter {
                name: name.clone(),
                api: w.api.clone(),
                done_when: w.done_when.clone(),
                doc: w.doc.clone().unwrap_or_default(),
            }),
        }
    }
    found
}

fn panic_diagnostic(file: &str, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_default();
    Diagnostic::error(file, 1, format!("internal error while reading this doc: {what}"))
        .with_help("this is a bug in bkapi-codegen; please report it with the doc")
}

/// The docs of one API in one publication's languages become one API, the first language's (Chinese) first.
fn merge_languages(set: &DocSet, lowered: Vec<Lowered>, out: &mut Loaded) -> Vec<Lowered> {
    let mut merged: Vec<Lowered> = Vec::new();
    // (publication, API name) → its index in `merged`.
    let mut index: HashMap<(Option<&Path>, String), usize> = HashMap::new();
    for l in lowered {
        let publication = set.folders.get(l.folder).map(|f| f.publication.as_path());
        match index.get(&(publication, l.draft.name.clone())).and_then(|&i| merged.get_mut(i)) {
            Some(first) => {
                out.diagnostics.extend(merge_translation(&mut first.draft, l.draft));
                first.files.extend(l.files);
            }
            None => {
                index.insert((publication, l.draft.name.clone()), merged.len());
                merged.push(l);
            }
        }
    }
    merged
}

/// How the newer of two publications is chosen, as said wherever the choice is recorded.
pub const REVISION_RULE: &str = "the publication that documents more of a system's APIs is taken as the newer revision (the earlier in the tree on a tie)";

/// Where two publications of a system document one API (by name, or by method and path), the newer revision
/// wins: the one named so on import (`--prefer`), else the publication that documents more of the system's APIs (a newer revision adds APIs far more often
/// than it drops them), the earlier in the tree on a tie. The others' docs are superseded, and said so.
fn newest_revisions(set: &DocSet, merged: Vec<Lowered>, out: &mut Loaded) -> Vec<ApiDraft> {
    let publication = |folder: usize| set.folders.get(folder).map(|f| f.publication.clone()).unwrap_or_default();
    let mut counts: Vec<(PathBuf, usize)> = Vec::new();
    for l in &merged {
        let p = publication(l.folder);
        match counts.iter_mut().find(|(q, _)| *q == p) {
            Some((_, n)) => *n += 1,
            None => counts.push((p, 1)),
        }
    }
    if counts.len() < 2 {
        return merged.into_iter().map(|l| l.draft).collect();
    }
    let count_of = |p: &Path| counts.iter().find(|(q, _)| q == p).map_or(0, |(_, n)| *n);
    let rank = |p: &Path| counts.iter().position(|(q, _)| q == p).unwrap_or(usize::MAX);
    let preferred = |folder: usize| set.folders.get(folder).is_some_and(|f| f.preferred);
    let mut order: Vec<usize> = (0..merged.len()).collect();
    order.sort_by_key(|&i| {
        let folder = merged.get(i).map_or(0, |l| l.folder);
        let p = publication(folder);
        (!preferred(folder), std::cmp::Reverse(count_of(&p)), rank(&p))
    });
    let mut winner: Vec<Option<usize>> = vec![None; merged.len()];
    let mut kept: Vec<usize> = Vec::new();
    for i in order {
        let Some(l) = merged.get(i) else { continue };
        let same = |k: &usize| {
            merged.get(*k).is_some_and(|o| o.draft.name == l.draft.name || o.draft.location == l.draft.location)
        };
        match kept.iter().copied().find(same) {
            Some(k) => winner[i] = Some(k),
            None => kept.push(i),
        }
    }
    let mut drafts = Vec::new();
    for (i, l) in merged.iter().enumerate() {
        let Some(w) = winner.get(i).copied().flatten().and_then(|k| merged.get(k)) else {
            drafts.push(l.draft.clone());
            continue;
        };
        let (newer, older) = (publication(w.folder), publication(l.folder));
        let why = if preferred(w.folder) {
            format!("superseded by `{}`: {} is preferred as the newer revision", w.draft.source, display_dir(&newer))
        } else {
            format!(
                "superseded by `{}`: {} documents {} of this system's APIs and {} documents {}; {REVISION_RULE}",
                w.draft.source,
                display_dir(&newer),
                count_of(&newer),
                display_dir(&older),
                count_of(&older)
            )
        };
        for file in &l.files {
            out.diagnostics.push(
                Diagnostic::warning(file, 1, why.clone())
                    .with_help("import only the revision you want (`cargo xtask import`), or remove the older one"),
            );
            if let Some(doc) = out.docs.iter_mut().find(|d| d.file == *file) {
                doc.status = DocStatus::Superseded;
                doc.superseded_by = Some(w.draft.source.clone());
                doc.superseded_why.clone_from(&why);
            }
        }
    }
    drafts
}

fn display_dir(p: &Path) -> String {
    let parts: Vec<&str> = p.iter().filter_map(|c| c.to_str()).collect();
    parts.iter().rev().take(3).rev().copied().collect::<Vec<_>>().join("/")
}

/// `get-x.md` and `get_x.md` would both be `get_x()`: the second cannot be generated.
fn unique_rust_names(drafts: Vec<ApiDraft>, out: &mut Loaded) -> Vec<ApiDraft> {
    let mut kept: Vec<ApiDraft> = Vec::new();
    let mut by_ident: BTreeMap<String, usize> = BTreeMap::new();
    for d in drafts {
        let ident = crate::lower::camel_ident(&d.name);
        if let Some(first) = by_ident.get(&ident).and_then(|&i| kept.get(i)) {
            out.diagnostics.push(
                Diagnostic::error(
                    &d.source,
                    1,
                    format!("API `{}` has the same Rust name as `{}` ({})", d.name, first.name, first.source),
                )
                .with_help("rename one of the two docs"),
            );
            let failed = std::iter::once(&d.source).chain(d.translations.iter().map(|t| &t.source));
            for file in failed {
                if let Some(doc) = out.docs.iter_mut().find(|o| o.file == *file) {
                    doc.status = DocStatus::Failed;
                }
            }
            continue;
        }
        by_ident.insert(ident, kept.len());
        kept.push(d);
    }
    kept
}

/// A folder's pages of shared definitions (see [`crate::lower::is_definitions_page`]): docs without a code
/// block that neither metadata nor a manifest names as an API.
fn definitions_pages<'k>(
    folder: Option<&DocFolder>,
    texts: &[DocText],
    index: usize,
    display: &dyn Fn(&Path) -> String,
    in_metadata: impl Iterator<Item = &'k String> + Clone,
) -> Vec<crate::doc::Document> {
    let manifests = folder.map_or(&[][..], |f| f.manifests.as_slice());
    texts
        .iter()
        .filter(|t| t.folder == index)
        .filter(|t| !t.text.contains("```") && !t.text.contains("~~~"))
        .filter(|t| {
            let Some(api) = api_name_of(&t.path) else { return false };
            let named = in_metadata.clone().any(|k| *k == api) || manifests.iter().any(|m| m.find(&api).is_some());
            !named
        })
        .filter_map(|t| {
            let text = if is_template(&t.path) { without_jinja_statements(&t.text) } else { t.text.clone() };
            // Reading a page is lowering's first step: a panic here is one there (contained, reported).
            let file = display(&t.path);
            let doc = catch_unwind(AssertUnwindSafe(|| markdown::parse(&file, &text))).ok()?;
            crate::lower::is_definitions_page(&doc).then_some(doc)
        })
        .collect()
}

/// A doc whose request no table fills, or whose response types keep under half of an example, failed: its
/// errors say where (see [`crate::measure::lossy_api_errors`]).
fn fail_lossy_apis(system: &crate::ir::System, out: &mut Loaded) {
    for api in &system.apis {
        let errors = crate::measure::lossy_api_errors(system, api);
        if errors.is_empty() {
            continue;
        }
        if let Some(doc) = out.docs.iter_mut().find(|d| d.file == api.source) {
            doc.status = DocStatus::Failed;
        }
        out.diagnostics.extend(errors);
    }
}

/// Where the files beside the docs say an API lives: a manifest entry, or the ESB path convention.
fn locate_beside(folder: &DocFolder, api: &str) -> Option<Location> {
    if let Some(found) = folder.manifests.iter().find_map(|m| m.find(api)) {
        return Some(found);
    }
    let system = folder.esb_convention.as_deref()?;
    let why = if folder.manifests.is_empty() { "there is no manifest beside the docs" } else { "no manifest names it" };
    // An ESB component coded in Python (`<api>.py`) says its method.
    let suggested = folder.components.as_ref().and_then(|dir| {
        let file = dir.join(format!("{api}.py"));
        let text = read(&file).ok()?;
        locate::python_component_method(&text, &file.display().to_string())
    });
    let origin = match &suggested {
        Some((_, at)) => format!("the ESB path convention ({why}), method from {at}"),
        None => format!("the ESB path convention ({why})"),
    };
    Some(Location {
        method: suggested.map(|(m, _)| m),
        path: locate::esb_convention_path(system, api),
        origin,
        by_convention: true,
        by_words: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{HttpMethod, Type, TypeKind};
    use std::fs;

    const TABLE: &str = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n";

    fn write(root: &Path, path: &str, text: &str) {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn api<'a>(loaded: &'a Loaded, system: &str, name: &str) -> &'a crate::ir::Api {
        let s = loaded.ir.systems.iter().find(|s| s.name == system).unwrap_or_else(|| panic!("no system {system}"));
        s.apis.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no api {system}.{name}"))
    }

    /// Name, path and method of every API in the IR.
    fn located_apis(loaded: &Loaded) -> Vec<(&str, &str, HttpMethod)> {
        loaded.ir.systems.iter().flat_map(|s| &s.apis).map(|a| (a.name.as_str(), a.path.as_str(), a.method)).collect()
    }

    /// The status of the doc whose file ends with `file`.
    fn status_of(loaded: &Loaded, file: &str) -> Option<DocStatus> {
        loaded.docs.iter().find(|d| d.file.ends_with(file)).map(|d| d.status)
    }

    #[test]
    fn a_doc_that_is_not_utf8_is_an_error_of_its_own_and_the_others_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", TABLE);
        // GBK-encoded `请求` on line 3.
        let p = root.join("esb/cmsi/apidocs/zh_hans/get_msg_type.md");
        fs::write(&p, b"# get\n\n### \xc7\xeb\xc7\xf3\n").unwrap();
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        assert_eq!(api(&loaded, "cmsi", "send_mail").name, "send_mail");
        assert_eq!(status_of(&loaded, "get_msg_type.md"), Some(DocStatus::Failed));
        let d = loaded.errors().find(|d| d.file.ends_with("get_msg_type.md")).expect("a diagnostic for it");
        assert_eq!(d.line, 3);
        assert!(d.message.contains("not UTF-8 (invalid byte at offset 11)"), "{d}");
    }

    #[test]
    fn cr_only_line_endings_read_as_lf_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        let doc = format!("{TABLE}\n### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| ok | bool | x |\n");
        write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", &doc);
        write(&root, "esb/cmsi/apidocs/zh_hans/send_sms.md", &doc.replace('\n', "\r"));
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let (lf, cr) = (api(&loaded, "cmsi", "send_mail"), api(&loaded, "cmsi", "send_sms"));
        let system = loaded.ir.systems.iter().find(|s| s.name == "cmsi").unwrap();
        let fields = |name: &str| match system.type_def(name).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields }) => fields.iter().map(|f| (f.name.clone(), f.line)).collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        assert_eq!(fields(&cr.request), fields(&lf.request));
        assert_eq!(fields(&cr.request), [("id".to_string(), 5)], "line numbers count `\\r` line ends");
        assert_eq!(format!("{:?}", cr.response).replace("SendSms", "SendMail"), format!("{:?}", lf.response));
        assert!(matches!(cr.response, Type::Named(_)), "the response section is read: {:?}", cr.response);
    }

    #[test]
    fn sections_nested_1300_deep_are_an_error_of_that_doc_not_a_stack_overflow() {
        // The reproducer of the stack overflow: each section's only row is an object the next section defines.
        let mut deep = String::from("### 请求参数\n|a|type|\n|-|-|\n|f0|object|\n");
        for i in 0..1300 {
            deep.push_str(&format!("# f{i}\n|a|type|\n|-|-|\n|f{}|object|\n", i + 1));
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", TABLE);
        write(&root, "esb/cmsi/apidocs/zh_hans/get_deep.md", &deep);
        // load_docs lowers on rayon's workers (2 MiB stacks), where the overflow aborted the process.
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        assert_eq!(api(&loaded, "cmsi", "send_mail").name, "send_mail");
        let limit = format!("nested {} sections deep", crate::lower::MAX_NESTED_SECTIONS);
        let d = loaded.errors().find(|d| d.message.contains(&limit)).expect("the depth limit, reported");
        assert!(d.file.ends_with("get_deep.md") && d.line > 1, "{d}");
    }

    #[test]
    fn locates_apis_in_every_tree_layout() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        write(&root, "README.md", "# not an API\n");
        write(
            &root,
            "esb/mysys/mysys.yaml",
            "\u{feff}- path: /v2/mysys/get_a/\n  name: get_a\n  suggest_method: GET\n  dest_path: /a/\n  dest_http_method: GET\n",
        );
        write(&root, "esb/mysys/apidocs/zh_hans/get_a.md", TABLE);
        write(&root, "esb/mysys/apidocs/zh_hans/b.md", TABLE);
        write(&root, "esb/mysys/apidocs/en/get_a.md", TABLE);
        write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", TABLE);
        write(&root, "esb/cmsi/apidocs/zh_hans/get_msg_type.md", TABLE);
        write(
            &root,
            "apigw/job/v3/resources.yaml",
            "openapi: 3.0.1\npaths:\n  /api/v3/get_x:\n    get:\n      operationId: get_x\n",
        );
        write(&root, "apigw/job/v3/zh/get_x.md", TABLE);
        write(
            &root,
            "rendered/put_y.md",
            &format!("### 请求地址\n\n/api/c/compapi/v2/r/put_y/\n\n### 请求方法\n\nPUT\n\n{TABLE}"),
        );
        write(&root, "nothing/z.md", TABLE);
        write(&root, "other/nothing/w.md", TABLE);

        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let names: Vec<&str> = loaded.ir.systems.iter().map(|s| s.name.as_str()).collect();
        // One system per BlueKing system: its languages are one, and so are two folders of one name.
        assert_eq!(names, ["job_v3", "cmsi", "mysys", "nothing", "rendered"]);
        assert_eq!(loaded.docs.len(), 9, "README.md is not a doc");

        let a = api(&loaded, "mysys", "get_a");
        assert_eq!((a.method, a.path.as_str()), (HttpMethod::Get, "/api/c/compapi/v2/mysys/get_a/"));
        let translated: Vec<&str> = a.translations.iter().map(|t| t.source.as_str()).collect();
        assert_eq!(translated, ["corpus/esb/mysys/apidocs/en/get_a.md"], "the en doc is the same API");
        let b = api(&loaded, "mysys", "b");
        assert_eq!(b.path, "/api/c/compapi/v2/mysys/b/", "not in the manifest: the ESB convention");
        let x = api(&loaded, "job_v3", "get_x");
        assert_eq!((x.method, x.path.as_str()), (HttpMethod::Get, "/api/v3/get_x"));
        assert_eq!(loaded.ir.systems[0].flavor, Flavor::Gateway);
        let y = api(&loaded, "rendered", "put_y");
        assert_eq!((y.method, y.path.as_str()), (HttpMethod::Put, "/api/c/compapi/v2/r/put_y/"));

        // cmsi: no manifest. The convention gives the path, the name the method, and both are said.
        let mail = api(&loaded, "cmsi", "send_mail");
        assert_eq!((mail.method, mail.path.as_str()), (HttpMethod::Post, "/api/c/compapi/v2/cmsi/send_mail/"));
        assert_eq!(api(&loaded, "cmsi", "get_msg_type").method, HttpMethod::Get);
        let said = |file: &str, what: &str| {
            loaded.diagnostics.iter().any(|d| d.file.ends_with(file) && d.message.contains(what))
        };
        assert!(said("cmsi/apidocs/zh_hans/send_mail.md", "ESB path convention (there is no manifest"));
        assert!(said("cmsi/apidocs/zh_hans/send_mail.md", "guessed POST"));
        assert!(said("mysys/apidocs/zh_hans/b.md", "ESB path convention (no manifest names it)"));

        // Nothing says where `z` lives: parsed, not located, and not in the IR.
        let z = loaded.docs.iter().find(|d| d.api == "z").unwrap();
        assert_eq!(z.status, DocStatus::Unlocated);
        assert!(said("nothing/z.md", "no HTTP method and path"));
        assert!(loaded.ir.systems.iter().find(|s| s.name == "nothing").unwrap().apis.is_empty());
    }

    #[test]
    fn a_panic_in_one_doc_is_counted_and_reported_and_the_others_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        write(&root, "s/apidocs/zh_hans/a.md", &format!("<!-- bkapi-test: panic -->\n{TABLE}"));
        write(&root, "s/apidocs/zh_hans/b.md", TABLE);
        // The panic message still goes to stderr through the default hook; the run goes on.
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let status: Vec<_> = loaded.docs.iter().map(|d| (d.api.as_str(), d.status)).collect();
        assert_eq!(status, [("a", DocStatus::Panicked), ("b", DocStatus::Located)]);
        let d = loaded.errors().next().unwrap();
        assert_eq!((d.file.as_str(), d.line), ("tree/s/apidocs/zh_hans/a.md", 1));
        assert!(d.message.contains("internal error while reading this doc: test panic"), "{d}");
    }

    #[test]
    fn two_docs_with_one_rust_name_do_not_both_become_apis() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        write(&root, "s/apidocs/zh_hans/get-x.md", TABLE);
        write(&root, "s/apidocs/zh_hans/get_x.md", TABLE);
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let status: Vec<_> = loaded.docs.iter().map(|d| (d.api.as_str(), d.status)).collect();
        assert_eq!(status, [("get-x", DocStatus::Located), ("get_x", DocStatus::Failed)]);
        assert!(loaded.errors().any(|d| d.message.contains("same Rust name as `get-x`")));
    }

    #[test]
    fn one_doc_loads_with_its_tree_s_locators() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        write(
            &root,
            "apigw/job/v3/resources.yaml",
            "openapi: 3.0.1\npaths:\n  /api/v3/get_x:\n    get:\n      operationId: get_x\n",
        );
        write(&root, "apigw/job/v3/zh/get_x.md", TABLE);
        write(&root, "esb/s/s.yaml", "- path: /v2/s/a/\n  name: a\n  suggest_method: POST\n  dest_path: /a/\n");
        write(&root, "esb/s/apidocs/en/a.md", TABLE);
        let x = load_doc(&root.join("apigw/job/v3/zh/get_x.md"), LowerOptions::default()).unwrap();
        assert_eq!(x.ir.systems[0].apis[0].path, "/api/v3/get_x");
        let a = load_doc(&root.join("esb/s/apidocs/en/a.md"), LowerOptions::default()).unwrap();
        assert_eq!(a.ir.systems[0].apis[0].path, "/api/c/compapi/v2/s/a/");
        assert_eq!(a.docs.len(), 1, "only the doc asked for");
    }

    #[test]
    fn an_unreadable_manifest_is_reported_and_the_docs_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        write(&root, "s/s.yaml", "- name: a\n  path: [\n");
        write(&root, "s/apidocs/zh_hans/a.md", TABLE);
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let d = loaded.diagnostics.iter().find(|d| d.file == "tree/s/s.yaml").expect("a manifest diagnostic");
        assert!(d.message.starts_with("cannot read this manifest"), "{d}");
        assert_eq!(loaded.docs[0].status, DocStatus::Located, "located by the ESB convention instead");
    }

    #[test]
    fn definitions_elsewhere_in_the_tree_locate_the_docs_they_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        // bk-job's layout: the docs under docs/, the gateway's definition (here Swagger JSON) under support-files/.
        write(
            &root,
            "support-files/bk-api-gateway/v3/resources.json",
            r#"{"swagger": "2.0", "paths": {"/api/v3/get_x/": {"get": {"operationId": "get_x"}},
               "/api/v3/get_y/": {"post": {"operationId": "get_y"}}}}"#,
        );
        write(&root, "support-files/other/data.json", "{\"not\": \"a definition\"}");
        write(&root, "docs/apidoc/v3/zh/get_x.md", TABLE);
        write(&root, "docs/apidoc/v3/zh/get_y.md.j2", &format!("{{% if lang == 'zh' %}}\n{TABLE}{{% endif %}}\n"));
        // One name in common out of three is no evidence: these stay unlocated.
        write(&root, "docs/other/get_x.md", TABLE);
        write(&root, "docs/other/get_z.md", TABLE);
        write(&root, "docs/other/get_w.md", TABLE);
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let status: Vec<(&str, DocStatus)> = loaded.docs.iter().map(|d| (d.file.as_str(), d.status)).collect();
        assert!(status.contains(&("repo/docs/apidoc/v3/zh/get_x.md", DocStatus::Located)), "{status:?}");
        assert!(status.contains(&("repo/docs/apidoc/v3/zh/get_y.md.j2", DocStatus::Located)), "{status:?}");
        assert!(status.contains(&("repo/docs/other/get_x.md", DocStatus::Unlocated)), "{status:?}");
        let apis = located_apis(&loaded);
        assert!(apis.contains(&("get_y", "/api/v3/get_y/", HttpMethod::Post)), "{apis:?}");
        assert!(loaded.ir.systems.iter().any(|s| s.flavor == Flavor::Gateway));
        assert!(loaded.diagnostics.iter().all(|d| !d.file.ends_with("data.json")), "{:?}", loaded.diagnostics);
    }

    #[test]
    fn a_system_s_own_docs_are_located_by_the_esb_manifest_of_it_under_another_word_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        // nodeman's own docs name APIs verb first; the ESB manifest elsewhere names them noun first, or only
        // its backend path has the words.
        write(
            &root,
            "esb/nm/nm.yaml",
            "- path: /v2/nm/subscription_create/\n  name: subscription_create\n  suggest_method: POST\n  dest_path: /backend/api/subscription/create/\n\
             - path: /v2/nm/api/job/log/\n  name: get_job_log\n  suggest_method: GET\n  dest_path: /api/job/{job_id}/log/\n\
             - path: /v2/nm/a_b/\n  name: a_b\n  suggest_method: GET\n  dest_path: /a/\n\
             - path: /v2/nm/x/\n  name: x\n  suggest_method: GET\n  dest_path: /b/a/\n",
        );
        write(&root, "nm-apidoc/create_subscription.md", TABLE);
        write(&root, "nm-apidoc/log_job.md", TABLE);
        // Two entries with these words (`a_b` by name, `x` by backend path): no evidence for either.
        write(&root, "nm-apidoc/b_a.md", TABLE);
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let apis = located_apis(&loaded);
        assert!(
            apis.contains(&("create_subscription", "/api/c/compapi/v2/nm/subscription_create/", HttpMethod::Post)),
            "{apis:?}"
        );
        assert!(apis.contains(&("log_job", "/api/c/compapi/v2/nm/api/job/log/", HttpMethod::Get)), "{apis:?}");
        let status = |f: &str| status_of(&loaded, f);
        assert_eq!(status("nm-apidoc/b_a.md"), Some(DocStatus::Unlocated));
        // Each such match is visible.
        let warned = loaded.diagnostics.iter().filter(|d| d.message.contains("the doc's words in another order"));
        assert_eq!(warned.count(), 2, "{:?}", loaded.diagnostics);
    }

    #[test]
    fn a_page_of_shared_definitions_serves_every_doc_of_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("esb");
        let common = "## 通用字段和约定\n\n#### server\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
                      | ip_list | array | 否 | 静态 IP 列表，定义见ip |\n\n#### ip\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
                      | bk_cloud_id | int | 是 | 管控区域ID |\n| ip | stirng | 是 | IP地址 |\n";
        write(&root, "job/apidocs/zh_hans/common.md", common);
        let api = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| target_server | object | 是 | 目标主机，见server定义 |\n\
                   | ip_list | array | 否 | 主机列表 |\n\n#### ip_list\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| bk_host_id | long | 是 | 主机ID |\n";
        write(&root, "job/apidocs/zh_hans/run_x.md", api);
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let status = |f: &str| status_of(&loaded, f);
        assert_eq!(status("common.md"), Some(DocStatus::Definitions));
        assert_eq!(status("run_x.md"), Some(DocStatus::Located));
        let system = &loaded.ir.systems[0];
        let fields = |name: &str| -> Vec<(String, Type)> {
            match system.types.iter().find(|t| t.name == name).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields }) => fields.iter().map(|f| (f.name.clone(), f.ty.clone())).collect(),
                _ => panic!("no struct {name} in {:?}", system.types.iter().map(|t| &t.name).collect::<Vec<_>>()),
            }
        };
        // `server` and the `ip` it refers to come from the shared page, their lines where the doc refers to them.
        assert_eq!(fields("Server"), vec![("ip_list".to_string(), Type::Array(Box::new(Type::Named("Ip".into()))))]);
        assert_eq!(fields("Ip"), vec![("bk_cloud_id".into(), Type::Integer), ("ip".into(), Type::String)]);
        let server = system.types.iter().find(|t| t.name == "Server").unwrap();
        assert!(server.doc.contains("Defined in `esb/job/apidocs/zh_hans/common.md` at line 3"), "{}", server.doc);
        // The doc's own `ip_list` section wins over the shared `ip` for its own `ip_list` row.
        let own = fields("RunXRequest").into_iter().find(|(n, _)| n == "ip_list").map(|(_, t)| t);
        let Some(Type::Array(item)) = own else { panic!("ip_list is {own:?}") };
        let Type::Named(item) = *item else { panic!("ip_list of {item:?}") };
        assert_eq!(fields(&item), vec![("bk_host_id".to_string(), Type::Integer)]);
        // Nothing about the shared page is reported against the doc, and the page is not an unused-section mess.
        assert!(loaded.diagnostics.iter().all(|d| !d.message.contains("not referred to")), "{:?}", loaded.diagnostics);
    }

    #[test]
    fn a_waiter_must_poll_an_api_with_a_boolean_field_in_its_response() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("api-docs");
        let doc = "POST /api/c/compapi/v2/s/get_status/\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
                   | id | int | 是 | x |\n\n### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n\
                   | data | object | x |\n\n#### data\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| finished | bool | x |\n| name | string | y |\n";
        write(&root, "s/get_status.md", doc);
        let meta = "flavor = \"esb\"\n\n[waiters.wait_for_it]\napi = \"get_status\"\ndone_when = \"finished\"\n\n\
                    [waiters.wait_for_name]\napi = \"get_status\"\ndone_when = \"name\"\n\n\
                    [waiters.wait_for_nothing]\napi = \"gone\"\ndone_when = \"finished\"\n";
        write(&root, "s/bkapi.toml", meta);
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        let names: Vec<&str> = loaded.ir.systems[0].waiters.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["wait_for_it"]);
        let errors: Vec<(u32, &str)> = loaded.errors().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            errors,
            [
                (7, "waiter `wait_for_name`: `get_status`'s response has no boolean field `name`"),
                (11, "waiter `wait_for_nothing` polls `gone`, which this system has no doc of")
            ]
        );
    }

    #[test]
    fn templates_lose_their_jinja_statements_but_keep_their_lines() {
        let text = "### 请求参数\n{% if x %}\n| 字段 | 类型 |\n{# note #}\n";
        assert_eq!(without_jinja_statements(text), "### 请求参数\n\n| 字段 | 类型 |\n");
        assert_eq!(api_name_of(Path::new("a/update_script_basic .md")).as_deref(), Some("update_script_basic"));
        assert_eq!(api_name_of(Path::new("a/get_x.md.j2")).as_deref(), Some("get_x"));
    }
}
