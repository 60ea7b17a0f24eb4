//! `regen`: docs → generated files on disk, writing only what changed (rust-analyzer's `ensure_file_contents`).

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::check::baseline::load_baseline;
use crate::check::findings::{self, Finding};
use crate::diagnostics::Diagnostic;
use crate::emit::{self, FormatMemo, GeneratedFile, HEADER};
use crate::ir::{Ir, System};
use crate::lower::LowerOptions;
use crate::pipeline::{BuildCache, hex, load_docs, load_docs_cached, replace_file};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed files, delete stale ones.
    Write,
    /// Change nothing; fail if anything would change.
    Check,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Files written (Write) or that would be written (Check), relative to the output folder.
    pub changed: Vec<PathBuf>,
    /// Generated files no doc produces any more: deleted (Write) or reported (Check).
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
    pub warnings: Vec<Diagnostic>,
    /// Drift (`cargo xtask drift`) that `drift-baseline.toml` does not accept.
    pub drift: Vec<Finding>,
    /// Drift the baseline accepts: still reported, never silent.
    pub accepted_drift: Vec<Finding>,
    /// The generated crate's Cargo features, one per system (for [`ensure_features`]).
    pub features: Vec<String>,
    /// Systems whose docs were lowered by this run; the others' builds came from the [`EmitCache`].
    pub systems_built: Vec<String>,
    /// Systems whose files were emitted by this run; the others came from the [`EmitCache`].
    pub systems_emitted: Vec<String>,
    pub systems_from_cache: usize,
}

/// Regenerates `out_dir` (the `generated/src/apis` folder) from `docs_dir`.
///
/// Any error diagnostic aborts before a single file is touched, so a broken doc leaves the crate as it was.
pub fn regen(docs_dir: &Path, out_dir: &Path, mode: Mode) -> Result<Report, Error> {
    regen_into(docs_dir, &Outputs { bindings: out_dir.to_path_buf(), cli: None, cache: None }, mode)
}

/// Where a regen writes: the bindings' API modules, and the command line's tables when it has a folder.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// `generated/src/apis`.
    pub bindings: PathBuf,
    /// `cli/src/apis`.
    pub cli: Option<PathBuf>,
    /// Where earlier runs' per-system output is kept, if anywhere.
    pub cache: Option<EmitCache>,
}

/// What earlier regens built and emitted per system, kept outside the repository (xtask: `target/bkapi-regen/`),
/// so that a regen lowers again only the systems whose input changed ([`BuildCache`], under `builds/`) and emits
/// again only those whose IR changed. A system's emitted files are keyed by the SHA-256 of `generator` and of its
/// IR as JSON: what they hold depends on nothing else ([`emit::emit_system_file`]), so an entry is never stale —
/// a changed doc changes its system's IR, a changed generator changes `generator`.
#[derive(Debug, Clone)]
pub struct EmitCache {
    pub dir: PathBuf,
    /// Identifies the generator that emits (xtask: its own executable's path, size and modification time).
    pub generator: String,
}

/// One system's cache entry: its key and where its files go (the contents sit beside it).
#[derive(Debug, Serialize, Deserialize)]
struct CacheEntry {
    key: String,
    bindings: String,
    cli: Option<String>,
}

impl EmitCache {
    /// Where the systems' builds are kept, by the same generator.
    pub fn builds(&self) -> BuildCache {
        BuildCache { dir: self.dir.join("builds"), generator: self.generator.clone() }
    }

    fn key(&self, system: &System) -> Result<String, Error> {
        let ir = serde_json::to_vec(system)
            .map_err(|e| Error::Emit { file: system.name.clone(), message: format!("the IR as JSON: {e}") })?;
        let mut hash = Sha256::new();
        hash.update(self.generator.as_bytes());
        hash.update([0]);
        hash.update(&ir);
        Ok(hex(&hash.finalize()))
    }

    /// Forgets one system's entries: its next regen builds and emits it, as after a change to one of its docs.
    pub fn forget(&self, system: &str) {
        let _ = fs::remove_file(self.dir.join(format!("{system}.json")));
        self.builds().forget(system);
    }

    fn entry_path(&self, system: &System, what: &str) -> PathBuf {
        self.dir.join(format!("{}.{what}", system.name))
    }

    /// The key of the roots (`mod.rs`): every system's key, in order.
    fn root_key(&self, keys: &[Option<String>]) -> String {
        let mut hash = Sha256::new();
        hash.update(self.generator.as_bytes());
        for key in keys {
            hash.update([0]);
            hash.update(key.as_deref().unwrap_or("").as_bytes());
        }
        hex(&hash.finalize())
    }

    /// A root file (`name`: `bindings` or `cli`) from the cache when its entry has `key`, else emitted and stored.
    fn root(
        &self,
        name: &str,
        key: &str,
        emit: impl FnOnce() -> Result<GeneratedFile, Error>,
    ) -> Result<GeneratedFile, Error> {
        let (entry_path, content_path) =
            (self.dir.join(format!("roots/{name}.json")), self.dir.join(format!("roots/{name}.rs")));
        let cached = fs::read(&entry_path).ok().and_then(|b| serde_json::from_slice::<CacheEntry>(&b).ok());
        if let Some(entry) = cached.filter(|e| e.key == key)
            && let Ok(content) = fs::read_to_string(&content_path)
        {
            return Ok(GeneratedFile { path: entry.bindings, content });
        }
        let file = emit()?;
        let entry = CacheEntry { key: key.to_string(), bindings: file.path.clone(), cli: None };
        // Content first, the entry with its key last (as [`EmitCache::store`]); a failure costs time only.
        let _ = fs::create_dir_all(self.dir.join("roots"))
            .and_then(|()| fs::remove_file(&entry_path).or(Ok(())))
            .and_then(|()| fs::write(&content_path, &file.content))
            .and_then(|()| fs::write(&entry_path, serde_json::to_vec(&entry).map_err(std::io::Error::other)?));
        Ok(file)
    }

    fn memo_path(&self, system: &System) -> PathBuf {
        self.dir.join(format!("memo/{}.json", system.name))
    }

    /// The texts the system's last emission by this generator formatted; empty when there are none.
    fn load_memo(&self, system: &System) -> FormatMemo {
        let file = fs::read(self.memo_path(system)).ok().and_then(|b| serde_json::from_slice::<MemoFile>(&b).ok());
        file.filter(|f| f.generator == self.generator).map(|f| f.memo).unwrap_or_default()
    }

    fn store_memo(&self, system: &System, memo: FormatMemo) -> std::io::Result<()> {
        let path = self.memo_path(system);
        fs::create_dir_all(path.parent().unwrap_or(&self.dir))?;
        let file = MemoFile { generator: self.generator.clone(), memo };
        replace_file(&path, &serde_json::to_vec(&file).map_err(std::io::Error::other)?)
    }

    /// The system's files, when the entry has this key (and the command line's when they are wanted).
    fn load(&self, system: &System, key: &str, with_cli: bool) -> Option<SystemFiles> {
        let entry: CacheEntry = serde_json::from_slice(&fs::read(self.entry_path(system, "json")).ok()?).ok()?;
        if entry.key != key {
            return None;
        }
        let content = fs::read_to_string(self.entry_path(system, "rs")).ok()?;
        let bindings = GeneratedFile { path: entry.bindings, content };
        let cli = match (with_cli, entry.cli) {
            (false, _) => None,
            (true, Some(path)) => {
                Some(GeneratedFile { path, content: fs::read_to_string(self.entry_path(system, "cli.rs")).ok()? })
            }
            (true, None) => return None,
        };
        Some(SystemFiles { bindings, cli, emitted: false })
    }

    /// Stores the system's files, the entry (with its key) last: an interrupted store leaves no entry that
    /// claims files it does not have.
    fn store(&self, system: &System, key: &str, files: &SystemFiles) -> std::io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let entry_path = self.entry_path(system, "json");
        let _ = fs::remove_file(&entry_path);
        fs::write(self.entry_path(system, "rs"), &files.bindings.content)?;
        if let Some(cli) = &files.cli {
            fs::write(self.entry_path(system, "cli.rs"), &cli.content)?;
        }
        let entry = CacheEntry {
            key: key.to_string(),
            bindings: files.bindings.path.clone(),
            cli: files.cli.as_ref().map(|f| f.path.clone()),
        };
        fs::write(entry_path, serde_json::to_vec(&entry).map_err(std::io::Error::other)?)
    }
}

/// A system's [`FormatMemo`] as kept, with the generator that filled it (another one's texts may differ).
#[derive(Serialize, Deserialize)]
struct MemoFile {
    generator: String,
    memo: FormatMemo,
}

/// A system's generated files: the bindings', and the command line's when a regen writes them.
struct SystemFiles {
    bindings: GeneratedFile,
    cli: Option<GeneratedFile>,
    emitted: bool,
}

/// What [`emit_files`] gives: the bindings' files, the command line's (when wanted), and which systems it emitted.
#[derive(Debug, Default)]
pub struct Emitted {
    pub bindings: Vec<GeneratedFile>,
    pub cli: Vec<GeneratedFile>,
    pub systems_emitted: Vec<String>,
    pub systems_from_cache: usize,
}

/// Every generated file of `ir`: the roots always (they list the systems), each system's from `cache` where its
/// entry matches, else emitted (and stored there). The command line's files only `with_cli`.
pub fn emit_files(ir: &Ir, with_cli: bool, cache: Option<&EmitCache>) -> Result<Emitted, Error> {
    let keys: Vec<Option<String>> =
        ir.systems.par_iter().map(|system| cache.map(|c| c.key(system)).transpose()).collect::<Result<_, _>>()?;
    let systems: Vec<Result<SystemFiles, Error>> = ir
        .systems
        .par_iter()
        .zip(&keys)
        .map(|(system, key)| {
            if let (Some(c), Some(k)) = (cache, key)
                && let Some(files) = c.load(system, k, with_cli)
            {
                return Ok(files);
            }
            let bindings = match cache {
                Some(c) => {
                    // What the system's last emission formatted: its unchanged items are not formatted again.
                    let mut memo = c.load_memo(system);
                    let file = emit::emit_system_file_with(system, &mut memo)?;
                    memo.keep_used();
                    let _ = c.store_memo(system, memo);
                    file
                }
                None => emit::emit_system_file(system)?,
            };
            let cli = if with_cli { Some(emit::cli::emit_cli_system_file(system)?) } else { None };
            let files = SystemFiles { bindings, cli, emitted: true };
            if let (Some(c), Some(k)) = (cache, key) {
                // A cache that cannot be written costs the next run time, not correctness.
                let _ = c.store(system, k, &files);
            }
            Ok(files)
        })
        .collect();
    // The roots are the IR's (its systems, in order): keyed by every system's key.
    let root_key = cache.map(|c| c.root_key(&keys));
    let root = |name: &str, emit: fn(&Ir) -> Result<GeneratedFile, Error>| match (cache, &root_key) {
        (Some(c), Some(k)) => c.root(name, k, || emit(ir)),
        _ => emit(ir),
    };
    let mut out = Emitted { bindings: vec![root("bindings", emit::emit_root_file)?], ..Emitted::default() };
    if with_cli {
        out.cli.push(root("cli", emit::cli::emit_cli_root_file)?);
    }
    for (system, files) in ir.systems.iter().zip(systems) {
        let files = files?;
        if files.emitted {
            out.systems_emitted.push(system.name.clone());
        } else {
            out.systems_from_cache += 1;
        }
        out.bindings.push(files.bindings);
        out.cli.extend(files.cli);
    }
    Ok(out)
}

/// [`regen`] into every folder of `outputs`; paths in the report are relative to their folder.
pub fn regen_into(docs_dir: &Path, outputs: &Outputs, mode: Mode) -> Result<Report, Error> {
    let (loaded, systems_built) = match &outputs.cache {
        Some(cache) => load_docs_cached(docs_dir, LowerOptions::default(), &cache.builds())?,
        None => {
            let loaded = load_docs(docs_dir, LowerOptions::default())?;
            let built = loaded.ir.systems.iter().map(|s| s.name.clone()).collect();
            (loaded, built)
        }
    };
    let baseline = load_baseline(docs_dir)?;
    // An error a maintainer reviewed and accepted (an unreadable example, a field listed twice) is drift; any
    // other stops regen.
    let errors: Vec<Diagnostic> = loaded.errors().filter(|d| !baseline.accepts(d)).cloned().collect();
    if !errors.is_empty() {
        return Err(Error::Docs { diagnostics: errors });
    }
    let features = loaded.ir.systems.iter().map(|s| emit::feature_name(&s.name)).collect();
    let mut report = Report { warnings: loaded.diagnostics.clone(), features, systems_built, ..Report::default() };
    let emitted = emit_files(&loaded.ir, outputs.cli.is_some(), outputs.cache.as_ref())?;
    (report.systems_emitted, report.systems_from_cache) = (emitted.systems_emitted, emitted.systems_from_cache);
    let (files, cli_files) = (emitted.bindings, emitted.cli);
    let findings = findings::review(&loaded.ir, &loaded.diagnostics, docs_dir).findings;
    let verdict = baseline.judge(&findings);
    report.drift = verdict.new.into_iter().cloned().collect();
    report.accepted_drift = verdict.accepted.into_iter().cloned().collect();

    sync_folder(&outputs.bindings, "", &files, mode, &mut report)?;
    if let Some(cli) = &outputs.cli {
        sync_folder(cli, "cli: ", &cli_files, mode, &mut report)?;
    }
    if mode == Mode::Check && (!report.changed.is_empty() || !report.removed.is_empty()) {
        return Err(Error::Stale {
            files: report.changed.iter().chain(&report.removed).map(|p| p.display().to_string()).collect(),
        });
    }
    Ok(report)
}

/// Makes `out_dir` hold exactly `files` among the generated files (recognized by their header): writes what
/// changed (under [`Mode::Write`]), removes what no doc produces any more, and counts it all in `report` (its
/// paths after `label`).
fn sync_folder(
    out_dir: &Path,
    label: &str,
    files: &[GeneratedFile],
    mode: Mode,
    report: &mut Report,
) -> Result<(), Error> {
    let mut changed = Vec::new();
    for f in files {
        let path = out_dir.join(&f.path);
        if fs::read_to_string(&path).is_ok_and(|old| old == f.content) {
            report.unchanged += 1;
            continue;
        }
        report.changed.push(PathBuf::from(format!("{label}{}", f.path)));
        changed.push((path, f.content.as_str()));
    }
    if mode == Mode::Write {
        write_all_or_none(out_dir, &changed)?;
    }
    if out_dir.exists() {
        let entries = fs::read_dir(out_dir).map_err(|source| Error::Io { path: out_dir.to_path_buf(), source })?;
        let mut stale: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .filter(|p| !files.iter().any(|f| out_dir.join(&f.path) == *p))
            .filter(|p| fs::read_to_string(p).is_ok_and(|t| t.starts_with(HEADER)))
            .collect();
        stale.sort();
        for p in stale {
            if mode == Mode::Write {
                fs::remove_file(&p).map_err(|source| Error::Io { path: p.clone(), source })?;
            }
            report.removed.push(PathBuf::from(format!("{label}{}", p.strip_prefix(out_dir).unwrap_or(&p).display())));
        }
    }
    Ok(())
}

/// Suffix of the files a regen writes before it renames them into place.
const TEMPORARY: &str = "bkapi-tmp";

/// Writes every file under a temporary name first, then renames them into place: a write that fails (a full
/// disk) leaves every old file as it was and no temporary behind, and an interrupted regen leaves each file
/// either old or new, never half written.
fn write_all_or_none(out_dir: &Path, files: &[(PathBuf, &str)]) -> Result<(), Error> {
    fs::create_dir_all(out_dir).map_err(|source| Error::Io { path: out_dir.to_path_buf(), source })?;
    let mut written: Vec<(PathBuf, &Path)> = Vec::new();
    for (path, content) in files {
        let temporary = path.with_extension(format!("rs.{TEMPORARY}"));
        if let Err(source) = fs::write(&temporary, content) {
            for (t, _) in &written {
                let _ = fs::remove_file(t);
            }
            let _ = fs::remove_file(&temporary);
            return Err(Error::Io { path: temporary, source });
        }
        written.push((temporary, path));
    }
    for (temporary, path) in &written {
        fs::rename(temporary, path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    }
    Ok(())
}

const FEATURES_BEGIN: &str = "# @generated by `cargo xtask regen`: one feature per system of api-docs/ — do not edit.";
const FEATURES_END: &str = "# end of generated features";

/// Keeps the generated crate's per-system Cargo features (between two marker lines of its `Cargo.toml`) in step
/// with `features` ([`Report::features`]): `full` enables them all; none is on by default, so that a user
/// compiles only the systems they enable. Returns whether it changed
/// (or, under [`Mode::Check`], would change: then an error).
pub fn ensure_features(features: &[String], manifest: &Path, mode: Mode) -> Result<bool, Error> {
    write_features(features, manifest, None, mode)
}

/// [`ensure_features`] for a crate built on the bindings (the CLI): each feature turns on the bindings' feature
/// of the same name, and `full` is on by default (`cargo install` brings every system).
pub fn ensure_forwarded_features(
    features: &[String],
    manifest: &Path,
    dependency: &str,
    mode: Mode,
) -> Result<bool, Error> {
    write_features(features, manifest, Some(dependency), mode)
}

fn write_features(features: &[String], manifest: &Path, forward_to: Option<&str>, mode: Mode) -> Result<bool, Error> {
    let text = fs::read_to_string(manifest).map_err(|source| Error::Io { path: manifest.to_path_buf(), source })?;
    let list = features.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", ");
    let default = if forward_to.is_some() { "[\"full\"]" } else { "[]" };
    let mut block = format!("{FEATURES_BEGIN}\ndefault = {default}\nfull = [{list}]\n");
    for f in features {
        match forward_to {
            Some(dependency) => block.push_str(&format!("{f} = [\"{dependency}/{f}\"]\n")),
            None => block.push_str(&format!("{f} = []\n")),
        }
    }
    block.push_str(FEATURES_END);
    let (Some(begin), Some(end)) = (text.find(FEATURES_BEGIN), text.find(FEATURES_END)) else {
        return Err(Error::Docs {
            diagnostics: vec![Diagnostic::error(
                &manifest.display().to_string(),
                1,
                "no generated features block; put the two marker lines of `cargo xtask regen` under [features]",
            )],
        });
    };
    let updated =
        format!("{}{block}{}", text.get(..begin).unwrap_or(""), text.get(end + FEATURES_END.len()..).unwrap_or(""));
    if updated == text {
        return Ok(false);
    }
    if mode == Mode::Check {
        return Err(Error::Stale { files: vec![manifest.display().to_string()] });
    }
    fs::write(manifest, updated).map_err(|source| Error::Io { path: manifest.to_path_buf(), source })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_that_fails_halfway_leaves_every_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.rs"), dir.path().join("b.rs"));
        fs::write(&a, "old a").unwrap();
        fs::write(&b, "old b").unwrap();
        // The second file's temporary cannot be written: a folder is in its place.
        fs::create_dir(dir.path().join(format!("b.rs.{TEMPORARY}"))).unwrap();
        let err = write_all_or_none(dir.path(), &[(a.clone(), "new a"), (b.clone(), "new b")]).unwrap_err();
        assert!(err.to_string().contains("b.rs.bkapi-tmp"), "{err}");
        assert_eq!(
            (fs::read_to_string(&a).unwrap(), fs::read_to_string(&b).unwrap()),
            ("old a".into(), "old b".into())
        );
        assert!(!dir.path().join(format!("a.rs.{TEMPORARY}")).exists(), "no temporary left behind");

        fs::remove_dir(dir.path().join(format!("b.rs.{TEMPORARY}"))).unwrap();
        write_all_or_none(dir.path(), &[(a.clone(), "new a"), (b.clone(), "new b")]).unwrap();
        assert_eq!(
            (fs::read_to_string(&a).unwrap(), fs::read_to_string(&b).unwrap()),
            ("new a".into(), "new b".into())
        );
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }
}
