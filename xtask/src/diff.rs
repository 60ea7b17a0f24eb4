//! `cargo xtask diff <git-ref>`: the API change between `api-docs/` at a git ref and the working tree.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use bkapi_codegen::pipeline::{LowerOptions, load_docs};
use bkapi_codegen::tasks::diff::{diff, markdown};

fn git(root: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let out = Command::new("git").arg("-C").arg(root).args(args).output().context("running git")?;
    if !out.status.success() {
        bail!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}

pub fn run(root: &Path, reference: &str, old_ir: Option<&Path>) -> anyhow::Result<()> {
    let new = load_docs(&root.join("api-docs"), LowerOptions::default())?.ir;
    if let Some(file) = old_ir {
        let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let old: bkapi_codegen::ir::Ir = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an IR (`cargo xtask ir`)", file.display()))?;
        print!("{}", markdown(&diff(&old, &new), &file.display().to_string(), "working tree"));
        return Ok(());
    }
    // `api-docs/` as it was at the ref, written to a temporary folder.
    let tmp = tempfile::tempdir()?;
    let listing = git(root, &["ls-tree", "-r", "--name-only", reference, "--", "api-docs"])?;
    for path in String::from_utf8_lossy(&listing).lines() {
        let content = git(root, &["show", &format!("{reference}:{path}")])?;
        let target = tmp.path().join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&target, content)?;
    }
    let old_docs = tmp.path().join("api-docs");
    let old = if old_docs.is_dir() {
        load_docs(&old_docs, LowerOptions::default())?.ir
    } else {
        bkapi_codegen::ir::Ir { systems: Vec::new() }
    };
    print!("{}", markdown(&diff(&old, &new), reference, "working tree"));
    Ok(())
}
