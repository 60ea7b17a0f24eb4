//! `cargo xtask import`: a tree in BlueKing's ESB layout becomes an `api-docs/` system that regen locates the
//! same way, with its provenance; importing again reports what changed and keeps the maintainer's metadata.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;
use std::process::Command;

use bkapi_codegen::internals::read::metadata;
use bkapi_codegen::ir::HttpMethod;
use bkapi_codegen::pipeline::{LowerOptions, load_docs};
use bkapi_codegen::tasks::diff::diff;
use bkapi_codegen::tasks::import::{ImportOptions, SystemImport, import};
mod common;
use common::seeds_dir;
use sha2::{Digest, Sha256};

/// The seed doc without its method and path: the manifest and the ESB convention must locate it.
fn doc_without_location() -> String {
    let text = fs::read_to_string(seeds_dir().join("jobv3/fast_execute_script.md")).unwrap();
    let start = text.find("### 通用参数").expect("the seed doc has a common-parameters section");
    text[start..].to_string()
}

/// `sys/sys.yaml` (an ESB component list naming one API) and `sys/apidocs/zh_hans/` with two docs.
fn esb_tree(root: &Path) {
    let docs = root.join("sys/apidocs/zh_hans");
    fs::create_dir_all(&docs).unwrap();
    fs::write(
        root.join("sys/sys.yaml"),
        "- name: fast_execute_script\n  suggest_method: GET\n  dest_path: /backend/run/\n",
    )
    .unwrap();
    fs::write(docs.join("fast_execute_script.md"), doc_without_location()).unwrap();
    fs::write(docs.join("get_other.md"), doc_without_location()).unwrap();
}

fn locations(dir: &Path) -> Vec<(String, HttpMethod, String)> {
    let loaded = load_docs(dir, LowerOptions::default()).unwrap();
    let mut out: Vec<_> = loaded
        .ir
        .systems
        .iter()
        .flat_map(|s| s.apis.iter().map(|a| (a.name.clone(), a.method, a.path.clone())))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn options() -> ImportOptions {
    ImportOptions { systems: Vec::new(), date: "2026-12-02".into(), prefer: Vec::new(), name: None }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn an_imported_tree_is_located_as_in_the_tree_and_records_its_provenance() {
    let tree = tempfile::tempdir().unwrap();
    esb_tree(tree.path());
    git(tree.path(), &["init", "-q"]);
    git(tree.path(), &["add", "."]);
    git(tree.path(), &["commit", "-q", "-m", "docs"]);
    let into = tempfile::tempdir().unwrap();

    let reports = import(tree.path(), into.path(), &options()).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].system, "sys");
    assert_eq!(reports[0].added, ["sys.yaml", "zh_hans/fast_execute_script.md", "zh_hans/get_other.md"]);

    let system = into.path().join("sys");
    // Byte for byte, and located the same: the manifest's method, the ESB convention for the other doc.
    assert_eq!(fs::read_to_string(system.join("zh_hans/get_other.md")).unwrap(), doc_without_location());
    let expected = locations(tree.path());
    assert_eq!(
        expected,
        [
            ("fast_execute_script".into(), HttpMethod::Get, "/api/c/compapi/v2/sys/fast_execute_script/".into()),
            ("get_other".into(), HttpMethod::Get, "/api/c/compapi/v2/sys/get_other/".into()),
        ]
    );
    assert_eq!(locations(into.path()), expected);

    let meta = metadata::parse(&fs::read_to_string(system.join("bkapi.toml")).unwrap()).unwrap();
    assert_eq!(meta.esb_system.as_deref(), Some("sys"));
    let provenance = meta.provenance.unwrap();
    assert_eq!(provenance.imported, "2026-12-02");
    assert!(provenance.sources[0].ends_with("sys/apidocs/zh_hans"), "{:?}", provenance.sources);
    let commit = String::from_utf8(
        Command::new("git").arg("-C").arg(tree.path()).args(["rev-parse", "HEAD"]).output().unwrap().stdout,
    )
    .unwrap();
    assert_eq!(provenance.commit.as_deref(), Some(commit.trim()));
    let digest: String = Sha256::digest(doc_without_location().as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(provenance.files["zh_hans/get_other.md"], format!("sha256:{digest}"));
    assert_eq!(provenance.files.len(), 3);
}

#[test]
fn importing_again_reports_changes_removes_what_is_gone_and_keeps_the_maintainers_metadata() {
    let tree = tempfile::tempdir().unwrap();
    esb_tree(tree.path());
    let into = tempfile::tempdir().unwrap();
    import(tree.path(), into.path(), &options()).unwrap();
    let before = load_docs(into.path(), LowerOptions::default()).unwrap().ir;
    let meta_path = into.path().join("sys/bkapi.toml");
    let mut text = fs::read_to_string(&meta_path).unwrap();
    text.push_str(
        "\n# Checked with the JOB team.\n[[apis.fast_execute_script.corrections]]\nfield = \"response\"\ntype = \"object\"\nreason = \"r\"\n",
    );
    fs::write(&meta_path, &text).unwrap();
    // Someone's own file in the folder is not the import's to remove.
    fs::write(into.path().join("sys/NOTES.txt"), "mine").unwrap();

    let docs = tree.path().join("sys/apidocs/zh_hans");
    fs::write(docs.join("fast_execute_script.md"), format!("{}\n| extra | int | 否 | new |\n", doc_without_location()))
        .unwrap();
    fs::remove_file(docs.join("get_other.md")).unwrap();
    let reports = import(tree.path(), into.path(), &options()).unwrap();
    assert_eq!(
        reports,
        [SystemImport {
            system: "sys".into(),
            added: vec![],
            changed: vec!["zh_hans/fast_execute_script.md".into()],
            removed: vec!["zh_hans/get_other.md".into()],
            unchanged: 1,
        }]
    );
    assert!(!into.path().join("sys/zh_hans/get_other.md").exists());
    // What `cargo xtask diff` reports for the re-import: the API gone (major), the new row (minor; appended at the
    // end of the doc, it lands in the last table, the response's).
    let after = load_docs(into.path(), LowerOptions::default()).unwrap().ir;
    let changes: Vec<String> = diff(&before, &after).iter().map(|c| format!("{}: {}", c.api, c.what)).collect();
    assert!(changes.contains(&"sys.get_other: API removed".to_string()), "{changes:?}");
    assert!(
        changes.iter().any(|c| c.starts_with("sys.fast_execute_script: response field `extra` added")),
        "{changes:?}"
    );
    assert!(into.path().join("sys/NOTES.txt").exists());
    let after = fs::read_to_string(&meta_path).unwrap();
    assert!(after.contains("# Checked with the JOB team."), "{after}");
    let meta = metadata::parse(&after).unwrap();
    assert_eq!(meta.apis["fast_execute_script"].corrections.len(), 1);
    let provenance = meta.provenance.unwrap();
    assert_eq!(provenance.files.len(), 2);
    assert_eq!(provenance.commit, None, "not a git checkout");
}

#[test]
fn an_unknown_system_is_an_error_naming_the_ones_there_are() {
    let tree = tempfile::tempdir().unwrap();
    esb_tree(tree.path());
    let into = tempfile::tempdir().unwrap();
    let options = ImportOptions { systems: vec!["cc".into()], ..options() };
    let err = import(tree.path(), into.path(), &options).unwrap_err().to_string();
    assert!(err.contains("`cc`") && err.contains("systems: sys"), "{err}");
}

/// A system published twice (the ESB's copy and the system's own, newer docs), in two languages, with a
/// component coded in Python published apart: one system, the newer revision of each API, both languages.
#[test]
fn a_system_published_twice_imports_its_newer_revision_in_both_languages() {
    let tree = tempfile::tempdir().unwrap();
    esb_tree(tree.path());
    fs::create_dir_all(tree.path().join("sys/apidocs/en")).unwrap();
    fs::write(tree.path().join("sys/apidocs/en/fast_execute_script.md"), doc_without_location()).unwrap();
    // The system's own repository, in the same layout: the same APIs (newer) and one more.
    esb_tree(&tree.path().join("own"));
    let own = tree.path().join("own/sys/apidocs");
    let newer = format!("{}\n| newer | int | 否 | new |\n", doc_without_location());
    for name in ["zh_hans/get_other.md", "zh_hans/fast_execute_script.md", "zh_hans/get_third.md", "en/get_other.md"] {
        fs::create_dir_all(own.join(name).parent().unwrap()).unwrap();
        fs::write(own.join(name), &newer).unwrap();
    }
    // A built-in component: its method is in `<api>.py` beside `apidocs/`.
    let builtin = tree.path().join("builtin/sys");
    fs::create_dir_all(builtin.join("apidocs/zh_hans")).unwrap();
    fs::write(builtin.join("apidocs/zh_hans/get_fourth.md"), doc_without_location()).unwrap();
    fs::write(builtin.join("get_fourth.py"), "class GetFourth(Component):\n    suggest_method = 'POST'\n").unwrap();

    let into = tempfile::tempdir().unwrap();
    let reports = import(tree.path(), into.path(), &options()).unwrap();
    assert_eq!(reports.len(), 1, "one system: {reports:?}");
    assert_eq!(
        reports[0].added,
        [
            "components/get_fourth.py",
            "en/get_other.md",
            "sys.yaml",
            "zh_hans/fast_execute_script.md",
            "zh_hans/get_fourth.md",
            "zh_hans/get_other.md",
            "zh_hans/get_third.md"
        ]
    );
    let system = into.path().join("sys");
    assert_eq!(fs::read_to_string(system.join("zh_hans/get_other.md")).unwrap(), newer, "the newer revision");
    let meta = metadata::parse(&fs::read_to_string(system.join("bkapi.toml")).unwrap()).unwrap();
    let superseded: Vec<&String> = meta.provenance.as_ref().unwrap().superseded.keys().collect();
    assert_eq!(superseded.len(), 3, "{superseded:?}");
    assert!(superseded.iter().all(|f| f.contains("/sys/apidocs/")), "the ESB copy's docs: {superseded:?}");
    // The newer `get_other` in both languages is one API.
    let loaded = load_docs(into.path(), LowerOptions::default()).unwrap();
    let other = loaded.ir.systems[0].apis.iter().find(|a| a.name == "get_other").unwrap();
    assert_eq!(other.translations.iter().map(|t| t.language.as_str()).collect::<Vec<_>>(), ["en"]);
    let imported = locations(into.path());
    assert_eq!(imported, locations(tree.path()), "located as in the tree");
    // Whoever imports may know better: `--prefer` names the newer revision.
    let other = tempfile::tempdir().unwrap();
    let prefer = ImportOptions { prefer: vec!["sys".into()], ..options() };
    import(tree.path(), other.path(), &prefer).unwrap();
    let preferred = fs::read_to_string(other.path().join("sys/zh_hans/get_other.md")).unwrap();
    assert_eq!(preferred, doc_without_location(), "the ESB copy, as asked");
    let meta = metadata::parse(&fs::read_to_string(other.path().join("sys/bkapi.toml")).unwrap()).unwrap();
    let why = meta.provenance.unwrap().superseded.into_values().next().unwrap();
    assert!(why.contains("is preferred as the newer revision"), "{why}");
    assert!(imported.contains(&("get_fourth".into(), HttpMethod::Post, "/api/c/compapi/v2/sys/get_fourth/".into())));
}

/// A gateway's docs in a folder whose name is not the system's (CMDB's `open/`), with the gateway's resources
/// exported as `bk_apigw_resources_<gateway>.yaml`: imported under the name given, with the gateway's name.
#[test]
fn a_gateway_system_is_imported_under_the_name_given_with_its_gateway_s_name() {
    let tree = tempfile::tempdir().unwrap();
    let open = tree.path().join("bk-demo/apigw/open");
    fs::create_dir_all(open.join("zh")).unwrap();
    fs::write(
        open.join("bk_apigw_resources_bk-demo.yaml"),
        "swagger: '2.0'\nbasePath: /\npaths:\n  /api/v3/hosts/:\n    post:\n      operationId: list_hosts\n",
    )
    .unwrap();
    fs::write(open.join("zh/list_hosts.md"), doc_without_location()).unwrap();
    // An API the gateway does not publish: nothing in the tree gives its route.
    fs::write(open.join("zh/get_gone.md"), doc_without_location()).unwrap();
    let into = tempfile::tempdir().unwrap();
    let named = ImportOptions { systems: vec!["open".into()], name: Some("bk_demo".into()), ..options() };
    let report = import(tree.path(), into.path(), &named).unwrap();
    assert_eq!(report.first().map(|r| r.system.as_str()), Some("bk_demo"));
    let meta = metadata::parse(&fs::read_to_string(into.path().join("bk_demo/bkapi.toml")).unwrap()).unwrap();
    assert_eq!(meta.gateway.as_deref(), Some("bk-demo"));
    let unlocated = meta.provenance.map(|p| p.unlocated).unwrap_or_default();
    let keys: Vec<&String> = unlocated.keys().collect();
    assert!(keys.len() == 1 && keys[0].ends_with("bk-demo/apigw/open/zh/get_gone.md"), "recorded: {keys:?}");
    assert!(!into.path().join("bk_demo/zh/get_gone.md").exists());
    assert_eq!(
        locations(into.path()),
        vec![("list_hosts".to_string(), HttpMethod::Post, "/api/v3/hosts/".to_string())]
    );
    // Imported again, nothing changes: the unlocated doc stays out and recorded as such, not listed as a file.
    let metadata_before = fs::read_to_string(into.path().join("bk_demo/bkapi.toml")).unwrap();
    import(tree.path(), into.path(), &named).unwrap();
    let metadata_after = fs::read_to_string(into.path().join("bk_demo/bkapi.toml")).unwrap();
    assert_eq!(metadata_after, metadata_before, "a second import is the first");
    // A name is for one system: without `--system` it is refused.
    let unnamed = ImportOptions { name: Some("bk_demo".into()), ..options() };
    let err = import(tree.path(), tempfile::tempdir().unwrap().path(), &unnamed).unwrap_err().to_string();
    assert!(err.contains("`--as bk_demo` names the system(s) given with `--system`"), "{err}");
}

/// CMDB keeps one ESB system's docs in two folders (`cc/` with its component list, `esb-cc/` with the components
/// ESB codes itself) beside its gateway's resources: imported as one system, the second folder's docs are located
/// by the ESB's path convention, not as the gateway resources that share their names.
#[test]
fn two_folders_of_one_esb_system_are_imported_as_one_without_the_gateway_s_resources() {
    let tree = tempfile::tempdir().unwrap();
    let apidoc = tree.path().join("bk-demo/docs/apidoc");
    for dir in ["cc/zh_hans", "esb-cc/zh_hans", "apigw/open/zh"] {
        fs::create_dir_all(apidoc.join(dir)).unwrap();
    }
    fs::write(apidoc.join("cc/cc.yaml"), "- name: list_hosts\n  suggest_method: POST\n  dest_path: /api/v3/hosts/\n")
        .unwrap();
    fs::write(apidoc.join("cc/zh_hans/list_hosts.md"), doc_without_location()).unwrap();
    fs::write(apidoc.join("esb-cc/zh_hans/create_set.md"), doc_without_location()).unwrap();
    fs::write(
        apidoc.join("apigw/open/bk_apigw_resources_bk-demo.yaml"),
        "swagger: '2.0'\nbasePath: /\npaths:\n  /api/v3/set/:\n    post:\n      operationId: create_set\n",
    )
    .unwrap();
    fs::write(apidoc.join("apigw/open/zh/create_set.md"), doc_without_location()).unwrap();
    let into = tempfile::tempdir().unwrap();
    fs::create_dir_all(into.path().join("cc")).unwrap();
    fs::write(into.path().join("cc/bkapi.toml"), "flavor = \"esb\"\nesb_system = \"cc\"\n").unwrap();
    let merged = ImportOptions { systems: vec!["cc".into(), "esb-cc".into()], name: Some("cc".into()), ..options() };
    let report = import(tree.path(), into.path(), &merged).unwrap();
    assert_eq!(report.iter().map(|r| r.system.as_str()).collect::<Vec<_>>(), ["cc"]);
    assert!(!into.path().join("cc/bk_apigw_resources_bk-demo.yaml").exists(), "the gateway's resources came in");
    let meta = metadata::parse(&fs::read_to_string(into.path().join("cc/bkapi.toml")).unwrap()).unwrap();
    let sources = meta.provenance.map(|p| p.sources).unwrap_or_default();
    assert!(sources.iter().any(|s| s.ends_with("apidoc/cc/zh_hans")), "{sources:?}");
    assert!(sources.iter().any(|s| s.ends_with("apidoc/esb-cc/zh_hans")), "{sources:?}");
    let routes = locations(into.path());
    assert_eq!(routes.len(), 2, "{routes:?}");
    assert!(routes.iter().any(|(n, _, p)| n == "create_set" && p == "/api/c/compapi/v2/cc/create_set/"), "{routes:?}");
    assert!(routes.iter().any(|(n, m, _)| n == "list_hosts" && *m == HttpMethod::Post), "{routes:?}");
    // A system not in the tree is named in the error.
    let wrong = ImportOptions { systems: vec!["cc".into(), "nope".into()], name: Some("cc".into()), ..options() };
    let err = import(tree.path(), tempfile::tempdir().unwrap().path(), &wrong).unwrap_err().to_string();
    assert!(err.contains("`nope`"), "{err}");
}
