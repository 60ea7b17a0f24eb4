//! `regen` on disk: up to date, idempotent, refuses broken docs without touching anything.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use bkapi_codegen::Error;
use bkapi_codegen::emit::HEADER;
use bkapi_codegen::regen::{Mode, regen};
use bkapi_tests::{docs_dir, workspace_root};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn committed_generated_code_is_up_to_date() {
    let out = workspace_root().join("generated/src/apis");
    let report = regen(&docs_dir(), &out, Mode::Check).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.changed.is_empty() && report.removed.is_empty());
    assert!(report.drift.is_empty(), "unaccepted drift: {:#?}", report.drift);
    // monitor: script_collector_id / config_id / code "0"; nodeman: errors / data.job_id / ip_filter[].job_id;
    // jobv3: the `topo_node` reference without its section.
    assert_eq!(report.accepted_drift.len(), 7, "{:#?}", report.accepted_drift);
}

#[test]
fn regen_writes_once_then_nothing_and_removes_stale_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("apis");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("gone.rs"), format!("{HEADER}\npub struct Gone;\n")).unwrap();
    fs::write(out.join("handwritten.rs"), "pub struct Mine;\n").unwrap();

    let first = regen(&docs_dir(), &out, Mode::Write).unwrap();
    assert_eq!(first.changed.len(), 6, "mod.rs + one file per system: {:?}", first.changed);
    assert_eq!(first.removed, vec![Path::new("gone.rs")]);
    assert!(out.join("handwritten.rs").exists(), "files without the @generated header are never touched");

    let mtime = fs::metadata(out.join("jobv3.rs")).unwrap().modified().unwrap();
    let second = regen(&docs_dir(), &out, Mode::Write).unwrap();
    assert!(second.changed.is_empty() && second.removed.is_empty());
    assert_eq!(second.unchanged, 6);
    assert_eq!(
        fs::metadata(out.join("jobv3.rs")).unwrap().modified().unwrap(),
        mtime,
        "unchanged files are not rewritten"
    );
    for (name, content) in snapshot(&out).into_iter().filter(|(n, _)| n != "handwritten.rs") {
        assert!(content.starts_with(HEADER), "{name} starts with the @generated header");
    }
}

#[test]
fn check_mode_lists_stale_files_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("apis");
    regen(&docs_dir(), &out, Mode::Write).unwrap();
    fs::write(out.join("jobv3.rs"), format!("{HEADER}\n// edited by hand\n")).unwrap();
    let before = snapshot(&out);
    match regen(&docs_dir(), &out, Mode::Check) {
        Err(Error::Stale { files }) => assert_eq!(files, vec!["jobv3.rs"]),
        other => panic!("expected Stale, got {other:?}"),
    }
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_malformed_doc_fails_with_file_and_line_and_leaves_output_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("api-docs");
    copy_dir(&docs_dir(), &docs);
    let out = tmp.path().join("apis");
    regen(&docs, &out, Mode::Write).unwrap();
    let before = snapshot(&out);

    let broken = "### 功能描述\n\n坏文档\n\n### 请求地址\n\n/api/c/compapi/v2/jobv3/broken/\n\n### 请求方法\n\nPOST\n\n\
                  #### 接口参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| bk_biz_id | long | 是 | 业务 |\n\n\
                  ### 请求参数示例\n\n```json\n{\n    \"bk_biz_id\": 1,\n    \"oops\": \n}\n```\n";
    fs::write(docs.join("jobv3/broken.md"), broken).unwrap();
    let err = regen(&docs, &out, Mode::Write).expect_err("a broken example must fail regen");
    let message = err.to_string();
    // The example opens on line 22; the `}` right after `"oops":`, on line 25, is where reading fails.
    assert!(message.contains("api-docs/jobv3/broken.md:25:"), "{message}");
    assert!(message.contains("unreadable request example"), "{message}");
    assert_eq!(snapshot(&out), before, "generated files untouched");
}
