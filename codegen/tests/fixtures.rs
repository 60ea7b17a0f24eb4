//! Fixture goldens: one small hand-written doc per dialect rule (`tests/fixtures/<rule>.md`), and the five seed
//! docs this project was specified from (`tests/seeds/<system>/<api>.md`, with their metadata), each next to what
//! the generator makes of it (`<doc>.ir.json`: the IR, the diagnostics, and which example values reach the
//! types), so that each rule is visible and reviewable. Checked like `regen --check`; `BKAPI_BLESS=1 cargo test --test
//! fixtures` rewrites the goldens (review the diff).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use bkapi_codegen::internals::check::retention::measure;
use bkapi_codegen::internals::check::wire_model::fit_example;
use bkapi_codegen::ir::ExampleKind;
use bkapi_codegen::pipeline::{LowerOptions, load_doc};
mod common;
use common::workspace_root;
use serde_json::{Value, json};

/// What a fixture doc becomes, as reviewable JSON.
fn golden_of(doc: &Path) -> Value {
    let loaded = match load_doc(doc, LowerOptions::default()) {
        Ok(l) => l,
        Err(e) => panic!("{}: {e}", doc.display()),
    };
    let diagnostics: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    let mut values = Vec::new();
    for system in &loaded.ir.systems {
        for api in &system.apis {
            let keys: BTreeSet<String> = api.table_keys.iter().cloned().collect();
            for e in &api.examples {
                let root = if e.kind == ExampleKind::Response { "data" } else { "" };
                let fit = fit_example(system, api, e);
                let Some(m) = measure(&fit, &keys, root, e.line) else { continue };
                values.push(json!({
                    "example": e.line,
                    "total": m.counts.total,
                    "kept": m.counts.kept,
                    "lost": m.lost.iter().map(|l| format!("{} (line {}): {}", l.path, l.line, l.cause)).collect::<Vec<_>>(),
                    "untyped": m.untyped.iter().map(|u| format!("{} (line {}): {}", u.path, u.line, u.reason.describe())).collect::<Vec<_>>(),
                }));
            }
        }
    }
    json!({ "diagnostics": diagnostics, "values": values, "ir": loaded.ir })
}

fn docs_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut docs: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    docs
}

#[test]
fn every_fixture_doc_gives_its_golden_ir() {
    let dir = workspace_root().join("tests/fixtures");
    let bless = std::env::var_os("BKAPI_BLESS").is_some();
    let mut folders = vec![dir.clone()];
    let seeds = workspace_root().join("tests/seeds");
    let mut systems: Vec<_> = fs::read_dir(&seeds).unwrap().filter_map(|e| e.ok().map(|e| e.path())).collect();
    systems.sort();
    folders.extend(systems.into_iter().filter(|p| p.is_dir()));
    assert_eq!(folders.len(), 6, "the fixtures and the five seed systems");
    let docs: Vec<_> = folders.iter().flat_map(|f| docs_in(f)).collect();
    assert!(docs.len() >= 10, "only {} fixture docs", docs.len());
    let mut stale = Vec::new();
    for doc in &docs {
        let golden = doc.with_extension("ir.json");
        let text = match serde_json::to_string_pretty(&golden_of(doc)) {
            Ok(t) => t + "\n",
            Err(e) => panic!("{}: {e}", doc.display()),
        };
        if fs::read_to_string(&golden).is_ok_and(|old| old == text) {
            continue;
        }
        if bless {
            fs::write(&golden, &text).unwrap_or_else(|e| panic!("{}: {e}", golden.display()));
        } else {
            stale.push(golden.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "these fixture goldens differ from what the generator makes; review with `BKAPI_BLESS=1 cargo test --test \
         fixtures` and `git diff`:\n  {}",
        stale.join("\n  ")
    );
    // No golden without its doc.
    for dir in &folders {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if let Some(stem) = name.strip_suffix(".ir.json") {
                assert!(dir.join(format!("{stem}.md")).exists(), "{name} has no {stem}.md");
            }
        }
    }
}
