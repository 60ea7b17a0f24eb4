//! Loads a docs tree through every stage up to the IR.
//!
//! A tree is any folder holding BlueKing docs: `api-docs/<system>/*.md` with `bkapi.toml` metadata, an ESB
//! component tree (`<system>/<system>.yaml` + `<system>/apidocs/<lang>/*.md`), an API-gateway tree
//! (`resources.yaml` + `<lang>/*.md`), or rendered docs that state their own method and path. Each folder of
//! docs becomes one system of the IR ([`DocSet`]).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::Error;
use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::{Flavor, Ir};
use crate::locate::{self, Location, Manifest};
use crate::lower::{LowerOptions, MetaSource, Surroundings, lower_api};
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
    /// Name of the IR system it belongs to.
    pub system: String,
    pub api: String,
    pub status: DocStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// In the IR, with method and path.
    Located,
    /// Parsed, but neither the doc nor anything beside it gives method and path: left out of the IR.
    Unlocated,
    /// Not an API doc the generator can read (see its diagnostics).
    Failed,
    /// The generator panicked on it (a bug; reported, and the other docs went on).
    Panicked,
    /// A page of definitions the folder's other docs refer to (`common.md`), not an API.
    Definitions,
}

/// A folder of docs that becomes one system of the IR, and what locates its APIs.
#[derive(Debug, Clone)]
pub struct DocSet {
    /// System name: unique in the tree, a folder name (`jobv3`), with the language folder when there are
    /// several (`jobv3_en`).
    pub system: String,
    pub dir: PathBuf,
    pub docs: Vec<PathBuf>,
    /// ESB manifests or gateway resource definitions found beside the docs, nearest folder first.
    pub manifests: Vec<Manifest>,
    /// The ESB system name, when the folder has the ESB layout (`<system>/apidocs/<lang>`): APIs that no
    /// manifest names follow the ESB path convention.
    pub esb_convention: Option<String>,
}

fn read(path: &Path) -> Result<String, Error> {
    let text = fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    // Some BlueKing files start with a byte-order mark, which neither markdown nor YAML expect.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut entries = fs::read_dir(dir)
        .map_err(|source| Error::Io { path: dir.to_path_buf(), source })?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    entries.sort();
    Ok(entries)
}

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// Markdown files that are API docs: not a folder's README or changelog.
fn is_doc(p: &Path) -> bool {
    let name = file_name(p).to_ascii_lowercase();
    let markdown = name.ends_with(".md") || is_template(p);
    markdown && !matches!(name.trim_end_matches(".j2"), "readme.md" | "changelog.md" | "index.md" | "summary.md")
}

/// A doc template (`fast_execute_script.md.j2`), as BlueKing's doc generators keep them.
fn is_template(p: &Path) -> bool {
    file_name(p).to_ascii_lowercase().ends_with(".md.j2")
}

/// The API a doc describes: its file name without `.md` / `.md.j2` (trimmed: real trees have
/// `update_script_basic .md`).
fn api_name_of(p: &Path) -> Option<String> {
    let name = file_name(p);
    let lower = name.to_ascii_lowercase();
    let cut = if lower.ends_with(".md.j2") { name.len().checked_sub(6)? } else { name.len().checked_sub(3)? };
    name.get(..cut).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
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

fn is_language(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().replace('-', "_").as_str(),
        "zh" | "zh_hans" | "zh_cn" | "cn" | "en" | "en_us" | "en_gb"
    )
}

/// `v3` and the like: a version folder says less than its parent.
fn is_version(name: &str) -> bool {
    name.strip_prefix(['v', 'V']).is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
}

/// Every folder under `root` (itself included) that holds docs, with its docs, in sorted order.
/// The folders among a folder's sorted entries that may hold docs (not hidden, not build output).
fn subfolders(entries: Vec<PathBuf>) -> Vec<PathBuf> {
    entries
        .into_iter()
        .filter(|p| {
            let n = file_name(p);
            p.is_dir() && !n.starts_with('.') && n != "target" && n != "node_modules"
        })
        .collect()
}

fn doc_folders(root: &Path) -> Result<Vec<(PathBuf, Vec<PathBuf>)>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = sorted_entries(&dir)?;
        let docs: Vec<PathBuf> = entries.iter().filter(|p| p.is_file() && is_doc(p)).cloned().collect();
        if !docs.is_empty() {
            out.push((dir.clone(), docs));
        }
        // Reversed onto the stack so folders come off it in sorted order.
        stack.extend(subfolders(entries).into_iter().rev());
    }
    Ok(out)
}

/// Finds the doc folders of a tree and what locates their APIs. Manifests that cannot be read are reported.
pub fn discover(root: &Path) -> Result<(Vec<DocSet>, Vec<Diagnostic>), Error> {
    let display_base = root.parent().unwrap_or(root).to_path_buf();
    let display = |p: &Path| p.strip_prefix(&display_base).unwrap_or(p).display().to_string();
    let mut diagnostics = Vec::new();
    let mut manifest_cache: HashMap<PathBuf, Vec<Manifest>> = HashMap::new();
    let folders = doc_folders(root)?;
    let mut sets: Vec<DocSet> = Vec::new();
    // Manifests and gateway resource definitions anywhere in the tree, read once when a doc folder has none
    // beside it.
    let mut tree_definitions: Option<Vec<Manifest>> = None;
    for (dir, docs) in &folders {
        let dir_name = file_name(dir).to_string();
        let has_metadata = dir.join(metadata::FILE_NAME).exists();
        // The nearest folder, from the docs up to the tree's root, that has manifests.
        let mut manifests = Vec::new();
        let mut manifest_dir: Option<PathBuf> = None;
        // An imported system (`cargo xtask import`) keeps the manifests it was located by beside its docs.
        let meta_esb_system = has_metadata.then(|| metadata_esb_system(dir)).flatten();
        if has_metadata {
            let hint = meta_esb_system.clone().unwrap_or_else(|| dir_name.clone());
            manifests = read_manifests(dir, &hint, &display, &mut diagnostics)?;
        } else {
            for ancestor in dir.ancestors() {
                if !ancestor.starts_with(root) {
                    break;
                }
                let found = match manifest_cache.get(ancestor) {
                    Some(m) => m.clone(),
                    None => {
                        let system_hint = esb_system_of(ancestor, root).unwrap_or_else(|| file_name(ancestor).into());
                        let m = read_manifests(ancestor, &system_hint, &display, &mut diagnostics)?;
                        manifest_cache.insert(ancestor.to_path_buf(), m.clone());
                        m
                    }
                };
                if !found.is_empty() {
                    manifests = found;
                    manifest_dir = Some(ancestor.to_path_buf());
                    break;
                }
            }
        }
        let esb_system = esb_system_of(dir, root);
        if manifests.is_empty() && !has_metadata && esb_system.is_none() {
            let definitions = match &tree_definitions {
                Some(d) => d,
                None => tree_definitions.insert(tree_manifests(root, &display, &mut diagnostics)?),
            };
            manifests = definitions_locating(definitions, docs);
        }
        let mut system = if has_metadata {
            dir_name.clone()
        } else if let Some(esb) = &esb_system {
            esb.clone()
        } else if let Some(m) = &manifest_dir {
            folder_system_name(m)
        } else if is_language(&dir_name) {
            dir.parent().map_or(dir_name.clone(), folder_system_name)
        } else {
            folder_system_name(dir)
        };
        if !has_metadata && is_language(&dir_name) {
            system = format!("{system}_{}", dir_name.to_ascii_lowercase().replace('-', "_"));
        }
        let esb_convention = if has_metadata { meta_esb_system } else { esb_system };
        sets.push(DocSet { system, dir: dir.clone(), docs: docs.clone(), manifests, esb_convention });
    }
    // Two folders with one module name (`a/x` and `b/x`, `job-gateway` and `job_gateway`) stay apart: later
    // ones are numbered.
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for set in &mut sets {
        let n = seen.entry(crate::emit::module_name(&set.system)).or_insert(0);
        *n += 1;
        if *n > 1 {
            set.system = format!("{}_{n}", set.system);
        }
    }
    Ok((sets, diagnostics))
}

/// The `esb_system` of a folder's metadata (a broken file is reported when the folder is loaded).
fn metadata_esb_system(dir: &Path) -> Option<String> {
    let text = fs::read_to_string(dir.join(metadata::FILE_NAME)).ok()?;
    metadata::parse(&text).ok()?.esb_system
}

/// A folder's name as a system name; a version folder (`job/v3`) takes its parent's name too (`job_v3`).
fn folder_system_name(dir: &Path) -> String {
    let name = file_name(dir);
    match dir.parent().map(file_name) {
        Some(parent) if is_version(name) && !parent.is_empty() => format!("{parent}_{name}"),
        _ => name.to_string(),
    }
}

/// The ESB system of a folder in the ESB layout: the folder above `apidocs` (`cmsi/apidocs/zh_hans` → `cmsi`).
fn esb_system_of(dir: &Path, root: &Path) -> Option<String> {
    let mut ancestors = dir.ancestors().take_while(|a| a.starts_with(root));
    let apidocs = ancestors.find(|a| file_name(a) == "apidocs")?;
    apidocs.parent().map(file_name).filter(|n| !n.is_empty()).map(str::to_string)
}

/// Every manifest under `root`: gateway resource definitions (`resources.yaml`, other YAML, Swagger / OpenAPI
/// JSON) and ESB component lists, in path order. BlueKing's repositories keep definitions apart from the docs
/// (`support-files/bk-api-gateway/v3/`), and a system's own docs apart from the ESB's manifest of it.
fn tree_manifests(
    root: &Path,
    display: &dyn Fn(&Path) -> String,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Manifest>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    let mut problems = Vec::new();
    while let Some(dir) = stack.pop() {
        let entries = sorted_entries(&dir)?;
        let system_hint = esb_system_of(&dir, root).unwrap_or_else(|| file_name(&dir).into());
        out.extend(read_manifests(&dir, &system_hint, display, &mut problems)?);
        stack.extend(subfolders(entries).into_iter().rev());
    }
    // A file beside some docs was read (and reported) already.
    for d in problems {
        if !diagnostics.contains(&d) {
            diagnostics.push(d);
        }
    }
    Ok(out)
}

/// The manifests from elsewhere in the tree that locate at least half of a folder's docs (by name, operationId
/// or resource path): one name in common is no evidence that a manifest is about these docs.
fn definitions_locating(definitions: &[Manifest], docs: &[PathBuf]) -> Vec<Manifest> {
    let names: Vec<String> = docs.iter().filter_map(|d| api_name_of(d)).collect();
    let mut found: Vec<(usize, &Manifest)> = definitions
        .iter()
        .map(|m| (names.iter().filter(|n| m.find(n).is_some()).count(), m))
        .filter(|(hits, _)| *hits > 0 && hits * 2 >= names.len())
        .collect();
    found.sort_by_key(|(hits, _)| std::cmp::Reverse(*hits));
    found.into_iter().map(|(_, m)| m.clone()).collect()
}

/// The manifests in one folder: every YAML file that is an ESB component list or a gateway resource definition.
fn read_manifests(
    dir: &Path,
    system: &str,
    display: &dyn Fn(&Path) -> String,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Manifest>, Error> {
    let mut out = Vec::new();
    for p in sorted_entries(dir)? {
        // YAML, and OpenAPI / Swagger definitions in JSON (a subset of YAML).
        let definition = p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
        if !definition || !p.is_file() {
            continue;
        }
        let text = read(&p)?;
        let json = p.extension().is_some_and(|e| e == "json");
        if json && !(text.contains("\"openapi\"") || text.contains("\"swagger\"")) {
            continue;
        }
        match locate::read_manifest(&display(&p), &text, system) {
            Ok(Some(m)) => out.push(Manifest { source: p.clone(), ..m }),
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    Ok(out)
}

/// Loads every doc folder under `root`. Doc problems become diagnostics; only I/O fails.
pub fn load_docs(root: &Path, options: LowerOptions) -> Result<Loaded, Error> {
    let (sets, diagnostics) = discover(root)?;
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics, docs: Vec::new() };
    for set in &sets {
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
    // gateway folder holding `resources.yaml` above a language folder).
    let root = match dir.ancestors().find(|a| a.join("apidocs").is_dir()) {
        Some(system) => non_empty(system),
        None => non_empty(dir.parent().unwrap_or(&dir)),
    };
    let (dir, root) = (dir.as_path(), root.as_path());
    let (sets, diagnostics) = discover(root)?;
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics, docs: Vec::new() };
    let set = sets.into_iter().find(|s| s.dir == dir).unwrap_or_else(|| DocSet {
        system: file_name(dir).to_string(),
        dir: dir.to_path_buf(),
        docs: Vec::new(),
        manifests: Vec::new(),
        esb_convention: None,
    });
    load_set(&set, root, Some(path), options, &mut loaded)?;
    Ok(loaded)
}

fn load_set(
    set: &DocSet,
    root: &Path,
    only: Option<&Path>,
    options: LowerOptions,
    out: &mut Loaded,
) -> Result<(), Error> {
    let display = |p: &Path| p.strip_prefix(root.parent().unwrap_or(root)).unwrap_or(p).display().to_string();
    let meta_path = set.dir.join(metadata::FILE_NAME);
    let meta_display = display(&meta_path);
    let has_metadata = meta_path.exists();
    let meta_text = if has_metadata { read(&meta_path)? } else { String::new() };
    let meta = match metadata::parse(&meta_text) {
        Ok(m) => m,
        Err(e) => {
            out.diagnostics.push(Diagnostic::error(&meta_display, 1, format!("invalid metadata: {e}")));
            SystemMeta::default()
        }
    };
    let texts: Vec<(PathBuf, String)> = match only {
        Some(p) => vec![(p.to_path_buf(), read(p)?)],
        None => set.docs.iter().map(|p| read(p).map(|t| (p.clone(), t))).collect::<Result<_, _>>()?,
    };
    let flavor = match (meta.flavor, set.manifests.first()) {
        (Some(f), _) => f,
        (None, Some(m)) => m.flavor,
        (None, None) if set.esb_convention.is_some() => Flavor::Esb,
        (None, None) => {
            // Gateway docs describe the `X-Bkapi-Authorization` header; ESB docs the common args.
            let gateway =
                texts.iter().any(|(_, t)| t.contains("X-Bkapi-Authorization") || t.contains("bkapi_authorization"));
            if has_metadata {
                out.diagnostics.push(
                    Diagnostic::warning(&meta_display, 1, "no `flavor`; guessed from the docs")
                        .with_help("add `flavor = \"esb\"` or `flavor = \"gateway\"`"),
                );
            }
            if gateway { Flavor::Gateway } else { Flavor::Esb }
        }
    };
    let meta_source = MetaSource { path: &meta_display, text: &meta_text };
    let shared = definitions_pages(set, &texts, &display, meta.apis.keys());
    // Docs are independent until the type space: lower them on every core, keeping their order.
    let results: Vec<_> = texts
        .par_iter()
        .filter(|(doc_path, _)| !shared.iter().any(|page| page.path == display(doc_path)))
        .filter_map(|(doc_path, text)| {
            let api_name = api_name_of(doc_path)?;
            let file = display(doc_path);
            let api_meta = meta.apis.get(&api_name);
            let fallback = locate_beside(set, &api_name);
            let result = catch_unwind(AssertUnwindSafe(|| {
                // A seam for the test that a panic in one doc is contained.
                #[cfg(test)]
                if text.contains("<!-- bkapi-test: panic -->") {
                    panic!("test panic");
                }
                let doc = if is_template(doc_path) {
                    markdown::parse(&file, &without_jinja_statements(text))
                } else {
                    markdown::parse(&file, text)
                };
                let around = Surroundings { beside: fallback.as_ref(), shared: &shared };
                lower_api(&doc, &api_name, flavor, api_meta, &meta_source, around, options)
            }));
            Some((file, api_name, result))
        })
        .collect();
    for page in &shared {
        let api = api_name_of(Path::new(&page.path)).unwrap_or_default();
        out.docs.push(DocOutcome {
            file: page.path.clone(),
            system: set.system.clone(),
            api,
            status: DocStatus::Definitions,
        });
    }
    let mut drafts = Vec::new();
    for (file, api_name, result) in results {
        let status = match result {
            Ok((draft, diags)) => {
                // A shared page's problems are met by every doc that refers to it: reported once.
                for d in diags {
                    let on_shared_page = shared.iter().any(|page| page.path == d.file);
                    if !(on_shared_page && out.diagnostics.contains(&d)) {
                        out.diagnostics.push(d);
                    }
                }
                match draft {
                    Some(d) if d.location.is_some() => {
                        // `get-x.md` and `get_x.md` would both be `get_x()`: the second cannot be generated.
                        let ident = crate::lower::camel_ident(&d.name);
                        match drafts
                            .iter()
                            .find(|o: &&crate::lower::ApiDraft| crate::lower::camel_ident(&o.name) == ident)
                        {
                            Some(first) => {
                                out.diagnostics.push(
                                    Diagnostic::error(
                                        &file,
                                        1,
                                        format!(
                                            "API `{}` has the same Rust name as `{}` ({})",
                                            d.name, first.name, first.source
                                        ),
                                    )
                                    .with_help("rename one of the two docs"),
                                );
                                DocStatus::Failed
                            }
                            None => {
                                drafts.push(d);
                                DocStatus::Located
                            }
                        }
                    }
                    Some(_) => DocStatus::Unlocated,
                    None => DocStatus::Failed,
                }
            }
            Err(panic) => {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                    .unwrap_or_default();
                out.diagnostics.push(
                    Diagnostic::error(&file, 1, format!("internal error while reading this doc: {what}"))
                        .with_help("this is a bug in bkapi-codegen; please report it with the doc"),
                );
                DocStatus::Panicked
            }
        };
        out.docs.push(DocOutcome { file, system: set.system.clone(), api: api_name, status });
    }
    if only.is_none() {
        let documented = |k: &String| set.docs.iter().any(|d| api_name_of(d).as_ref() == Some(k));
        for name in meta.apis.keys().filter(|k| !documented(k)) {
            out.diagnostics.push(Diagnostic::error(
                &meta_display,
                meta_source.line_of(&format!("apis.{name}")),
                format!("metadata for `{name}`, but there is no `{name}.md`"),
            ));
        }
    }
    if let Some(prefix) = &meta.path_prefix {
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
    let system = typespace::build_system(&set.system, flavor, meta.gateway.clone(), drafts);
    fail_lossy_apis(&system, out);
    out.ir.systems.push(system);
    Ok(())
}

/// The folder's pages of shared definitions (see [`crate::lower::is_definitions_page`]): docs without a code
/// block that neither metadata nor a manifest names as an API.
fn definitions_pages<'k>(
    set: &DocSet,
    texts: &[(PathBuf, String)],
    display: &dyn Fn(&Path) -> String,
    in_metadata: impl Iterator<Item = &'k String> + Clone,
) -> Vec<crate::doc::Document> {
    texts
        .iter()
        .filter(|(_, text)| !text.contains("```") && !text.contains("~~~"))
        .filter(|(p, _)| {
            let Some(api) = api_name_of(p) else { return false };
            let named = in_metadata.clone().any(|k| *k == api) || set.manifests.iter().any(|m| m.find(&api).is_some());
            !named
        })
        .filter_map(|(p, text)| {
            let text = if is_template(p) { without_jinja_statements(text) } else { text.clone() };
            // Reading a page is lowering's first step: a panic here is one there (contained, reported).
            let file = display(p);
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
fn locate_beside(set: &DocSet, api: &str) -> Option<Location> {
    if let Some(found) = set.manifests.iter().find_map(|m| m.find(api)) {
        return Some(found);
    }
    let system = set.esb_convention.as_deref()?;
    let why = if set.manifests.is_empty() { "there is no manifest beside the docs" } else { "no manifest names it" };
    // An ESB component coded in Python (`<system>/<api>.py` beside `<system>/apidocs/`) says its method.
    let component = set.dir.ancestors().find(|a| a.file_name().is_some_and(|n| n == "apidocs")).and_then(Path::parent);
    let suggested = component.and_then(|dir| {
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
        assert_eq!(
            names,
            ["job_v3_zh", "cmsi_zh_hans", "mysys_en", "mysys_zh_hans", "nothing", "nothing_2", "rendered"]
        );
        assert_eq!(loaded.docs.len(), 9, "README.md is not a doc");

        let a = api(&loaded, "mysys_zh_hans", "get_a");
        assert_eq!((a.method, a.path.as_str()), (HttpMethod::Get, "/api/c/compapi/v2/mysys/get_a/"));
        let b = api(&loaded, "mysys_zh_hans", "b");
        assert_eq!(b.path, "/api/c/compapi/v2/mysys/b/", "not in the manifest: the ESB convention");
        let x = api(&loaded, "job_v3_zh", "get_x");
        assert_eq!((x.method, x.path.as_str()), (HttpMethod::Get, "/api/v3/get_x"));
        assert_eq!(loaded.ir.systems[0].flavor, Flavor::Gateway);
        let y = api(&loaded, "rendered", "put_y");
        assert_eq!((y.method, y.path.as_str()), (HttpMethod::Put, "/api/c/compapi/v2/r/put_y/"));

        // cmsi: no manifest. The convention gives the path, the name the method, and both are said.
        let mail = api(&loaded, "cmsi_zh_hans", "send_mail");
        assert_eq!((mail.method, mail.path.as_str()), (HttpMethod::Post, "/api/c/compapi/v2/cmsi/send_mail/"));
        assert_eq!(api(&loaded, "cmsi_zh_hans", "get_msg_type").method, HttpMethod::Get);
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
    fn templates_lose_their_jinja_statements_but_keep_their_lines() {
        let text = "### 请求参数\n{% if x %}\n| 字段 | 类型 |\n{# note #}\n";
        assert_eq!(without_jinja_statements(text), "### 请求参数\n\n| 字段 | 类型 |\n");
        assert_eq!(api_name_of(Path::new("a/update_script_basic .md")).as_deref(), Some("update_script_basic"));
        assert_eq!(api_name_of(Path::new("a/get_x.md.j2")).as_deref(), Some("get_x"));
    }
}
