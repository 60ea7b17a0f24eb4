//! Systems named like Rust keywords (`type`, `mod`): the crate generated from them compiles (`cargo xtask
//! corpus --compile` writes it and runs `cargo check`). They used to give `r#type.rs` next to `mod r#type;`
//! (E0583), and a system `mod` would have overwritten the folder's own `mod.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::process::Command;

const DOC: &str = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n\n\
                   ### 返回结果示例\n\n```json\n{\"result\": true, \"code\": 0, \"data\": {\"id\": 1}}\n```\n";

#[test]
fn systems_named_like_keywords_generate_a_crate_that_compiles() {
    let dir = tempfile::tempdir().unwrap();
    for system in ["type", "mod", "fn"] {
        let folder = dir.path().join(format!("esb/{system}/apidocs/zh_hans"));
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("get_thing.md"), DOC).unwrap();
    }
    let output =
        Command::new(env!("CARGO_BIN_EXE_xtask")).arg("corpus").arg(dir.path()).arg("--compile").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("compile: cargo check of") && stderr.contains("(3 systems) passed"), "{stderr}");
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let src = workspace.join("target/corpus-crate/src");
    for file in ["type.rs", "mod_.rs", "fn.rs"] {
        assert!(src.join(file).is_file(), "{file}");
    }
}
