//! Finds the doc folders of a tree and groups them into systems, with what locates their APIs.
//!
//! A tree is any folder holding BlueKing docs: `api-docs/<system>/` with `bkapi.toml` metadata (docs beside it
//! or in language folders `zh_hans/`, `en/`), an ESB component tree (`<system>/<system>.yaml` +
//! `<system>/apidocs/<lang>/*.md`), an API-gateway tree (`resources.yaml` + `<lang>/*.md`), or rendered docs
//! that state their own method and path.
//!
//! One system ([`DocSet`]) is every folder that documents it: its languages (the zh_hans and en docs of one
//! API become one method) and its publications (BlueKing publishes some systems twice — the ESB's copy and
//! the system's own repository — and ships extra components of a system apart from the others).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::Error;
use crate::diagnostics::Diagnostic;
use crate::ir::Flavor;
use crate::naming::module_name;
use crate::read::locate::{self, Manifest};
use crate::read::metadata;

/// One system of the IR: every folder of docs that documents it.
#[derive(Debug, Clone)]
pub struct DocSet {
    /// System name: unique in the tree (module names too; a second system of one name is numbered).
    pub system: String,
    /// The folder of the system's `bkapi.toml` and `drift-baseline.toml`, when it has metadata.
    pub meta_dir: Option<PathBuf>,
    /// The text of that `bkapi.toml`, read once (discovery needs its `esb_system`, loading the rest).
    pub meta_text: Option<String>,
    /// Publications in the order the tree lists them; within one, Chinese first.
    pub folders: Vec<DocFolder>,
}

impl DocSet {
    /// Every doc of the system, folder by folder.
    pub fn docs(&self) -> impl Iterator<Item = &PathBuf> {
        self.folders.iter().flat_map(|f| &f.docs)
    }

    /// Where the system's metadata is, or would be: its metadata folder, else its first doc folder.
    pub fn home(&self) -> &Path {
        match (&self.meta_dir, self.folders.first()) {
            (Some(dir), _) => dir,
            (None, Some(folder)) => &folder.dir,
            (None, None) => Path::new("."),
        }
    }
}

/// A folder of docs in one language.
#[derive(Debug, Clone)]
pub struct DocFolder {
    pub dir: PathBuf,
    /// `zh_hans`, `en`, …: the folder's name when it names a language, else what its docs are written in.
    pub language: String,
    pub docs: Vec<PathBuf>,
    /// ESB manifests or gateway resource definitions that locate the docs, nearest folder first (shared: one
    /// file locates many folders).
    pub manifests: Vec<Arc<Manifest>>,
    /// The ESB system whose path convention locates APIs that no manifest names.
    pub esb_convention: Option<String>,
    /// The folder holding ESB components coded in Python (`<api>.py`, which say their method), if any.
    pub components: Option<PathBuf>,
    /// One revision of the system's docs: the folder above the language folders (`esb/cc/apidocs`).
    pub publication: PathBuf,
    /// Named the newer revision by whoever imports it (`cargo xtask import --prefer`).
    pub preferred: bool,
}

impl DocFolder {
    /// A folder known by its texts alone: nothing beside its docs locates them.
    pub fn in_memory(dir: PathBuf, language: String, publication: PathBuf) -> Self {
        let (docs, manifests) = (Vec::new(), Vec::new());
        DocFolder {
            dir,
            language,
            docs,
            manifests,
            esb_convention: None,
            components: None,
            publication,
            preferred: false,
        }
    }

    pub fn is_chinese(&self) -> bool {
        self.language.starts_with("zh") || self.language == "cn"
    }
}

/// Components coded in Python live in the imported system's `components/` folder.
pub const COMPONENTS_DIR: &str = "components";

/// A doc or metadata file as text: UTF-8 (else [`Error::NotUtf8`] with where), without a byte-order mark, and
/// with `\n` line ends (old Mac files end lines with `\r` alone: every line would be line 1).
pub(crate) fn read(path: &Path) -> Result<String, Error> {
    let bytes = fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = e.as_bytes().get(..offset).unwrap_or_default();
        let line = u32::try_from(before.iter().filter(|b| **b == b'\n').count() + 1).unwrap_or(u32::MAX);
        Error::NotUtf8 { path: path.to_path_buf(), line, offset }
    })?;
    // Some BlueKing files start with a byte-order mark, which neither markdown nor YAML expect.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() })
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

pub(crate) fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// Markdown files that are API docs: not a folder's README or changelog.
fn is_doc(p: &Path) -> bool {
    let name = file_name(p).to_ascii_lowercase();
    let markdown = name.ends_with(".md") || is_template(p);
    markdown && !matches!(name.trim_end_matches(".j2"), "readme.md" | "changelog.md" | "index.md" | "summary.md")
}

/// A doc template (`fast_execute_script.md.j2`), as BlueKing's doc generators keep them.
pub(crate) fn is_template(p: &Path) -> bool {
    file_name(p).to_ascii_lowercase().ends_with(".md.j2")
}

/// The API a doc describes: its file name without `.md` / `.md.j2` (trimmed: real trees have
/// `update_script_basic .md`).
pub fn api_name_of(p: &Path) -> Option<String> {
    let name = file_name(p);
    let lower = name.to_ascii_lowercase();
    let cut = if lower.ends_with(".md.j2") { name.len().checked_sub(6)? } else { name.len().checked_sub(3)? };
    let stem = name.get(..cut).map(str::trim).filter(|s| !s.is_empty())?;
    // `en/x_en.md`: the language its folder names, said again in the file name, is no part of the API's name.
    let language = p.parent().map(file_name).and_then(language_of_folder);
    let stem = language.and_then(|l| stem.strip_suffix(&format!("_{l}"))).filter(|s| !s.is_empty()).unwrap_or(stem);
    Some(stem.to_string())
}

/// A folder named for a language (`zh_hans`, `en`, `zh-CN`), normalized (`zh_cn`).
fn language_of_folder(name: &str) -> Option<String> {
    let normal = name.to_ascii_lowercase().replace('-', "_");
    matches!(normal.as_str(), "zh" | "zh_hans" | "zh_cn" | "cn" | "en" | "en_us" | "en_gb").then_some(normal)
}

/// What a folder's docs are written in, when its name does not say: Chinese if its first doc has Han
/// characters (BlueKing's Chinese docs have them in every heading), else English.
fn language_of_docs(docs: &[PathBuf]) -> String {
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let chinese = docs.first().and_then(|d| fs::read_to_string(d).ok()).is_some_and(|t| t.chars().any(han));
    if chinese { "zh_hans".into() } else { "en".into() }
}

/// `v3` and the like: a version folder says less than its parent.
fn is_version(name: &str) -> bool {
    name.strip_prefix(['v', 'V']).is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
}

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

/// A folder and its docs.
type DocsOfFolder = (PathBuf, Vec<PathBuf>);

/// Every folder under `root` (itself included) that holds docs, with its docs, in sorted order; and every file
/// that may be a manifest (YAML, JSON), for [`parse_definitions`].
fn doc_folders(root: &Path) -> Result<(Vec<DocsOfFolder>, Vec<PathBuf>), Error> {
    let mut out = Vec::new();
    let mut definitions = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = sorted_entries(&dir)?;
        let docs: Vec<PathBuf> = entries.iter().filter(|p| p.is_file() && is_doc(p)).cloned().collect();
        if !docs.is_empty() {
            out.push((dir.clone(), docs));
        }
        definitions.extend(entries.iter().filter(|p| is_definition_file(p)).cloned());
        // Reversed onto the stack so folders come off it in sorted order.
        stack.extend(subfolders(entries).into_iter().rev());
    }
    Ok((out, definitions))
}

/// YAML, and OpenAPI / Swagger definitions in JSON (a subset of YAML).
fn is_definition_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") && p.is_file()
}

/// A definition file read and parsed ahead: its text and YAML value (or why not); `None` for JSON that is no
/// OpenAPI document.
type Parsed = Result<Option<(String, Result<serde_yaml_ng::Value, Box<Diagnostic>>)>, Error>;

/// Reads and parses every definition file of the tree in parallel: parsing YAML is most of discovery's time and
/// depends on a file's text alone. [`read_manifests`] interprets them, in order, as folders ask.
fn parse_definitions(files: Vec<PathBuf>, display: &dyn Fn(&Path) -> String) -> HashMap<PathBuf, Parsed> {
    // Named first: `display` need not be shared between threads.
    let named: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|p| {
            let shown = display(&p);
            (p, shown)
        })
        .collect();
    named
        .into_par_iter()
        .map(|(path, shown)| {
            let parsed = read_definition(&path, &shown);
            (path, parsed)
        })
        .collect()
}

/// One definition file read and parsed (`shown`: its name in diagnostics); JSON only when it is OpenAPI.
fn read_definition(path: &Path, shown: &str) -> Parsed {
    let text = read(path)?;
    let json = path.extension().is_some_and(|e| e == "json");
    if json && !(text.contains("\"openapi\"") || text.contains("\"swagger\"")) {
        return Ok(None);
    }
    let value = locate::parse_manifest(shown, &text);
    Ok(Some((text, value)))
}

/// What groups folders into one system: its metadata folder, else the folder of the gateway definitions that
/// locate its docs (BlueKing's repositories all call that folder `apigw`: one name, many gateways), else its
/// module name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SystemKey {
    Metadata(PathBuf),
    Definitions(PathBuf),
    Name(String),
}

/// A folder and the manifests in it.
type FolderManifests = (PathBuf, Vec<Arc<Manifest>>);

/// Reads manifests and metadata once per folder, and the whole tree's manifests once, as folders ask for them.
struct Locators<'a> {
    root: &'a Path,
    display: &'a dyn Fn(&Path) -> String,
    by_folder: HashMap<PathBuf, Vec<Arc<Manifest>>>,
    /// `bkapi.toml` text by metadata folder.
    metadata: HashMap<PathBuf, String>,
    tree: Option<Vec<Arc<Manifest>>>,
    /// Every manifest below a folder, by folder (see [`Locators::with_split_definitions`]): read once, though each
    /// language's docs folder asks.
    below: HashMap<PathBuf, Vec<Arc<Manifest>>>,
    /// The tree's definition files, parsed ahead ([`parse_definitions`]); each taken once, as its folder is read.
    parsed: HashMap<PathBuf, Parsed>,
    diagnostics: Vec<Diagnostic>,
}

impl Locators<'_> {
    fn metadata_text(&mut self, dir: &Path) -> Result<&str, Error> {
        if !self.metadata.contains_key(dir) {
            let text = read(&dir.join(metadata::FILE_NAME))?;
            self.metadata.insert(dir.to_path_buf(), text);
        }
        Ok(self.metadata.get(dir).map_or("", String::as_str))
    }

    fn in_folder(&mut self, dir: &Path, system_hint: &str) -> Result<Vec<Arc<Manifest>>, Error> {
        if let Some(found) = self.by_folder.get(dir) {
            return Ok(found.clone());
        }
        let found = read_manifests(dir, system_hint, self.display, &mut self.parsed, &mut self.diagnostics)?;
        self.by_folder.insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }

    /// The nearest folder from `dir` up to the root that has manifests, and those manifests.
    fn nearest(&mut self, dir: &Path) -> Result<Option<FolderManifests>, Error> {
        let root = self.root;
        for ancestor in dir.ancestors().take_while(|a| a.starts_with(root)) {
            let hint = esb_system_of(ancestor, root).unwrap_or_else(|| file_name(ancestor).into());
            let found = self.in_folder(ancestor, &hint)?;
            if !found.is_empty() {
                return Ok(Some((ancestor.to_path_buf(), found)));
            }
        }
        Ok(None)
    }

    /// Gateway resource definitions split over many files below the nearest ones (`resources/**/*.yaml`, one per
    /// resource group, partial OpenAPI with only `paths`): after the nearest folder's own, every definition under
    /// that folder that locates at least one of the docs. Together they locate the docs; none alone need to.
    fn with_split_definitions(
        &mut self,
        manifest_dir: &Path,
        mut found: Vec<Arc<Manifest>>,
        docs: &[PathBuf],
    ) -> Result<Vec<Arc<Manifest>>, Error> {
        let names: Vec<String> = docs.iter().filter_map(|d| api_name_of(d)).collect();
        if !self.below.contains_key(manifest_dir) {
            let read = self.tree_manifests(manifest_dir)?;
            self.below.insert(manifest_dir.to_path_buf(), read);
        }
        let below = self.below.get(manifest_dir).map_or(&[][..], Vec::as_slice);
        found.extend(
            below
                .iter()
                .filter(|m| {
                    m.esb_system.is_none()
                        && m.source.parent() != Some(manifest_dir)
                        && names.iter().any(|n| m.find_as(n, locate::Match::Exact).is_some())
                })
                .cloned(),
        );
        Ok(found)
    }

    fn elsewhere_locating(&mut self, docs: &[PathBuf]) -> Result<Vec<Arc<Manifest>>, Error> {
        if self.tree.is_none() {
            let read = self.tree_manifests(self.root)?;
            self.tree = Some(read);
        }
        Ok(definitions_locating(self.tree.as_deref().unwrap_or_default(), docs))
    }

    /// Every manifest under `top`: gateway resource definitions (`resources.yaml`, other YAML, Swagger / OpenAPI
    /// JSON) and ESB component lists, in path order. BlueKing's repositories keep definitions apart from the docs
    /// (`support-files/bk-api-gateway/v3/`), and a system's own docs apart from the ESB's manifest of it. Each
    /// folder's are read once (through [`Locators::in_folder`]), whichever question asks for them first.
    fn tree_manifests(&mut self, top: &Path) -> Result<Vec<Arc<Manifest>>, Error> {
        let mut out = Vec::new();
        let mut stack = vec![top.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let entries = sorted_entries(&dir)?;
            let system_hint = esb_system_of(&dir, self.root).unwrap_or_else(|| file_name(&dir).into());
            out.extend(self.in_folder(&dir, &system_hint)?);
            stack.extend(subfolders(entries).into_iter().rev());
        }
        Ok(out)
    }
}

/// Finds the doc folders of a tree, what locates their APIs, and the systems they make up. Manifests that
/// cannot be read are reported.
pub fn discover(root: &Path) -> Result<(Vec<DocSet>, Vec<Diagnostic>), Error> {
    let display_base = root.parent().unwrap_or(root).to_path_buf();
    let display = |p: &Path| p.strip_prefix(&display_base).unwrap_or(p).display().to_string();
    let (folders, definition_files) = doc_folders(root)?;
    let mut locators = Locators {
        root,
        display: &display,
        by_folder: HashMap::new(),
        metadata: HashMap::new(),
        tree: None,
        below: HashMap::new(),
        parsed: parse_definitions(definition_files, &display),
        diagnostics: Vec::new(),
    };
    let mut sets: Vec<(SystemKey, DocSet)> = Vec::new();
    for (dir, docs) in folders {
        let (system, meta_dir, definitions, folder) = folder_of(&dir, docs, root, &mut locators)?;
        let key = match (&meta_dir, definitions) {
            (Some(m), _) => SystemKey::Metadata(m.clone()),
            (None, Some(d)) => SystemKey::Definitions(d),
            (None, None) => SystemKey::Name(module_name(&system)),
        };
        match sets.iter_mut().find(|(k, _)| *k == key) {
            Some((_, set)) => set.folders.push(folder),
            None => {
                let meta_text = meta_dir.as_ref().and_then(|m| locators.metadata.get(m).cloned());
                sets.push((key, DocSet { system, meta_dir, meta_text, folders: vec![folder] }))
            }
        }
    }
    name_apart_by_ancestors(&mut sets);
    let mut sets: Vec<DocSet> = sets.into_iter().map(|(_, set)| set).collect();
    for set in &mut sets {
        // Publications in tree order, Chinese first within each (the sort is stable).
        let order: Vec<PathBuf> = set.folders.iter().map(|f| f.publication.clone()).collect();
        let rank = |p: &PathBuf| order.iter().position(|o| o == p).unwrap_or(usize::MAX);
        set.folders.sort_by_key(|f| (rank(&f.publication), !f.is_chinese()));
    }
    // Two metadata folders with one module name (`job-gateway` and `job_gateway`) stay apart: later ones
    // are numbered.
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for set in &mut sets {
        let n = seen.entry(module_name(&set.system)).or_insert(0);
        *n += 1;
        if *n > 1 {
            set.system = format!("{}_{n}", set.system);
        }
    }
    Ok((sets, locators.diagnostics))
}

/// Systems of one name keyed by different definition folders (`bkmonitor/support-files/apigw`,
/// `bklog/support-files/apigw`): each takes the name of the nearest ancestor that tells it from the others
/// (`bkmonitor_apigw`, `bklog_apigw`), so that `--system` can pick one.
fn name_apart_by_ancestors(sets: &mut [(SystemKey, DocSet)]) {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (key, set)) in sets.iter().enumerate() {
        if matches!(key, SystemKey::Definitions(_)) {
            by_name.entry(module_name(&set.system)).or_default().push(i);
        }
    }
    for same in by_name.values().filter(|same| same.len() > 1) {
        let dirs: Vec<Vec<String>> = same
            .iter()
            .map(|&i| match sets.get(i) {
                Some((SystemKey::Definitions(d), _)) => {
                    d.ancestors().skip(1).map(|a| file_name(a).to_string()).collect()
                }
                _ => Vec::new(),
            })
            .collect();
        let depth = (0..dirs.iter().map(Vec::len).min().unwrap_or(0)).find(|&level| {
            let names: std::collections::BTreeSet<Option<&String>> = dirs.iter().map(|d| d.get(level)).collect();
            names.len() == dirs.len()
        });
        let Some(level) = depth else { continue };
        for (&i, ancestors) in same.iter().zip(&dirs) {
            if let (Some((_, set)), Some(ancestor)) = (sets.get_mut(i), ancestors.get(level)) {
                set.system = format!("{ancestor}_{}", set.system);
            }
        }
    }
}

/// One doc folder: the system it documents, that system's metadata folder, the folder of the gateway
/// definitions that locate its docs, and what locates them.
fn folder_of(
    dir: &Path,
    docs: Vec<PathBuf>,
    root: &Path,
    locators: &mut Locators<'_>,
) -> Result<(String, Option<PathBuf>, Option<PathBuf>, DocFolder), Error> {
    let dir_name = file_name(dir).to_string();
    let folder_language = language_of_folder(&dir_name);
    let parent = dir.parent().filter(|p| p.starts_with(root));
    let publication = match (&folder_language, parent) {
        (Some(_), Some(p)) => p.to_path_buf(),
        _ => dir.to_path_buf(),
    };
    let language = folder_language.clone().unwrap_or_else(|| language_of_docs(&docs));
    // An imported system (`cargo xtask import`): `bkapi.toml` beside the docs, or above its language folders.
    let meta_dir = [Some(dir), parent.filter(|_| folder_language.is_some())]
        .into_iter()
        .flatten()
        .find(|d| d.join(metadata::FILE_NAME).exists())
        .map(Path::to_path_buf);
    let esb_system = esb_system_of(dir, root);
    let (system, manifests, esb_convention, components, definitions) = match &meta_dir {
        Some(meta) => {
            // A broken file is reported when the system is loaded.
            let meta_esb = metadata::parse(locators.metadata_text(meta)?).ok().and_then(|m| m.esb_system);
            let manifests = locators.in_folder(meta, meta_esb.as_deref().unwrap_or(file_name(meta)))?;
            let components = Some(meta.join(COMPONENTS_DIR)).filter(|c| c.is_dir());
            (file_name(meta).to_string(), manifests, meta_esb, components, None)
        }
        None => {
            let nearest = locators.nearest(dir)?;
            let components = esb_component_dir(dir, root);
            match (nearest, &esb_system) {
                (Some((manifest_dir, found)), Some(esb)) => {
                    // Gateway definitions beside an `apidocs` folder (bk-user's `support-files/bk-user-apigateway/`):
                    // the gateway's docs, whose paths the ESB convention would only guess.
                    let gateway = found.iter().all(|m| m.flavor == Flavor::Gateway);
                    let definitions = Some(manifest_dir).filter(|_| gateway);
                    (esb.clone(), found, esb_system.clone().filter(|_| !gateway), components, definitions)
                }
                (None, Some(esb)) => {
                    // An `apidocs` folder is no proof of the ESB: the API gateway's own docs sit in
                    // `data/apidocs/zh` with their resource definitions in `data/apigw-definitions/`. Gateway
                    // definitions elsewhere that locate the docs are theirs, and no path is guessed.
                    let elsewhere = locators.elsewhere_locating(&docs)?;
                    let gateway: Vec<Arc<Manifest>> =
                        elsewhere.into_iter().filter(|m| m.flavor == Flavor::Gateway).collect();
                    if gateway.is_empty() {
                        (esb.clone(), Vec::new(), esb_system.clone(), components, None)
                    } else {
                        (esb.clone(), gateway, None, components, None)
                    }
                }
                (Some((manifest_dir, found)), None) => {
                    let found = locators.with_split_definitions(&manifest_dir, found, &docs)?;
                    (folder_system_name(&manifest_dir), found, None, components, Some(manifest_dir))
                }
                (None, None) => {
                    let elsewhere = locators.elsewhere_locating(&docs)?;
                    // Docs located by an ESB system's component list elsewhere are that system's docs.
                    let named = elsewhere.iter().find_map(|m| m.esb_system.clone());
                    let own = match parent.filter(|_| folder_language.is_some()) {
                        Some(p) => folder_system_name(p),
                        None => folder_system_name(dir),
                    };
                    (named.unwrap_or(own), elsewhere, None, components, None)
                }
            }
        }
    };
    let folder = DocFolder {
        dir: dir.to_path_buf(),
        language,
        docs,
        manifests,
        esb_convention,
        components,
        publication,
        preferred: false,
    };
    Ok((system, meta_dir, definitions, folder))
}

/// The folder of an ESB system's components coded in Python: the one above `apidocs`.
fn esb_component_dir(dir: &Path, root: &Path) -> Option<PathBuf> {
    let apidocs = dir.ancestors().take_while(|a| a.starts_with(root)).find(|a| file_name(a) == "apidocs")?;
    apidocs.parent().map(Path::to_path_buf)
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
    esb_component_dir(dir, root).map(|d| file_name(&d).to_string()).filter(|n| !n.is_empty())
}

/// The manifests from elsewhere in the tree that locate at least half of a folder's docs (by name, operationId
/// or resource path): one name in common is no evidence that a manifest is about these docs.
fn definitions_locating(definitions: &[Arc<Manifest>], docs: &[PathBuf]) -> Vec<Arc<Manifest>> {
    let names: Vec<String> = docs.iter().filter_map(|d| api_name_of(d)).collect();
    let mut found: Vec<(usize, &Arc<Manifest>)> = definitions
        .iter()
        .map(|m| (names.iter().filter(|n| m.find(n).is_some()).count(), m))
        .filter(|(hits, _)| *hits > 0 && hits * 2 >= names.len())
        .collect();
    found.sort_by_key(|(hits, _)| std::cmp::Reverse(*hits));
    found.into_iter().map(|(_, m)| Arc::clone(m)).collect()
}

/// The manifests in one folder: every YAML file that is an ESB component list or a gateway resource definition.
/// Files in `parsed` are taken from there.
fn read_manifests(
    dir: &Path,
    system: &str,
    display: &dyn Fn(&Path) -> String,
    parsed: &mut HashMap<PathBuf, Parsed>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Arc<Manifest>>, Error> {
    let mut out = Vec::new();
    for p in sorted_entries(dir)? {
        if !is_definition_file(&p) {
            continue;
        }
        let shown = display(&p);
        let Some((text, value)) = parsed.remove(&p).unwrap_or_else(|| read_definition(&p, &shown))? else {
            continue;
        };
        match value.and_then(|value| locate::manifest_from_value(&shown, &text, value, system)) {
            Ok(Some(m)) => {
                for problem in &m.problems {
                    if !diagnostics.contains(problem) {
                        diagnostics.push(problem.clone());
                    }
                }
                out.push(Arc::new(Manifest { source: p.clone(), ..m }));
            }
            Ok(None) => {}
            Err(d) => diagnostics.push(*d),
        }
    }
    Ok(out)
}
