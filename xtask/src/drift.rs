//! `cargo xtask drift`: the docs' contradictions, against the accepted baseline.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use bkapi_codegen::pipeline::{LowerOptions, load_docs};
use bkapi_codegen::tasks::findings::{self, Baseline, Finding, load_baseline, load_baselines};
use serde_json::json;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(docs: &Path, format: Format, check: bool, bless: bool) -> anyhow::Result<()> {
    let loaded = load_docs(docs, LowerOptions::default()).with_context(|| format!("reading {}", docs.display()))?;
    let review = findings::review(&loaded.ir, &loaded.diagnostics, docs);
    let baseline_name = "the systems' drift-baseline.toml";

    if bless {
        let (current, classes) = load_baselines(docs)?;
        let blessed = current.bless(&review.findings);
        let files = blessed.files(&classes);
        for (system, file) in &files {
            let path = docs.join(system).join(findings::FILE_NAME);
            if fs::read_to_string(&path).ok().as_deref() != Some(file.to_toml().as_str()) {
                fs::write(&path, file.to_toml()).with_context(|| format!("writing {}", path.display()))?;
            }
        }
        // Systems without accepted drift have no file; the older single file moved into the systems' files.
        let gone = current.accepted.iter().map(|a| a.system()).filter(|s| !files.contains_key(s)).map(|s| docs.join(s));
        for path in gone.chain([docs.to_path_buf()]).map(|d| d.join(findings::FILE_NAME)) {
            match fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("removing {}", path.display()));
                }
                _ => {}
            }
        }
        let unbaselinable = review.findings.iter().filter(|f| !f.baselinable()).count();
        eprintln!("drift: {} finding(s) accepted in {} system file(s)", blessed.accepted.len(), files.len());
        if unbaselinable > 0 {
            bail!("{unbaselinable} finding(s) cannot be accepted (stale overrides): fix them in bkapi.toml");
        }
        return Ok(());
    }

    let baseline: Baseline = load_baseline(docs)?;
    let verdict = baseline.judge(&review.findings);
    // Looked up by key: thousands of findings against thousands of entries.
    let accepted_keys: BTreeSet<(&str, &str, &str)> = verdict.accepted.iter().map(|f| f.key()).collect();
    let reasons: BTreeMap<(&str, &str, &str), &str> = baseline
        .accepted
        .iter()
        .map(|a| ((a.code.as_str(), a.file.as_str(), a.subject.as_str()), a.reason.as_str()))
        .collect();
    let accepted = |f: &Finding| accepted_keys.contains(&f.key());
    match format {
        Format::Text => {
            let status = |f: &Finding| {
                Some(if accepted(f) {
                    let reason =
                        reasons.get(&f.key()).filter(|r| !r.is_empty()).map(|r| format!(": {r}")).unwrap_or_default();
                    format!("accepted in {baseline_name}{reason}")
                } else if f.baselinable() {
                    format!("new: not in {baseline_name}")
                } else {
                    "cannot be accepted: fix the override".to_string()
                })
            };
            // Under --check (CI, a pull request) only what is new is shown; accepted drift is counted.
            let shown = findings::Review {
                findings: review.findings.iter().filter(|f| !check || !accepted(f)).cloned().collect(),
                ..review.clone()
            };
            print!("{}", findings::render(&shown, docs, &status));
            for s in &verdict.stale {
                println!(
                    "error[stale]: {baseline_name} accepts {} `{}` in {}, which no longer occurs\n  = help: run `cargo xtask drift --bless`\n",
                    s.code, s.subject, s.file
                );
            }
            println!(
                "drift: {} finding(s): {} accepted, {} new; {} stale baseline entr{}; {} override(s)",
                review.findings.len(),
                verdict.accepted.len(),
                verdict.new.len(),
                verdict.stale.len(),
                if verdict.stale.len() == 1 { "y" } else { "ies" },
                review.overrides.len()
            );
        }
        Format::Json => {
            let findings: Vec<_> = review
                .findings
                .iter()
                .map(|f| {
                    let mut v = serde_json::to_value(f).unwrap_or_default();
                    v["baseline"] = json!(if accepted(f) { "accepted" } else { "new" });
                    v
                })
                .collect();
            let out = json!({
                "findings": findings,
                "overrides": review.overrides,
                "stale": verdict.stale,
                "summary": {"findings": review.findings.len(), "accepted": verdict.accepted.len(), "new": verdict.new.len(), "stale": verdict.stale.len()},
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
    }
    if check && !verdict.passes() {
        bail!(
            "{} new finding(s) and {} stale baseline entr{}: fix the docs, override in bkapi.toml, or accept with `cargo xtask drift --bless`",
            verdict.new.len(),
            verdict.stale.len(),
            if verdict.stale.len() == 1 { "y" } else { "ies" }
        );
    }
    Ok(())
}
