//! `regen`: docs → generated files on disk, writing only what changed (rust-analyzer's `ensure_file_contents`).

use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::check::baseline::load_baseline;
use crate::check::findings::{self, Finding};
use crate::diagnostics::Diagnostic;
use crate::emit::{self, HEADER};
use crate::lower::LowerOptions;
use crate::pipeline::load_docs;

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
}

/// Regenerates `out_dir` (the `generated/src/apis` folder) from `docs_dir`.
///
/// Any error diagnostic aborts before a single file is touched, so a broken doc leaves the crate as it was.
pub fn regen(docs_dir: &Path, out_dir: &Path, mode: Mode) -> Result<Report, Error> {
    regen_into(docs_dir, &Outputs { bindings: out_dir.to_path_buf(), cli: None }, mode)
}

/// Where a regen writes: the bindings' API modules, and the command line's tables when it has a folder.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// `generated/src/apis`.
    pub bindings: PathBuf,
    /// `cli/src/apis`.
    pub cli: Option<PathBuf>,
}

/// [`regen`] into every folder of `outputs`; paths in the report are relative to their folder.
pub fn regen_into(docs_dir: &Path, outputs: &Outputs, mode: Mode) -> Result<Report, Error> {
    let loaded = load_docs(docs_dir, LowerOptions::default())?;
    let baseline = load_baseline(docs_dir)?;
    // An error a maintainer reviewed and accepted (an unreadable example, a field listed twice) is drift; any
    // other stops regen.
    let errors: Vec<Diagnostic> = loaded.errors().filter(|d| !baseline.accepts(d)).cloned().collect();
    if !errors.is_empty() {
        return Err(Error::Docs { diagnostics: errors });
    }
    let files = emit::emit(&loaded.ir)?;
    let cli_files = match &outputs.cli {
        Some(_) => emit::cli::emit_cli(&loaded.ir)?,
        None => Vec::new(),
    };
    let features = loaded.ir.systems.iter().map(|s| emit::feature_name(&s.name)).collect();
    let mut report = Report { warnings: loaded.diagnostics.clone(), features, ..Report::default() };
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
    files: &[emit::GeneratedFile],
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
