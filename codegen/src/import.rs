//! `cargo xtask import <TREE>`: brings the API docs of a BlueKing doc tree into `api-docs/<system>/`, byte for
//! byte, with the manifests that locate them (ESB component lists, gateway resource definitions), and records
//! where they came from in the system's `bkapi.toml` (`[provenance]`: source, git commit, date, sha256 of each
//! file). Importing a newer tree again is the "docs changed" workflow; what a maintainer wrote in `bkapi.toml`
//! (corrections, method and path overrides, comments) stays.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::Error;
use crate::ir::Flavor;
use crate::load::{DocSet, discover};
use crate::metadata::{self, Provenance};
use crate::naming::module_name;

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Only the doc folders of this system (`cc_zh_hans`, or its module name); all when `None`.
    pub system: Option<String>,
    /// Recorded as the import date (`YYYY-MM-DD`).
    pub date: String,
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

/// Imports every doc folder of `tree` (or those of `options.system`) into `into/<system>/`.
pub fn import(tree: &Path, into: &Path, options: &ImportOptions) -> Result<Vec<SystemImport>, Error> {
    let (sets, _) = discover(tree)?;
    let wanted = |set: &&DocSet| {
        options.system.as_deref().is_none_or(|s| set.system == s || module_name(&set.system) == module_name(s))
    };
    let chosen: Vec<&DocSet> = sets.iter().filter(wanted).collect();
    if chosen.is_empty() {
        let known: Vec<&str> = sets.iter().map(|s| s.system.as_str()).collect();
        return Err(Error::Import {
            message: match &options.system {
                Some(s) => {
                    format!("no doc folder of system `{s}` in {}; systems: {}", tree.display(), known.join(", "))
                }
                None => format!("no doc folder in {}", tree.display()),
            },
        });
    }
    let commit = git_commit(tree);
    chosen.into_iter().map(|set| import_set(set, into, commit.clone(), &options.date)).collect()
}

/// The commit of the checkout `dir` is in, if it is one.
fn git_commit(dir: &Path) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(["rev-parse", "HEAD"]).output().ok()?;
    let commit = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !commit.is_empty()).then_some(commit)
}

fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// The files a folder's system is made of: its docs and the manifests that locate them, by file name.
fn files_of(set: &DocSet) -> BTreeMap<String, PathBuf> {
    let manifests = set.manifests.iter().map(|m| m.source.clone()).filter(|p| !p.as_os_str().is_empty());
    set.docs
        .iter()
        .cloned()
        .chain(manifests)
        .filter_map(|p| Some((p.file_name()?.to_string_lossy().into_owned(), p)))
        .collect()
}

fn import_set(set: &DocSet, into: &Path, commit: Option<String>, date: &str) -> Result<SystemImport, Error> {
    let target = into.join(&set.system);
    fs::create_dir_all(&target).map_err(io(&target))?;
    let meta_path = target.join(metadata::FILE_NAME);
    let old_text = match fs::read_to_string(&meta_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(&meta_path)(e)),
    };
    let old = metadata::parse(&old_text).map_err(|message| Error::Metadata { path: meta_path.clone(), message })?;
    let old_files = old.provenance.map(|p| p.files).unwrap_or_default();

    let mut report = SystemImport { system: set.system.clone(), ..SystemImport::default() };
    let mut files = BTreeMap::new();
    for (name, source) in files_of(set) {
        let bytes = fs::read(&source).map_err(io(&source))?;
        let dest = target.join(&name);
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
            fs::write(&dest, &bytes).map_err(io(&dest))?;
        }
        files.insert(name, sha256(&bytes));
    }
    // Only files an earlier import brought in are removed: anything else in the folder is someone's.
    for name in old_files.keys().filter(|n| !files.contains_key(*n)) {
        let path = target.join(name);
        if path.exists() {
            fs::remove_file(&path).map_err(io(&path))?;
        }
        report.removed.push(name.clone());
    }

    let source = set.dir.display().to_string();
    let provenance = Provenance { source, commit, imported: date.to_string(), files };
    let text = with_import_metadata(&old_text, set, &provenance)
        .map_err(|message| Error::Metadata { path: meta_path.clone(), message })?;
    if text != old_text {
        fs::write(&meta_path, text).map_err(io(&meta_path))?;
    }
    Ok(report)
}

/// `bkapi.toml` with the import's facts: the flavor and ESB system when it had none, and the provenance
/// (replaced). Everything else, comments included, stays as it was.
fn with_import_metadata(old: &str, set: &DocSet, provenance: &Provenance) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = old.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    if old.trim().is_empty() {
        doc.decor_mut().set_prefix("# Metadata of an imported system (`cargo xtask import`). Docs stay untouched.\n");
    }
    let flavor = set.manifests.first().map(|m| m.flavor).or(set.esb_convention.as_ref().map(|_| Flavor::Esb));
    if let (None, Some(flavor)) = (doc.get("flavor"), flavor) {
        doc["flavor"] = toml_edit::value(match flavor {
            Flavor::Esb => "esb",
            Flavor::Gateway => "gateway",
        });
    }
    if let (None, Some(esb)) = (doc.get("esb_system"), &set.esb_convention) {
        doc["esb_system"] = toml_edit::value(esb.as_str());
    }
    let mut table = toml_edit::Table::new();
    table["source"] = toml_edit::value(provenance.source.as_str());
    if let Some(commit) = &provenance.commit {
        table["commit"] = toml_edit::value(commit.as_str());
    }
    table["imported"] = toml_edit::value(provenance.imported.as_str());
    let mut files = toml_edit::Table::new();
    for (name, digest) in &provenance.files {
        files[name.as_str()] = toml_edit::value(digest.as_str());
    }
    table["files"] = toml_edit::Item::Table(files);
    doc["provenance"] = toml_edit::Item::Table(table);
    let text = doc.to_string();
    // What is written must be metadata regen reads.
    metadata::parse(&text)?;
    Ok(text)
}
