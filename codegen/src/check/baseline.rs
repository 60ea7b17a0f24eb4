//! `api-docs/<system>/drift-baseline.toml`: the drift maintainers have reviewed and accept as it is, one file per
//! system so that thousands of findings stay reviewable. A file's `[reasons]` give one reason per finding code
//! for every entry of that file that has none of its own. `cargo xtask drift --check` fails on a finding no
//! baseline lists and on an entry that no longer occurs; `--bless` rewrites the files from the current findings,
//! keeping the reasons already written. (`api-docs/drift-baseline.toml`, the one file of older trees, is still
//! read; `--bless` moves its entries into the systems' files.)

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::check::findings::Finding;
use crate::diagnostics::Diagnostic;

pub const FILE_NAME: &str = "drift-baseline.toml";

/// Per system folder: finding code → the reason its baseline file gives every entry of that code.
pub type ClassReasons = BTreeMap<String, BTreeMap<String, String>>;

/// Accepted drift: one file's, or all files' together ([`Baseline::merge`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Finding code → the reason of every entry without one of its own (one file's; see [`Baseline::merge`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reasons: BTreeMap<String, String>,
    #[serde(default)]
    pub accepted: Vec<Accepted>,
}

/// One accepted finding. Keyed by code, file and subject, not by line: editing a doc elsewhere does not
/// invalidate it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    pub code: String,
    pub file: String,
    pub subject: String,
    /// Why it is accepted (kept by `--bless`; new entries get an empty reason to fill in, unless their file
    /// gives their code a reason in `[reasons]`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl Accepted {
    fn key(&self) -> (&str, &str, &str) {
        (&self.code, &self.file, &self.subject)
    }

    /// The system folder of the doc it is about (`api-docs/jobv3/x.md`, `api-docs/jobv3/en/x.md` → `jobv3`):
    /// its baseline file's. Paths are relative to the docs folder's parent.
    pub fn system(&self) -> String {
        Path::new(&self.file).iter().nth(1).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// What the baseline says about the current findings.
#[derive(Debug, Default)]
pub struct BaselineCheck<'a> {
    /// Findings the baseline accepts.
    pub accepted: Vec<&'a Finding>,
    /// Findings it does not list: these fail `--check`.
    pub new: Vec<&'a Finding>,
    /// Entries that match no finding any more: these fail `--check` too.
    pub stale: Vec<&'a Accepted>,
}

impl BaselineCheck<'_> {
    pub fn passes(&self) -> bool {
        self.new.is_empty() && self.stale.is_empty()
    }
}

const HEADER: &str = "# Drift between this system's docs and their own examples or paths that maintainers reviewed and accept.\n\
# `cargo xtask drift --check` (run by CI) fails on drift not listed here and on entries that no longer occur;\n\
# `cargo xtask drift --bless` rewrites this file from the current findings and keeps the reasons.\n\
# Corrections of doc errors do not belong here: they are overrides in the system's bkapi.toml.\n";

impl Baseline {
    pub fn parse(text: &str) -> Result<Baseline, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!("{HEADER}\n{body}")
    }

    /// All files as one: each entry's reason resolved (its own, or its file's reason for its code); the class
    /// reasons kept per system, for [`Baseline::files`].
    pub fn merge(files: Vec<Baseline>) -> (Baseline, ClassReasons) {
        let mut merged = Baseline::default();
        let mut classes = ClassReasons::new();
        for file in files {
            let systems: BTreeSet<String> = file.accepted.iter().map(Accepted::system).collect();
            for system in systems {
                classes.entry(system).or_default().extend(file.reasons.clone());
            }
            for mut a in file.accepted {
                if a.reason.is_empty()
                    && let Some(r) = file.reasons.get(&a.code)
                {
                    a.reason = r.clone();
                }
                merged.accepted.push(a);
            }
        }
        merged.accepted.sort();
        merged.accepted.dedup();
        (merged, classes)
    }

    /// One file per system, the entries whose reason is their system's reason for their code written without it.
    pub fn files(&self, classes: &ClassReasons) -> BTreeMap<String, Baseline> {
        let mut out: BTreeMap<String, Baseline> = BTreeMap::new();
        for a in &self.accepted {
            let system = a.system();
            let reasons = classes.get(&system);
            let file = out.entry(system).or_default();
            let class = reasons.and_then(|r| r.get(&a.code));
            if let Some(reason) = class {
                file.reasons.insert(a.code.clone(), reason.clone());
            }
            let own = if class == Some(&a.reason) { String::new() } else { a.reason.clone() };
            file.accepted.push(Accepted { reason: own, ..a.clone() });
        }
        out
    }

    /// Whether a coded diagnostic is an accepted finding (an accepted error does not stop `regen`).
    pub fn accepts(&self, d: &crate::diagnostics::Diagnostic) -> bool {
        let (Some(code), Some(subject)) = (d.code, d.subject.as_deref()) else { return false };
        code != crate::diagnostics::codes::STALE_OVERRIDE
            && self.accepted.iter().any(|a| a.code == code && a.file == d.file && a.subject == subject)
    }

    /// Sorts findings into accepted and new, and finds stale entries. Only baselinable findings count
    /// (see [`Finding::baselinable`]); the others always fail.
    pub fn judge<'a>(&'a self, findings: &'a [Finding]) -> BaselineCheck<'a> {
        let listed: BTreeSet<(&str, &str, &str)> = self.accepted.iter().map(Accepted::key).collect();
        let found: BTreeSet<(&str, &str, &str)> = findings.iter().map(Finding::key).collect();
        let mut check = BaselineCheck::default();
        for f in findings {
            if f.baselinable() && listed.contains(&f.key()) {
                check.accepted.push(f);
            } else {
                check.new.push(f);
            }
        }
        check.stale = self.accepted.iter().filter(|a| !found.contains(&a.key())).collect();
        check
    }

    /// The baseline that accepts exactly the current (baselinable) findings, keeping known reasons.
    pub fn bless(&self, findings: &[Finding]) -> Baseline {
        let reasons: BTreeMap<(&str, &str, &str), &str> =
            self.accepted.iter().map(|a| (a.key(), a.reason.as_str())).collect();
        let mut accepted: Vec<Accepted> = findings
            .iter()
            .filter(|f| f.baselinable())
            .map(|f| Accepted {
                code: f.code.to_string(),
                file: f.file.clone(),
                subject: f.subject.clone(),
                reason: reasons.get(&f.key()).map(|r| r.to_string()).unwrap_or_default(),
            })
            .collect();
        accepted.sort();
        accepted.dedup();
        Baseline { reasons: BTreeMap::new(), accepted }
    }
}

/// The docs folder's drift baseline; none yet is an empty one.
pub fn load_baseline(docs_dir: &Path) -> Result<Baseline, Error> {
    Ok(load_baselines(docs_dir)?.0)
}

/// Every baseline file of a docs folder (each system's, and the older single one beside them), merged, with the
/// class reasons per system (see [`Baseline::merge`]).
pub fn load_baselines(docs_dir: &Path) -> Result<(Baseline, ClassReasons), Error> {
    let mut paths = vec![docs_dir.join(FILE_NAME)];
    let entries = match fs::read_dir(docs_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(source) => return Err(Error::Io { path: docs_dir.to_path_buf(), source }),
    };
    let mut systems: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    systems.sort();
    paths.extend(systems.iter().map(|d| d.join(FILE_NAME)));
    let mut files = Vec::new();
    for path in paths {
        match fs::read_to_string(&path) {
            Ok(text) => files.push(Baseline::parse(&text).map_err(|message| Error::Docs {
                diagnostics: vec![Diagnostic::error(
                    &path.display().to_string(),
                    1,
                    format!("invalid baseline: {message}"),
                )],
            })?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
    Ok(Baseline::merge(files))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, code: &str, reason: &str) -> Accepted {
        Accepted { code: code.into(), file: file.into(), subject: format!("s {file}"), reason: reason.into() }
    }

    #[test]
    fn class_reasons_are_given_once_per_system_file_and_resolved_when_merged() {
        let jobv3 = Baseline {
            reasons: [("D001".to_string(), "tables omit envelope keys".to_string())].into(),
            accepted: vec![
                entry("api-docs/jobv3/a.md", "D001", ""),
                entry("api-docs/jobv3/b.md", "D001", "own reason"),
                entry("api-docs/jobv3/b.md", "D003", "typo"),
            ],
        };
        let cc = Baseline { reasons: BTreeMap::new(), accepted: vec![entry("api-docs/cc/x.md", "D001", "")] };
        let (merged, classes) = Baseline::merge(vec![jobv3.clone(), cc.clone()]);
        let reasons: Vec<&str> = merged.accepted.iter().map(|a| a.reason.as_str()).collect();
        assert_eq!(reasons, ["", "tables omit envelope keys", "own reason", "typo"]);
        // Split again: each system's file, the class reason written once.
        let files = merged.files(&classes);
        assert_eq!(files["jobv3"], jobv3);
        assert_eq!(files["cc"], cc);
        assert_eq!(Baseline::parse(&files["jobv3"].to_toml()).unwrap(), jobv3);
    }
}
