//! `cargo xtask drift --check` semantics on the real docs: the committed baseline passes, and an unknown field
//! added to a doc example fails with a rustc-style message pointing at the added line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;

use bkapi_codegen::pipeline::{LowerOptions, load_docs};
use bkapi_codegen::tasks::findings::load_baseline;
use bkapi_codegen::tasks::findings::{render, review};
mod common;
use common::{copy_dir, docs_dir};

#[test]
fn the_committed_baseline_accepts_exactly_the_current_drift() {
    let loaded = load_docs(&docs_dir(), LowerOptions::default()).unwrap();
    let findings = review(&loaded.ir, &loaded.diagnostics, &docs_dir()).findings;
    let baseline = load_baseline(&docs_dir()).unwrap();
    let verdict = baseline.judge(&findings);
    assert!(verdict.passes(), "new: {:#?}\nstale: {:#?}", verdict.new, verdict.stale);
    assert!(baseline.accepted.iter().all(|a| !a.reason.is_empty()), "every entry says why");
}

#[test]
fn an_unknown_field_added_to_an_example_fails_the_check_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("api-docs");
    copy_dir(&docs_dir(), &docs).unwrap();
    let file = docs.join("jobv3/zh_hans/fast_execute_script.md");
    let text = fs::read_to_string(&file).unwrap();
    let at = text.find("\"script_content\"").unwrap();
    let line = text[..at].matches('\n').count() as u32 + 1;
    let edited = format!("{}\"not_in_the_table\": 1,\n    {}", &text[..at], &text[at..]);
    fs::write(&file, edited).unwrap();

    let loaded = load_docs(&docs, LowerOptions::default()).unwrap();
    let review = review(&loaded.ir, &loaded.diagnostics, &docs);
    let baseline = load_baseline(&docs).unwrap();
    let verdict = baseline.judge(&review.findings);
    assert!(!verdict.passes());
    assert_eq!(verdict.new.len(), 1, "{:#?}", verdict.new);
    let new = verdict.new[0];
    assert_eq!(
        (new.code, new.file.as_str(), new.line),
        ("D001", "api-docs/jobv3/zh_hans/fast_execute_script.md", line)
    );

    let text = render(&review, &docs, &|f| (f.code == "D001").then(|| "new".to_string()));
    let pointer = format!("--> api-docs/jobv3/zh_hans/fast_execute_script.md:{line}:{}", new.column);
    assert!(text.contains("warning[D001]: request example: `not_in_the_table` is in the example"), "{text}");
    assert!(text.contains(&pointer), "{text}");
    assert!(text.contains("\"not_in_the_table\": 1,"), "the source line is shown:\n{text}");
}
