//! `api-docs/drift-baseline.toml`: the drift maintainers have reviewed and accept as it is. `cargo xtask drift
//! --check` fails on a finding the baseline does not list and on an entry that no longer occurs; `--bless`
//! rewrites the file from the current findings, keeping the reasons already written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::review::Finding;

pub const FILE_NAME: &str = "drift-baseline.toml";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
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
    /// Why it is accepted (kept by `--bless`; new entries get an empty reason to fill in).
    #[serde(default)]
    pub reason: String,
}

impl Accepted {
    fn key(&self) -> (&str, &str, &str) {
        (&self.code, &self.file, &self.subject)
    }
}

/// What the baseline says about the current findings.
#[derive(Debug, Default)]
pub struct Verdict<'a> {
    /// Findings the baseline accepts.
    pub accepted: Vec<&'a Finding>,
    /// Findings it does not list: these fail `--check`.
    pub new: Vec<&'a Finding>,
    /// Entries that match no finding any more: these fail `--check` too.
    pub stale: Vec<&'a Accepted>,
}

impl Verdict<'_> {
    pub fn passes(&self) -> bool {
        self.new.is_empty() && self.stale.is_empty()
    }
}

const HEADER: &str = "# Drift between the docs in api-docs/ and their own examples or paths that maintainers reviewed and accept.\n\
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

    /// Sorts findings into accepted and new, and finds stale entries. Only baselinable findings count
    /// (see [`Finding::baselinable`]); the others always fail.
    pub fn judge<'a>(&'a self, findings: &'a [Finding]) -> Verdict<'a> {
        let mut verdict = Verdict::default();
        for f in findings {
            if f.baselinable() && self.accepted.iter().any(|a| a.key() == f.key()) {
                verdict.accepted.push(f);
            } else {
                verdict.new.push(f);
            }
        }
        verdict.stale = self.accepted.iter().filter(|a| !findings.iter().any(|f| f.key() == a.key())).collect();
        verdict
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
        Baseline { accepted }
    }
}
