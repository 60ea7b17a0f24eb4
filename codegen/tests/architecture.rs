//! The architecture invariants of `ARCHITECTURE.md`, held by reading the sources (syn) and `Cargo.lock`:
//! which stage may import which, no import circle among codegen's modules, and no HTTP runtime in the
//! generator's dependencies. Each check is also run on a planted violation, which it must report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// What each part of `codegen/src` may import from the crate besides itself (and `crate::Error`): a folder
/// is a stage, a root file a module every stage shares.
const RULES: &[(&str, &[&str])] = &[
    ("ir", &[]),
    ("diagnostics", &[]),
    ("naming", &["ir"]),
    ("read", &["ir", "naming", "diagnostics"]),
    ("lower", &["read", "ir", "naming", "diagnostics"]),
    ("check", &["ir", "naming", "diagnostics"]),
    ("emit", &["ir", "naming"]),
    ("pipeline", &["read", "lower", "check", "ir", "naming", "diagnostics"]),
    ("tasks", &["pipeline", "read", "lower", "check", "emit", "ir", "naming", "diagnostics"]),
    ("lib", &["pipeline", "tasks", "read", "lower", "check", "emit", "ir", "naming", "diagnostics"]),
];

/// Crates the generator must not link, even indirectly: the HTTP runtime and what it is built on.
const NOT_IN_THE_GENERATOR: &[&str] = &["bkapi-runtime", "bkapi", "reqwest", "hyper", "tokio", "rustls"];

fn codegen_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's module path from the crate root (`lower/mod.rs` → `lower`, `lower/tables.rs` → `lower::tables`).
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

/// Every `crate::…`, `super::…` and `self::…` path of the non-test code, resolved from the crate root.
struct Paths {
    module: Vec<String>,
    found: Vec<Vec<String>>,
}

impl Paths {
    fn resolve(&mut self, segments: Vec<String>) {
        let Some(first) = segments.first() else { return };
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" => self.module.clone(),
            "super" => self.module.clone(),
            _ => return,
        };
        let mut rest = &segments[1..];
        if first == "super" {
            base.pop();
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        base.extend(rest.iter().cloned());
        // The stages are declared inside `internals` and used from the root: `crate::internals::lower` is `lower`.
        if base.first().is_some_and(|s| s == "internals") {
            base.remove(0);
        }
        self.found.push(base);
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.resolve(prefix.iter().cloned().chain([n.ident.to_string()]).collect()),
            syn::UseTree::Rename(r) => self.resolve(prefix.iter().cloned().chain([r.ident.to_string()]).collect()),
            syn::UseTree::Glob(_) => self.resolve(prefix.clone()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(prefix, t)),
        }
    }
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string() == "test"))
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Impl(i) => &i.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if !is_test_only(attrs) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.resolve(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }
}

/// The part a module belongs to: its stage folder, or the root file it is.
fn part_of(module: &[String]) -> String {
    module.first().cloned().unwrap_or_else(|| "lib".into())
}

/// A module path from the crate root (`["lower", "tables"]`).
type ModulePath = Vec<String>;

/// The source tree's modules (module path → file) and what each file imports (resolved paths).
fn imports(src: &Path) -> (BTreeMap<ModulePath, String>, BTreeMap<String, Vec<ModulePath>>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut modules = BTreeMap::new();
    let mut found = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap().to_path_buf();
        let name = relative.display().to_string();
        let module = module_of(&relative);
        let text = fs::read_to_string(&file).unwrap();
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        // A module declared `#[cfg(test)] mod tests;` is test code as a whole.
        let test_module = module.last().is_some_and(|m| m == "tests");
        let mut paths = Paths { module: module.clone(), found: Vec::new() };
        if !test_module {
            paths.visit_file(&syntax);
        }
        modules.insert(module, name.clone());
        found.insert(name, paths.found);
    }
    (modules, found)
}

/// Imports that break a stage rule, as `file: imports crate::x (part may import: …)`.
fn stage_violations(src: &Path) -> Vec<String> {
    let rules: BTreeMap<&str, &[&str]> = RULES.iter().copied().collect();
    let (modules, found) = imports(src);
    let file_module: BTreeMap<&String, &Vec<String>> = modules.iter().map(|(m, f)| (f, m)).collect();
    let mut out = Vec::new();
    for (file, paths) in &found {
        let part = part_of(file_module[file]);
        let Some(allowed) = rules.get(part.as_str()) else {
            out.push(format!("{file}: part `{part}` has no rule in RULES"));
            continue;
        };
        let mut reported = BTreeSet::new();
        for path in paths {
            let Some(target) = path.first() else { continue };
            let is_part = rules.contains_key(target.as_str());
            if is_part && *target != part && !allowed.contains(&target.as_str()) && reported.insert(target.clone()) {
                out.push(format!(
                    "{file}: imports crate::{} (`{part}` may import: {})",
                    path.join("::"),
                    allowed.join(", ")
                ));
            }
        }
    }
    out
}

/// Import circles among the modules: each a list of files (a child's `super::` import of its parent is an
/// edge; a parent's use of its own child modules is not, being what declaring them means).
fn import_circles(src: &Path) -> Vec<Vec<String>> {
    let (modules, found) = imports(src);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, paths) in &found {
        let targets = edges.entry(file.clone()).or_default();
        for path in paths {
            let target = (1..=path.len()).rev().find_map(|k| modules.get(&path[..k]));
            if let Some(target) = target.filter(|t| *t != file) {
                targets.insert(target.clone());
            }
        }
    }
    strongly_connected(&edges).into_iter().filter(|c| c.len() > 1).collect()
}

/// Tarjan's strongly connected components.
fn strongly_connected(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        for w in s.edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w.as_str()) {
                visit(s, w);
                let lw = s.low[w.as_str()];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.stack.contains(&w.as_str()) {
                let iw = s.index[w.as_str()];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let mut s = State { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), out: Vec::new() };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

/// The packages `package` depends on, directly or not, by `Cargo.lock` (normal, build and dev dependencies
/// alike: the lock does not tell them apart, so this errs on the strict side).
fn dependency_closure(lock: &toml::Table, package: &str) -> BTreeSet<String> {
    let packages = lock.get("package").and_then(|p| p.as_array()).cloned().unwrap_or_default();
    let deps: BTreeMap<String, Vec<String>> = packages
        .iter()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_string();
            let list = p.get("dependencies").and_then(|d| d.as_array()).cloned().unwrap_or_default();
            // Entries are `name` or `name version` (when two versions are locked).
            let names = list.iter().filter_map(|d| d.as_str()?.split(' ').next().map(str::to_string)).collect();
            Some((name, names))
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut todo = vec![package.to_string()];
    while let Some(p) = todo.pop() {
        for d in deps.get(&p).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

fn workspace_lock() -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    fs::read_to_string(&path).unwrap().parse().unwrap()
}

/// A copy of `codegen/src` with `line` appended to `file`.
fn planted(file: &str, line: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    rust_files(&codegen_src(), &mut files);
    for f in files {
        let relative = f.strip_prefix(codegen_src()).unwrap();
        let target = dir.path().join(relative);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        let mut text = fs::read_to_string(&f).unwrap();
        if relative == Path::new(file) {
            text.push_str(line);
            text.push('\n');
        }
        fs::write(target, text).unwrap();
    }
    dir
}

#[test]
fn every_stage_imports_only_what_its_rule_allows() {
    let violations = stage_violations(&codegen_src());
    assert!(violations.is_empty(), "stage rules broken (see ARCHITECTURE.md):\n{}", violations.join("\n"));
}

#[test]
fn a_planted_forbidden_import_is_reported() {
    let cases = [
        ("lower/sections.rs", "use crate::check::wire_model::fit_example;", "lower/sections.rs: imports crate::check"),
        (
            "emit/enums.rs",
            "fn planted() { let _ = crate::read::markdown::parse; }",
            "emit/enums.rs: imports crate::read",
        ),
        ("check/drift.rs", "use crate::pipeline::Loaded;", "check/drift.rs: imports crate::pipeline"),
        ("read/doc.rs", "use super::super::lower::LowerOptions;", "read/doc.rs: imports crate::lower"),
        ("lower/paging.rs", "use crate::internals::emit::emit;", "lower/paging.rs: imports crate::emit"),
    ];
    for (file, line, expected) in cases {
        let dir = planted(file, line);
        let violations = stage_violations(dir.path());
        assert!(violations.iter().any(|v| v.starts_with(expected)), "{line} in {file}: {violations:#?}");
    }
    // Test code may use anything: a `#[cfg(test)]` module is not the stage's code.
    let dir = planted("emit/enums.rs", "#[cfg(test)]\nmod planted { use crate::pipeline::load_docs; }");
    assert_eq!(stage_violations(dir.path()), Vec::<String>::new());
}

#[test]
fn no_import_circle_among_the_modules() {
    let circles = import_circles(&codegen_src());
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

#[test]
fn a_planted_import_circle_is_reported() {
    // `lower/nested.rs` imports `lower/tables.rs` (`columns`); the reverse closes a circle.
    let dir = planted("lower/tables.rs", "use super::nested::MAX_NESTED_SECTIONS as _PLANTED;");
    let circles = import_circles(dir.path());
    let expected = vec!["lower/nested.rs".to_string(), "lower/tables.rs".to_string()];
    assert!(circles.contains(&expected), "{circles:#?}");
}

#[test]
fn the_generator_does_not_depend_on_the_http_runtime() {
    let closure = dependency_closure(&workspace_lock(), "bkapi-codegen");
    assert!(closure.contains("bkapi-wire") && closure.contains("syn"), "closure read wrong: {closure:?}");
    let linked: Vec<_> = NOT_IN_THE_GENERATOR.iter().filter(|c| closure.contains(**c)).collect();
    assert!(linked.is_empty(), "bkapi-codegen depends on {linked:?} (see ARCHITECTURE.md)");
    // The runtime's closure does hold them: the check can see them.
    let runtime = dependency_closure(&workspace_lock(), "bkapi-runtime");
    assert!(runtime.contains("reqwest") && runtime.contains("tokio"), "{runtime:?}");
}

#[test]
fn a_planted_runtime_dependency_is_reported() {
    let mut lock = workspace_lock();
    let packages = lock.get_mut("package").and_then(|p| p.as_array_mut()).unwrap();
    let wire = packages.iter_mut().find(|p| p.get("name").and_then(|n| n.as_str()) == Some("bkapi-wire")).unwrap();
    let deps = wire.as_table_mut().unwrap().entry("dependencies").or_insert(toml::Value::Array(Vec::new()));
    deps.as_array_mut().unwrap().push(toml::Value::String("bkapi-runtime".into()));
    let closure = dependency_closure(&lock, "bkapi-codegen");
    assert!(closure.contains("tokio") && closure.contains("bkapi-runtime"));
}

/// HTTP crates the command line must not use itself: it sends through the bindings' client alone.
const NOT_IN_THE_CLI: &[&str] = &["reqwest", "hyper", "ureq", "bkapi-runtime"];

/// The crates `package` names in its `dependencies` (names only, as `Cargo.lock` writes `name version`).
fn direct_dependencies(lock: &toml::Table, package: &str) -> BTreeSet<String> {
    let packages = lock.get("package").and_then(|p| p.as_array()).unwrap();
    let found = packages.iter().find(|p| p.get("name").and_then(|n| n.as_str()) == Some(package)).unwrap();
    let deps = found.get("dependencies").and_then(|d| d.as_array()).cloned().unwrap_or_default();
    deps.iter().filter_map(|d| d.as_str()).map(|d| d.split(' ').next().unwrap_or(d).to_string()).collect()
}

fn cli_violations(lock: &toml::Table) -> Vec<String> {
    let direct = direct_dependencies(lock, "bkapi-cli");
    NOT_IN_THE_CLI.iter().filter(|c| direct.contains(**c)).map(|c| c.to_string()).collect()
}

#[test]
fn the_cli_calls_only_through_the_bindings() {
    let lock = workspace_lock();
    assert!(direct_dependencies(&lock, "bkapi-cli").contains("bkapi"), "the CLI calls through `bkapi`");
    let violations = cli_violations(&lock);
    assert!(violations.is_empty(), "bkapi-cli depends directly on {violations:?} (see ARCHITECTURE.md)");
    // Planted: a direct HTTP dependency is seen.
    let mut planted = lock.clone();
    let packages = planted.get_mut("package").and_then(|p| p.as_array_mut()).unwrap();
    let cli = packages.iter_mut().find(|p| p.get("name").and_then(|n| n.as_str()) == Some("bkapi-cli")).unwrap();
    let deps = cli.as_table_mut().unwrap().entry("dependencies").or_insert(toml::Value::Array(Vec::new()));
    deps.as_array_mut().unwrap().push(toml::Value::String("reqwest 0.12.0".into()));
    assert_eq!(cli_violations(&planted), ["reqwest"]);
}
