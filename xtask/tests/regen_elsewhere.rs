//! `cargo xtask regen --out <folder>` writes that folder and nothing of the workspace: the command line's tables
//! and the manifests' features follow only the workspace's own bindings (a regen of other docs into a temporary
//! folder once rewrote `cli/src/apis/` and both manifests from those docs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::process::Command;

#[test]
fn a_regen_into_another_folder_names_only_that_folder_s_files() {
    let docs = tempfile::tempdir().unwrap();
    let folder = docs.path().join("esb/thing/apidocs/zh_hans");
    fs::create_dir_all(&folder).unwrap();
    let doc = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n";
    fs::write(folder.join("get_thing.md"), doc).unwrap();
    let out = tempfile::tempdir().unwrap();
    // `--check` writes nothing, whatever it finds: the workspace stays as it is even when this test fails.
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--check", "--docs"])
        .arg(docs.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the empty folder is stale: {stderr}");
    let stale: Vec<&str> =
        stderr.lines().skip_while(|l| !l.starts_with("error: generated code is stale")).skip(1).collect();
    assert_eq!(stale, ["  mod.rs", "  thing.rs"], "{stderr}");
    assert!(!stderr.contains("Cargo.toml") && !stderr.contains("cli"), "{stderr}");
}
