//! `cargo xtask import <TREE>`: brings the API docs of a BlueKing doc tree into `api-docs/<system>/`, byte for
//! byte, with the manifests that locate them (ESB component lists, gateway resource definitions), and records
//! where they came from in the system's `bkapi.toml` (`[provenance]`: source, git commit, date, sha256 of each
//! file). Importing a newer tree again is the "docs changed" workflow; what a maintainer wrote in `bkapi.toml`
//! (corrections, method and path overrides, comments) stays.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::Error;
use crate::ir::Flavor;
use crate::lower::LowerOptions;
use crate::naming::module_name;
use crate::pipeline::{DocOutcome, DocSet, DocStatus, Loaded, api_name_of, discover, hex, load_sets};
use crate::read::discover::COMPONENTS_DIR;
use crate::read::metadata::{self, Provenance};

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Only these systems (`cc`, or their module names); all when empty. Several with `name` are one system: a
    /// repository that keeps one ESB system's docs in two folders (CMDB's `cc` and its ESB-made `esb-cc`).
    pub systems: Vec<String>,
    /// Recorded as the import date (`YYYY-MM-DD`).
    pub date: String,
    /// Folders of the tree (relative to it) that hold the newer revision of a system published twice.
    pub prefer: Vec<PathBuf>,
    /// The name the system imported gets in `into` (its folder, its module in `bkapi`): CMDB's gateway
    /// resources, which the tree keeps in a folder named `open`, as `bk_cmdb`. Needs `systems`; the systems given
    /// are then imported as this one.
    pub name: Option<String>,
}

/// What one system's import changed, by file name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemImport {
    pub system: String,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// Imports every system of `tree` (or `options.system`'s) into `into/<system>/`: docs under their language
/// (`zh_hans/`, `en/`), manifests beside them, ESB components coded in Python under `components/`. Where the
/// tree publishes a system twice, only the newer revision of each API comes in (`options.prefer`, else
/// [`crate::pipeline::REVISION_RULE`]); the others are recorded as superseded, with why.
pub fn import(tree: &Path, into: &Path, options: &ImportOptions) -> Result<Vec<SystemImport>, Error> {
    let (sets, diagnostics) = discover(tree)?;
    let wanted = |set: &&DocSet| options.systems.is_empty() || options.systems.iter().any(|s| is_named(set, s));
    let mut chosen: Vec<DocSet> = sets.iter().filter(wanted).cloned().collect();
    for folder in chosen.iter_mut().flat_map(|s| &mut s.folders) {
        folder.preferred = options.prefer.iter().any(|p| folder.dir.starts_with(tree.join(p)));
    }
    let missing: Vec<&String> = options.systems.iter().filter(|s| !chosen.iter().any(|set| is_named(set, s))).collect();
    if chosen.is_empty() || !missing.is_empty() {
        let known: Vec<&str> = sets.iter().map(|s| s.system.as_str()).collect();
        let what = missing.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        return Err(Error::Import {
            message: if options.systems.is_empty() {
                format!("no doc folder in {}", tree.display())
            } else {
                format!("no doc folder of system {what} in {}; systems: {}", tree.display(), known.join(", "))
            },
        });
    }
    if let Some(name) = &options.name
        && (options.systems.is_empty() || module_name(name) != *name)
    {
        return Err(Error::Import {
            message: format!(
                "`--as {name}` names the system(s) given with `--system`: give them, and a name that is a Rust module \
                 name (`{}`)",
                module_name(name)
            ),
        });
    }
    // Lowering tells which docs another publication supersedes.
    let loaded = load_sets(tree, &chosen, diagnostics, LowerOptions::default())?;
    let commit = git_commit(tree);
    if let Some(name) = &options.name {
        // In the order given: the first system's docs and manifests come first (its file names stay unnumbered).
        chosen.sort_by_key(|set| options.systems.iter().position(|s| is_named(set, s)));
        let merged = merged_system(chosen, name);
        return Ok(vec![import_set(&merged, name, &loaded, into, commit, &options.date)?]);
    }
    chosen.iter().map(|set| import_set(set, &set.system, &loaded, into, commit.clone(), &options.date)).collect()
}

/// Whether `set` is the system `--system name` asks for: by its name or its module name (`esb-cc`, `esb_cc`).
fn is_named(set: &DocSet, name: &str) -> bool {
    set.system == name || module_name(&set.system) == module_name(name)
}

/// Several systems of a tree as one (`--system cc --system esb-cc --as cc`): their folders in the order given. A
/// folder keeps only the manifests of the flavor the first system's are of: an ESB system's docs kept beside a
/// gateway's resource definitions are located by the ESB's manifest and path convention, not as gateway resources
/// that happen to share their names.
fn merged_system(mut sets: Vec<DocSet>, name: &str) -> DocSet {
    let flavor = sets.iter().flat_map(|s| &s.folders).find_map(|f| f.manifests.first()).map(|m| m.flavor);
    let mut folders = Vec::new();
    let (mut meta_dir, mut meta_text) = (None, None);
    for set in &mut sets {
        meta_dir = meta_dir.or(set.meta_dir.take());
        meta_text = meta_text.or(set.meta_text.take());
        folders.append(&mut set.folders);
    }
    if let Some(flavor) = flavor {
        for folder in &mut folders {
            folder.manifests.retain(|m| m.flavor == flavor);
        }
    }
    DocSet { system: name.to_string(), meta_dir, meta_text, folders }
}

/// The commit of the checkout `dir` is in, if it is one.
fn git_commit(dir: &Path) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(["rev-parse", "HEAD"]).output().ok()?;
    let commit = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !commit.is_empty()).then_some(commit)
}

/// `bk-cmdb` of `bk_apigw_resources_bk-cmdb.yaml`, `bk-apigateway` of `bk-apigateway-resources.yaml` (BlueKing's
/// gateways are named `bk…`: SOPS's `api-resources.yml` names none).
fn gateway_of_file(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".yaml").or_else(|| file.strip_suffix(".yml"))?;
    let name = match stem.strip_prefix("bk_apigw_resources_") {
        Some(name) => name,
        None => stem.strip_suffix("-resources").filter(|n| n.starts_with("bk"))?,
    };
    (!name.is_empty()).then(|| name.to_string())
}

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// What one system's import copies: path in the system's folder → source file; and the docs left out.
struct Plan {
    files: BTreeMap<String, PathBuf>,
    superseded: BTreeMap<String, String>,
    sources: Vec<String>,
}

fn plan(set: &DocSet, loaded: &Loaded) -> Plan {
    let outcomes: HashMap<&Path, &DocOutcome> = loaded.docs.iter().map(|o| (o.path.as_path(), o)).collect();
    let outcome = |doc: &Path| outcomes.get(doc).copied();
    let mut plan = Plan { files: BTreeMap::new(), superseded: BTreeMap::new(), sources: Vec::new() };
    let mut publications_used: Vec<&Path> = Vec::new();
    for folder in &set.folders {
        let mut used = false;
        for doc in &folder.docs {
            let Some(name) = doc.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
            match outcome(doc) {
                Some(o) if o.status == DocStatus::Superseded => {
                    plan.superseded.insert(o.file.clone(), o.superseded_why.clone());
                    continue;
                }
                _ => {}
            }
            used = true;
            insert_unique(&mut plan.files, format!("{}/{name}", folder.language), doc.clone());
            let api = api_name_of(doc).unwrap_or_default();
            if let Some(component) = folder.components.as_ref().map(|c| c.join(format!("{api}.py")))
                && component.is_file()
            {
                plan.files.insert(format!("{COMPONENTS_DIR}/{api}.py"), component);
            }
        }
        if used {
            plan.sources.push(folder.dir.display().to_string());
            if !publications_used.contains(&folder.publication.as_path()) {
                publications_used.push(&folder.publication);
            }
        }
    }
    // The manifests of the folders whose docs came in, once each.
    let mut seen: Vec<&Path> = Vec::new();
    for folder in set.folders.iter().filter(|f| publications_used.contains(&f.publication.as_path())) {
        for m in folder.manifests.iter().filter(|m| !m.source.as_os_str().is_empty()) {
            if seen.contains(&m.source.as_path()) {
                continue;
            }
            seen.push(&m.source);
            let name = m.source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            insert_unique(&mut plan.files, name, m.source.clone());
        }
    }
    plan
}

/// Two publications may name a file alike (`job.yaml`): the second is numbered (`2-job.yaml`).
fn insert_unique(files: &mut BTreeMap<String, PathBuf>, name: String, source: PathBuf) {
    let (dir, file) = match name.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f.to_string()),
        None => (String::new(), name.clone()),
    };
    let mut candidate = name;
    let mut n = 1;
    while files.contains_key(&candidate) {
        n += 1;
        candidate = format!("{dir}{n}-{file}");
    }
    files.insert(candidate, source);
}

fn import_set(
    set: &DocSet,
    name: &str,
    loaded: &Loaded,
    into: &Path,
    commit: Option<String>,
    date: &str,
) -> Result<SystemImport, Error> {
    let target = into.join(name);
    fs::create_dir_all(&target).map_err(io(&target))?;
    let meta_path = target.join(metadata::FILE_NAME);
    let old_text = match fs::read_to_string(&meta_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(&meta_path)(e)),
    };
    let old = metadata::parse(&old_text).map_err(|message| Error::Metadata { path: meta_path.clone(), message })?;
    let old_files = old.provenance.map(|p| p.files).unwrap_or_default();

    let plan = plan(set, loaded);
    let mut report = SystemImport { system: name.to_string(), ..SystemImport::default() };
    let mut files = BTreeMap::new();
    for (name, source) in &plan.files {
        let bytes = fs::read(source).map_err(io(source))?;
        let dest = target.join(name);
        let write = match fs::read(&dest).ok() {
            Some(existing) if existing == bytes => {
                report.unchanged += 1;
                false
            }
            Some(_) => {
                report.changed.push(name.clone());
                true
            }
            None => {
                report.added.push(name.clone());
                true
            }
        };
        if write {
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).map_err(io(parent))?;
            }
            fs::write(&dest, &bytes).map_err(io(&dest))?;
        }
        files.insert(name.clone(), sha256(&bytes));
    }
    // Only files an earlier import brought in are removed: anything else in the folder is someone's.
    for name in old_files.keys().filter(|n| !files.contains_key(*n)) {
        let path = target.join(name);
        if path.exists() {
            fs::remove_file(&path).map_err(io(&path))?;
        }
        report.removed.push(name.clone());
    }

    let mut provenance = Provenance {
        sources: plan.sources,
        commit,
        imported: date.to_string(),
        files,
        superseded: plan.superseded,
        unlocated: BTreeMap::new(),
    };
    // What the file holds now: the second write compares with the first's text, not the text before the
    // import (a re-import that ends where it began would otherwise leave the first write's provenance, which
    // lists a doc then taken out again).
    let mut on_disk = old_text.clone();
    let mut write_metadata = |provenance: &Provenance| -> Result<(), Error> {
        let text = with_import_metadata(&old_text, set, provenance)
            .map_err(|message| Error::Metadata { path: meta_path.clone(), message })?;
        if text != on_disk {
            fs::write(&meta_path, &text).map_err(io(&meta_path))?;
            on_disk = text;
        }
        Ok(())
    };
    write_metadata(&provenance)?;
    // A route is a fact or nothing. What locates a doc is its folder here (the manifests of all the system's
    // publications, the maintainer's `bkapi.toml`), not where it was in the tree: a doc the folder still cannot
    // locate (SOPS documents APIs its gateway does not publish) would only be regen's error. It goes out again,
    // recorded with why.
    let unlocated = unlocated_docs(into, name, &target)?;
    if !unlocated.is_empty() {
        for file in &unlocated {
            let path = target.join(file);
            fs::remove_file(&path).map_err(io(&path))?;
            provenance.files.remove(file);
            let source = plan.files.get(file).map_or_else(|| file.clone(), |s| s.display().to_string());
            let why = "no manifest or resource definition of the system names it, and the doc states no route";
            provenance.unlocated.insert(source, why.to_string());
            // Said as what it is to the folder: never there (added, taken out), or there before and gone now.
            if let Some(i) = report.added.iter().position(|a| a == file) {
                report.added.remove(i);
            } else {
                match report.changed.iter().position(|c| c == file) {
                    Some(i) => drop(report.changed.remove(i)),
                    None => report.unchanged = report.unchanged.saturating_sub(1),
                }
                report.removed.push(file.clone());
            }
        }
        write_metadata(&provenance)?;
    }
    Ok(report)
}

/// The docs of system `name` in `into` that loading it leaves unlocated, relative to its folder `target`.
fn unlocated_docs(into: &Path, name: &str, target: &Path) -> Result<Vec<String>, Error> {
    let (sets, diagnostics) = discover(into)?;
    let Some(set) = sets.into_iter().find(|s| s.system == name) else { return Ok(Vec::new()) };
    let loaded = load_sets(into, std::slice::from_ref(&set), diagnostics, LowerOptions::default())?;
    Ok(loaded
        .docs
        .iter()
        .filter(|o| o.status == DocStatus::Unlocated)
        .filter_map(|o| o.path.strip_prefix(target).ok())
        .map(|p| p.to_string_lossy().into_owned())
        .collect())
}

/// `bkapi.toml` with the import's facts: the flavor and ESB system when it had none, and the provenance
/// (replaced). Everything else, comments included, stays as it was.
fn with_import_metadata(old: &str, set: &DocSet, provenance: &Provenance) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = old.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    if old.trim().is_empty() {
        doc.decor_mut().set_prefix("# Metadata of an imported system (`cargo xtask import`). Docs stay untouched.\n");
    }
    let esb_system = set.folders.iter().find_map(|f| f.esb_convention.clone());
    let manifest_flavor = set.folders.iter().find_map(|f| f.manifests.first()).map(|m| m.flavor);
    let flavor = manifest_flavor.or(esb_system.as_ref().map(|_| Flavor::Esb));
    if let (None, Some(flavor)) = (doc.get("flavor"), flavor) {
        doc["flavor"] = toml_edit::value(match flavor {
            Flavor::Esb => "esb",
            Flavor::Gateway => "gateway",
        });
    }
    // BlueKing's gateways export their resources as `bk_apigw_resources_<gateway>.yaml`: the gateway's name,
    // which its base URL is made from.
    let gateway = set
        .folders
        .iter()
        .flat_map(|f| &f.manifests)
        .filter(|m| m.flavor == Flavor::Gateway)
        .find_map(|m| gateway_of_file(m.source.file_name()?.to_str()?));
    if let (None, Some(gateway)) = (doc.get("gateway"), gateway) {
        doc["gateway"] = toml_edit::value(gateway);
    }
    if let (None, Some(esb)) = (doc.get("esb_system"), &esb_system) {
        doc["esb_system"] = toml_edit::value(esb.as_str());
    }
    let mut table = toml_edit::Table::new();
    let mut sources = toml_edit::Array::new();
    for s in &provenance.sources {
        sources.push(s.as_str());
    }
    table["sources"] = toml_edit::value(sources);
    if let Some(commit) = &provenance.commit {
        table["commit"] = toml_edit::value(commit.as_str());
    }
    table["imported"] = toml_edit::value(provenance.imported.as_str());
    let mut files = toml_edit::Table::new();
    for (name, digest) in &provenance.files {
        files[name.as_str()] = toml_edit::value(digest.as_str());
    }
    table["files"] = toml_edit::Item::Table(files);
    for (key, docs) in [("superseded", &provenance.superseded), ("unlocated", &provenance.unlocated)] {
        if !docs.is_empty() {
            let mut entries = toml_edit::Table::new();
            for (name, why) in docs {
                entries[name.as_str()] = toml_edit::value(why.as_str());
            }
            table[key] = toml_edit::Item::Table(entries);
        }
    }
    doc["provenance"] = toml_edit::Item::Table(table);
    let text = doc.to_string();
    // What is written must be metadata regen reads.
    metadata::parse(&text)?;
    Ok(text)
}
