//! The pipeline over trees written to a temporary folder: every layout, every kind of bad doc.

use super::*;
use crate::ir::{Flavor, HttpMethod, Type, TypeKind};
use crate::lower::LowerOptions;
use std::fs;

const TABLE: &str = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n";

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn api<'a>(loaded: &'a Loaded, system: &str, name: &str) -> &'a crate::ir::Api {
    let s = loaded.ir.systems.iter().find(|s| s.name == system).unwrap_or_else(|| panic!("no system {system}"));
    s.apis.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no api {system}.{name}"))
}

/// Name, path and method of every API in the IR.
fn located_apis(loaded: &Loaded) -> Vec<(&str, &str, HttpMethod)> {
    loaded.ir.systems.iter().flat_map(|s| &s.apis).map(|a| (a.name.as_str(), a.path.as_str(), a.method)).collect()
}

/// The status of the doc whose file ends with `file`.
fn status_of(loaded: &Loaded, file: &str) -> Option<DocStatus> {
    loaded.docs.iter().find(|d| d.file.ends_with(file)).map(|d| d.status)
}

#[test]
fn a_doc_that_is_not_utf8_is_an_error_of_its_own_and_the_others_load() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", TABLE);
    // GBK-encoded `请求` on line 3.
    let p = root.join("esb/cmsi/apidocs/zh_hans/get_msg_type.md");
    fs::write(&p, b"# get\n\n### \xc7\xeb\xc7\xf3\n").unwrap();
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    assert_eq!(api(&loaded, "cmsi", "send_mail").name, "send_mail");
    assert_eq!(status_of(&loaded, "get_msg_type.md"), Some(DocStatus::Failed));
    let d = loaded.errors().find(|d| d.file.ends_with("get_msg_type.md")).expect("a diagnostic for it");
    assert_eq!(d.line, 3);
    assert!(d.message.contains("not UTF-8 (invalid byte at offset 11)"), "{d}");
}

#[test]
fn cr_only_line_endings_read_as_lf_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let doc = format!("{TABLE}\n### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| ok | bool | x |\n");
    write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", &doc);
    write(&root, "esb/cmsi/apidocs/zh_hans/send_sms.md", &doc.replace('\n', "\r"));
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let (lf, cr) = (api(&loaded, "cmsi", "send_mail"), api(&loaded, "cmsi", "send_sms"));
    let system = loaded.ir.systems.iter().find(|s| s.name == "cmsi").unwrap();
    let fields = |name: &str| match system.type_def(name).map(|t| &t.kind) {
        Some(TypeKind::Struct { fields }) => fields.iter().map(|f| (f.name.clone(), f.line)).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    assert_eq!(fields(&cr.request), fields(&lf.request));
    assert_eq!(fields(&cr.request), [("id".to_string(), 5)], "line numbers count `\\r` line ends");
    assert_eq!(format!("{:?}", cr.response).replace("SendSms", "SendMail"), format!("{:?}", lf.response));
    assert!(matches!(cr.response, Type::Named(_)), "the response section is read: {:?}", cr.response);
}

#[test]
fn sections_nested_1300_deep_are_an_error_of_that_doc_not_a_stack_overflow() {
    // The reproducer of the stack overflow: each section's only row is an object the next section defines.
    let mut deep = String::from("### 请求参数\n|a|type|\n|-|-|\n|f0|object|\n");
    for i in 0..1300 {
        deep.push_str(&format!("# f{i}\n|a|type|\n|-|-|\n|f{}|object|\n", i + 1));
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", TABLE);
    write(&root, "esb/cmsi/apidocs/zh_hans/get_deep.md", &deep);
    // load_docs lowers on rayon's workers (2 MiB stacks), where the overflow aborted the process.
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    assert_eq!(api(&loaded, "cmsi", "send_mail").name, "send_mail");
    let limit = format!("nested {} sections deep", crate::lower::MAX_NESTED_SECTIONS);
    let d = loaded.errors().find(|d| d.message.contains(&limit)).expect("the depth limit, reported");
    assert!(d.file.ends_with("get_deep.md") && d.line > 1, "{d}");
}

#[test]
fn locates_apis_in_every_tree_layout() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write(&root, "README.md", "# not an API\n");
    write(
        &root,
        "esb/mysys/mysys.yaml",
        "\u{feff}- path: /v2/mysys/get_a/\n  name: get_a\n  suggest_method: GET\n  dest_path: /a/\n  dest_http_method: GET\n",
    );
    write(&root, "esb/mysys/apidocs/zh_hans/get_a.md", TABLE);
    write(&root, "esb/mysys/apidocs/zh_hans/b.md", TABLE);
    write(&root, "esb/mysys/apidocs/en/get_a.md", TABLE);
    write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", TABLE);
    write(&root, "esb/cmsi/apidocs/zh_hans/get_msg_type.md", TABLE);
    write(
        &root,
        "apigw/job/v3/resources.yaml",
        "openapi: 3.0.1\npaths:\n  /api/v3/get_x:\n    get:\n      operationId: get_x\n",
    );
    write(&root, "apigw/job/v3/zh/get_x.md", TABLE);
    write(
        &root,
        "rendered/put_y.md",
        &format!("### 请求地址\n\n/api/c/compapi/v2/r/put_y/\n\n### 请求方法\n\nPUT\n\n{TABLE}"),
    );
    write(&root, "nothing/z.md", TABLE);
    write(&root, "other/nothing/w.md", TABLE);

    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let names: Vec<&str> = loaded.ir.systems.iter().map(|s| s.name.as_str()).collect();
    // One system per BlueKing system: its languages are one, and so are two folders of one name.
    assert_eq!(names, ["job_v3", "cmsi", "mysys", "nothing", "rendered"]);
    assert_eq!(loaded.docs.len(), 9, "README.md is not a doc");

    let a = api(&loaded, "mysys", "get_a");
    assert_eq!((a.method, a.path.as_str()), (HttpMethod::Get, "/api/c/compapi/v2/mysys/get_a/"));
    let translated: Vec<&str> = a.translations.iter().map(|t| t.source.as_str()).collect();
    assert_eq!(translated, ["corpus/esb/mysys/apidocs/en/get_a.md"], "the en doc is the same API");
    let b = api(&loaded, "mysys", "b");
    assert_eq!(b.path, "/api/c/compapi/v2/mysys/b/", "not in the manifest: the ESB convention");
    let x = api(&loaded, "job_v3", "get_x");
    assert_eq!((x.method, x.path.as_str()), (HttpMethod::Get, "/api/v3/get_x"));
    assert_eq!(loaded.ir.systems[0].flavor, Flavor::Gateway);
    let y = api(&loaded, "rendered", "put_y");
    assert_eq!((y.method, y.path.as_str()), (HttpMethod::Put, "/api/c/compapi/v2/r/put_y/"));

    // cmsi: no manifest. The convention gives the path, the name the method, and both are said.
    let mail = api(&loaded, "cmsi", "send_mail");
    assert_eq!((mail.method, mail.path.as_str()), (HttpMethod::Post, "/api/c/compapi/v2/cmsi/send_mail/"));
    assert_eq!(api(&loaded, "cmsi", "get_msg_type").method, HttpMethod::Get);
    let said =
        |file: &str, what: &str| loaded.diagnostics.iter().any(|d| d.file.ends_with(file) && d.message.contains(what));
    assert!(said("cmsi/apidocs/zh_hans/send_mail.md", "ESB path convention (there is no manifest"));
    assert!(said("cmsi/apidocs/zh_hans/send_mail.md", "guessed POST"));
    assert!(said("mysys/apidocs/zh_hans/b.md", "ESB path convention (no manifest names it)"));

    // Nothing says where `z` lives: parsed, not located, and not in the IR.
    let z = loaded.docs.iter().find(|d| d.api == "z").unwrap();
    assert_eq!(z.status, DocStatus::Unlocated);
    assert!(said("nothing/z.md", "no HTTP method and path"));
    assert!(loaded.ir.systems.iter().find(|s| s.name == "nothing").unwrap().apis.is_empty());
}

#[test]
fn a_panic_in_one_doc_is_counted_and_reported_and_the_others_load() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    write(&root, "s/apidocs/zh_hans/a.md", &format!("<!-- bkapi-test: panic -->\n{TABLE}"));
    write(&root, "s/apidocs/zh_hans/b.md", TABLE);
    // The panic message still goes to stderr through the default hook; the run goes on.
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let status: Vec<_> = loaded.docs.iter().map(|d| (d.api.as_str(), d.status)).collect();
    assert_eq!(status, [("a", DocStatus::Panicked), ("b", DocStatus::Located)]);
    let d = loaded.errors().next().unwrap();
    assert_eq!((d.file.as_str(), d.line), ("tree/s/apidocs/zh_hans/a.md", 1));
    assert!(d.message.contains("internal error while reading this doc: test panic"), "{d}");
}

#[test]
fn two_docs_with_one_rust_name_do_not_both_become_apis() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    write(&root, "s/apidocs/zh_hans/get-x.md", TABLE);
    write(&root, "s/apidocs/zh_hans/get_x.md", TABLE);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let status: Vec<_> = loaded.docs.iter().map(|d| (d.api.as_str(), d.status)).collect();
    assert_eq!(status, [("get-x", DocStatus::Located), ("get_x", DocStatus::Failed)]);
    assert!(loaded.errors().any(|d| d.message.contains("same Rust name as `get-x`")));
}

#[test]
fn one_doc_loads_with_its_tree_s_locators() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write(
        &root,
        "apigw/job/v3/resources.yaml",
        "openapi: 3.0.1\npaths:\n  /api/v3/get_x:\n    get:\n      operationId: get_x\n",
    );
    write(&root, "apigw/job/v3/zh/get_x.md", TABLE);
    write(&root, "esb/s/s.yaml", "- path: /v2/s/a/\n  name: a\n  suggest_method: POST\n  dest_path: /a/\n");
    write(&root, "esb/s/apidocs/en/a.md", TABLE);
    let x = load_doc(&root.join("apigw/job/v3/zh/get_x.md"), LowerOptions::default()).unwrap();
    assert_eq!(x.ir.systems[0].apis[0].path, "/api/v3/get_x");
    let a = load_doc(&root.join("esb/s/apidocs/en/a.md"), LowerOptions::default()).unwrap();
    assert_eq!(a.ir.systems[0].apis[0].path, "/api/c/compapi/v2/s/a/");
    assert_eq!(a.docs.len(), 1, "only the doc asked for");
}

#[test]
fn an_unreadable_manifest_is_reported_and_the_docs_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    write(&root, "s/s.yaml", "- name: a\n  path: [\n");
    write(&root, "s/apidocs/zh_hans/a.md", TABLE);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let d = loaded.diagnostics.iter().find(|d| d.file == "tree/s/s.yaml").expect("a manifest diagnostic");
    assert!(d.message.starts_with("cannot read this manifest"), "{d}");
    assert_eq!(loaded.docs[0].status, DocStatus::Located, "located by the ESB convention instead");
}

#[test]
fn definitions_elsewhere_in_the_tree_locate_the_docs_they_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    // bk-job's layout: the docs under docs/, the gateway's definition (here Swagger JSON) under support-files/.
    write(
        &root,
        "support-files/bk-api-gateway/v3/resources.json",
        r#"{"swagger": "2.0", "paths": {"/api/v3/get_x/": {"get": {"operationId": "get_x"}},
           "/api/v3/get_y/": {"post": {"operationId": "get_y"}}}}"#,
    );
    write(&root, "support-files/other/data.json", "{\"not\": \"a definition\"}");
    write(&root, "docs/apidoc/v3/zh/get_x.md", TABLE);
    write(&root, "docs/apidoc/v3/zh/get_y.md.j2", &format!("{{% if lang == 'zh' %}}\n{TABLE}{{% endif %}}\n"));
    // One name in common out of three is no evidence: these stay unlocated.
    write(&root, "docs/other/get_x.md", TABLE);
    write(&root, "docs/other/get_z.md", TABLE);
    write(&root, "docs/other/get_w.md", TABLE);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let status: Vec<(&str, DocStatus)> = loaded.docs.iter().map(|d| (d.file.as_str(), d.status)).collect();
    assert!(status.contains(&("repo/docs/apidoc/v3/zh/get_x.md", DocStatus::Located)), "{status:?}");
    assert!(status.contains(&("repo/docs/apidoc/v3/zh/get_y.md.j2", DocStatus::Located)), "{status:?}");
    assert!(status.contains(&("repo/docs/other/get_x.md", DocStatus::Unlocated)), "{status:?}");
    let apis = located_apis(&loaded);
    assert!(apis.contains(&("get_y", "/api/v3/get_y/", HttpMethod::Post)), "{apis:?}");
    assert!(loaded.ir.systems.iter().any(|s| s.flavor == Flavor::Gateway));
    assert!(loaded.diagnostics.iter().all(|d| !d.file.ends_with("data.json")), "{:?}", loaded.diagnostics);
}

#[test]
fn docs_in_an_apidocs_folder_are_located_by_gateway_definitions_beside_it_not_by_the_esb_convention() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    // blueking-apigateway's layout: `data/apidocs/zh/*.md`, definitions in `data/apigw-definitions/`.
    let definitions = "swagger: '2.0'\nbasePath: /\npaths:\n  /api/v1/apis/{api_name}/related-apps/:\n    post:\n      \
                       operationId: add_related_apps\n  /api/v1/apis/:\n    get:\n      operationId: get_apis\n";
    write(&root, "data/apigw-definitions/bk-apigateway-resources.yaml", definitions);
    let path_table = "#### 路径参数\n\n| 参数名称 | 参数类型 | 必选 | 描述 |\n|---|---|---|---|\n| api_name | string | 是 | 网关名 |\n";
    write(&root, "data/apidocs/zh/add_related_apps.md", &format!("{path_table}\n{TABLE}"));
    write(&root, "data/apidocs/zh/get_apis.md", TABLE);
    write(&root, "data/apidocs/zh/get_gone.md", TABLE);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let apis = located_apis(&loaded);
    assert!(
        apis.contains(&("add_related_apps", "/api/v1/apis/{api_name}/related-apps/", HttpMethod::Post)),
        "{apis:?}"
    );
    assert!(apis.contains(&("get_apis", "/api/v1/apis/", HttpMethod::Get)), "{apis:?}");
    assert_eq!(status_of(&loaded, "get_gone.md"), Some(DocStatus::Unlocated), "no route guessed: {apis:?}");
    assert_eq!(loaded.ir.systems.first().map(|s| s.flavor), Some(Flavor::Gateway));
}

#[test]
fn a_gateway_s_resources_split_over_many_files_locate_its_docs_together() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    // bk-monitor's layout: `resources.yaml` beside the docs names two resources; one file per resource group
    // below it (partial OpenAPI: only `paths`) names the rest. No file alone locates half of the docs.
    let resource = |path: &str, method: &str, id: &str| {
        format!(
            "paths:\n  {path}:\n    {method}:\n      operationId: {id}\n      x-bk-apigateway-resource:\n        backend:\n          method: {method}\n          path: /api/v4{path}\n"
        )
    };
    write(
        &root,
        "apigw/resources.yaml",
        &format!("swagger: '2.0'\nbasePath: /\n{}", resource("/app/as_code/import/", "post", "import_config")),
    );
    write(&root, "apigw/resources/external/app/shield.yaml", &resource("/app/shield/add/", "post", "add_shield"));
    write(&root, "apigw/resources/external/app/alert.yaml", &resource("/app/alert/search/", "get", "search_alert"));
    // Not a definition: no path maps an HTTP method.
    write(&root, "apigw/resources/notes.yaml", "paths:\n  /app/x/:\n    summary: no method here\n");
    for name in ["import_config", "add_shield", "search_alert", "get_x"] {
        write(&root, &format!("apigw/docs/zh/{name}.md"), TABLE);
    }
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let apis = located_apis(&loaded);
    assert!(apis.contains(&("add_shield", "/app/shield/add/", HttpMethod::Post)), "{apis:?}");
    assert!(apis.contains(&("search_alert", "/app/alert/search/", HttpMethod::Get)), "{apis:?}");
    assert!(apis.contains(&("import_config", "/app/as_code/import/", HttpMethod::Post)), "{apis:?}");
    assert_eq!(status_of(&loaded, "repo/apigw/docs/zh/get_x.md"), Some(DocStatus::Unlocated));
}

#[test]
fn gateways_whose_definition_folders_share_a_name_stay_apart_named_by_their_ancestors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    // bk-monitor ships two gateways, each in `<product>/support-files/apigw/` (definitions + docs); PaaS a third.
    let definitions =
        |id: &str| format!("swagger: '2.0'\nbasePath: /\npaths:\n  /{id}/:\n    post:\n      operationId: {id}\n");
    for (product, api) in [("bkmonitor", "search_alert"), ("bklog", "search_index"), ("paasng", "list_apps")] {
        write(&root, &format!("{product}/support-files/apigw/resources.yaml"), &definitions(api));
        write(&root, &format!("{product}/support-files/apigw/docs/zh/{api}.md"), TABLE);
    }
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let systems: Vec<(&str, Vec<&str>)> =
        loaded.ir.systems.iter().map(|s| (s.name.as_str(), s.apis.iter().map(|a| a.name.as_str()).collect())).collect();
    assert_eq!(
        systems,
        [
            ("bklog_apigw", vec!["search_index"]),
            ("bkmonitor_apigw", vec!["search_alert"]),
            ("paasng_apigw", vec!["list_apps"])
        ],
        "one system per gateway"
    );
}

#[test]
fn a_system_s_own_docs_are_located_by_the_esb_manifest_of_it_under_another_word_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    // nodeman's own docs name APIs verb first; the ESB manifest elsewhere names them noun first, or only
    // its backend path has the words.
    write(
        &root,
        "esb/nm/nm.yaml",
        "- path: /v2/nm/subscription_create/\n  name: subscription_create\n  suggest_method: POST\n  dest_path: /backend/api/subscription/create/\n\
         - path: /v2/nm/api/job/log/\n  name: get_job_log\n  suggest_method: GET\n  dest_path: /api/job/{job_id}/log/\n\
         - path: /v2/nm/a_b/\n  name: a_b\n  suggest_method: GET\n  dest_path: /a/\n\
         - path: /v2/nm/x/\n  name: x\n  suggest_method: GET\n  dest_path: /b/a/\n",
    );
    write(&root, "nm-apidoc/create_subscription.md", TABLE);
    write(&root, "nm-apidoc/log_job.md", TABLE);
    // Two entries with these words: `a_b` by its name beats `x` by its backend path.
    write(&root, "nm-apidoc/b_a.md", TABLE);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let apis = located_apis(&loaded);
    // Each API is published under its component's name.
    assert!(
        apis.contains(&("subscription_create", "/api/c/compapi/v2/nm/subscription_create/", HttpMethod::Post)),
        "{apis:?}"
    );
    assert!(apis.contains(&("get_job_log", "/api/c/compapi/v2/nm/api/job/log/", HttpMethod::Get)), "{apis:?}");
    assert!(apis.contains(&("a_b", "/api/c/compapi/v2/nm/a_b/", HttpMethod::Get)), "{apis:?}");
    assert_eq!(api(&loaded, "nm", "get_job_log").aliases, ["log_job"]);
    // Each such match is visible.
    let warned = |words: &str| loaded.diagnostics.iter().filter(|d| d.message.contains(words)).count();
    assert_eq!(warned("the doc's words in another order"), 2, "{:?}", loaded.diagnostics);
    assert_eq!(warned("the doc's words in its backend path"), 1, "{:?}", loaded.diagnostics);
}

#[test]
fn a_page_of_shared_definitions_serves_every_doc_of_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("esb");
    let common = "## 通用字段和约定\n\n#### server\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
                  | ip_list | array | 否 | 静态 IP 列表，定义见ip |\n\n#### ip\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
                  | bk_cloud_id | int | 是 | 管控区域ID |\n| ip | stirng | 是 | IP地址 |\n";
    write(&root, "job/apidocs/zh_hans/common.md", common);
    let api = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| target_server | object | 是 | 目标主机，见server定义 |\n\
               | ip_list | array | 否 | 主机列表 |\n\n#### ip_list\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| bk_host_id | long | 是 | 主机ID |\n";
    write(&root, "job/apidocs/zh_hans/run_x.md", api);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let status = |f: &str| status_of(&loaded, f);
    assert_eq!(status("common.md"), Some(DocStatus::Definitions));
    assert_eq!(status("run_x.md"), Some(DocStatus::Located));
    let system = &loaded.ir.systems[0];
    let fields = |name: &str| -> Vec<(String, Type)> {
        match system.types.iter().find(|t| t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields }) => fields.iter().map(|f| (f.name.clone(), f.ty.clone())).collect(),
            _ => panic!("no struct {name} in {:?}", system.types.iter().map(|t| &t.name).collect::<Vec<_>>()),
        }
    };
    // `server` and the `ip` it refers to come from the shared page, their lines where the doc refers to them.
    assert_eq!(fields("Server"), vec![("ip_list".to_string(), Type::Array(Box::new(Type::Named("Ip".into()))))]);
    assert_eq!(fields("Ip"), vec![("bk_cloud_id".into(), Type::Integer), ("ip".into(), Type::String)]);
    let server = system.types.iter().find(|t| t.name == "Server").unwrap();
    assert!(server.doc.contains("Defined in `esb/job/apidocs/zh_hans/common.md` at line 3"), "{}", server.doc);
    // The doc's own `ip_list` section wins over the shared `ip` for its own `ip_list` row.
    let own = fields("RunXRequest").into_iter().find(|(n, _)| n == "ip_list").map(|(_, t)| t);
    let Some(Type::Array(item)) = own else { panic!("ip_list is {own:?}") };
    let Type::Named(item) = *item else { panic!("ip_list of {item:?}") };
    assert_eq!(fields(&item), vec![("bk_host_id".to_string(), Type::Integer)]);
    // Nothing about the shared page is reported against the doc, and the page is not an unused-section mess.
    assert!(loaded.diagnostics.iter().all(|d| !d.message.contains("not referred to")), "{:?}", loaded.diagnostics);
}

#[test]
fn a_waiter_must_poll_an_api_with_a_boolean_field_in_its_response() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("api-docs");
    let doc = "POST /api/c/compapi/v2/s/get_status/\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
               | id | int | 是 | x |\n\n### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n\
               | data | object | x |\n\n#### data\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| finished | bool | x |\n| name | string | y |\n";
    write(&root, "s/get_status.md", doc);
    let meta = "flavor = \"esb\"\n\n[waiters.wait_for_it]\napi = \"get_status\"\ndone_when = \"finished\"\n\n\
                [waiters.wait_for_name]\napi = \"get_status\"\ndone_when = \"name\"\n\n\
                [waiters.wait_for_nothing]\napi = \"gone\"\ndone_when = \"finished\"\n";
    write(&root, "s/bkapi.toml", meta);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let names: Vec<&str> = loaded.ir.systems[0].waiters.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["wait_for_it"]);
    let errors: Vec<(u32, &str)> = loaded.errors().map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(
        errors,
        [
            (7, "waiter `wait_for_name`: `get_status`'s response has no boolean field `name`"),
            (11, "waiter `wait_for_nothing` polls `gone`, which this system has no doc of")
        ]
    );
}

#[test]
fn a_summary_the_metadata_corrects_is_what_readers_see_and_the_doc_s_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("api-docs");
    let doc = |summary: &str| format!("POST /api/c/compapi/v2/s/run_script/\n\n### 功能描述\n\n{summary}\n\n{TABLE}");
    write(&root, "s/zh_hans/run_script.md", &doc("快速执行脚本"));
    write(&root, "s/en/run_script.md", &doc("Start Job Plan"));
    let meta = "flavor = \"esb\"\n\n[apis.run_script.summary]\ntext = \"快速执行脚本\\n\\nFast execute script\"\n\
                reason = \"copied from another API\"\n";
    write(&root, "s/bkapi.toml", meta);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let api = api(&loaded, "s", "run_script");
    assert_eq!(api.summary, "快速执行脚本\n\nFast execute script");
    let fix = api.corrections.iter().find(|c| c.target == "summary").expect("recorded");
    assert_eq!((fix.doc_says.as_str(), fix.line), ("快速执行脚本 / Start Job Plan", 3));
}

#[test]
fn a_template_fragment_other_docs_include_is_no_api_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "sys/docs/zh/get_x.md.j2", &format!("{TABLE}\n{{% include '_status_code.md.j2' %}}\n"));
    write(&root, "sys/docs/zh/_status_code.md.j2", "#### 状态码\n\n| 状态码 | 说明 |\n|---|---|\n| 200 | ok |\n");
    // Not included by anyone: a doc like any other.
    write(&root, "sys/docs/zh/_draft.md.j2", TABLE);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    assert_eq!(status_of(&loaded, "repo/sys/docs/zh/_status_code.md.j2"), Some(DocStatus::Included));
    assert_ne!(status_of(&loaded, "repo/sys/docs/zh/_draft.md.j2"), Some(DocStatus::Included));
    assert_ne!(status_of(&loaded, "repo/sys/docs/zh/get_x.md.j2"), Some(DocStatus::Included));
}

#[test]
fn a_template_s_tables_in_an_included_fragment_are_its_own_and_reported_where_they_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let doc =
        "### 新增 system\n\n{% include '_model.md.j2' %}\n\n#### Request\n\n```json\n{\"id\": \"bk_cmdb\"}\n```\n";
    write(&root, "esb/iam/apidocs/zh_hans/add_system.md.j2", doc);
    let fragment = "#### Parameters\n\n| 字段 | 类型 | 是否必须 | 描述 |\n|---|---|---|---|\n| id | string | 是 | 系统 id |\n\
                    | clients | string | 是 | 已废弃 |\n";
    write(&root, "esb/iam/apidocs/zh_hans/_model.md.j2", fragment);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let system = loaded.ir.systems.iter().find(|s| s.name == "iam").expect("system iam");
    let request = &api(&loaded, "iam", "add_system").request;
    let fields = match system.type_def(request).map(|t| &t.kind) {
        Some(TypeKind::Struct { fields }) => fields.iter().map(|f| (f.name.as_str(), f.line, f.from_example)).collect(),
        _ => Vec::new(),
    };
    assert_eq!(fields.first(), Some(&("id", 3, None)), "tabled in the fragment, at the doc's include line: {fields:?}");
    let typo = loaded.diagnostics.iter().find(|d| d.message.contains("described as deprecated"));
    let typo = typo.unwrap_or_else(|| panic!("the deprecated required field reported: {:#?}", loaded.diagnostics));
    assert_eq!((typo.file.as_str(), typo.line), ("corpus/esb/iam/apidocs/zh_hans/_model.md.j2", 6), "{typo}");
    assert_eq!(status_of(&loaded, "_model.md.j2"), Some(DocStatus::Included));
}

#[test]
fn a_summary_copied_from_another_api_and_a_missing_translation_are_findings_with_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let doc = |summary: &str| format!("### 功能描述\n\n{summary}\n\n{TABLE}");
    write(&root, "esb/jobv3/apidocs/zh_hans/execute_job_plan.md", &doc("启动作业执行方案"));
    write(&root, "esb/jobv3/apidocs/zh_hans/fast_execute_script.md", &doc("快速执行脚本"));
    write(&root, "esb/jobv3/apidocs/zh_hans/get_job_list.md", &doc("查询作业列表"));
    write(&root, "esb/jobv3/apidocs/en/execute_job_plan.md", &doc("Start Job Plan"));
    write(&root, "esb/jobv3/apidocs/en/fast_execute_script.md", &doc("Start Job Plan"));
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let coded = |code: &str| loaded.diagnostics.iter().filter(|d| d.code == Some(code)).collect::<Vec<_>>();
    let copied = coded(crate::diagnostics::codes::COPIED_SUMMARY);
    assert_eq!(copied.len(), 1, "said once, of the API whose name the text fits less: {copied:#?}");
    let d = copied[0];
    assert_eq!((d.file.as_str(), d.line), ("corpus/esb/jobv3/apidocs/en/fast_execute_script.md", 3));
    assert_eq!(d.related.as_deref(), Some(&("corpus/esb/jobv3/apidocs/en/execute_job_plan.md".to_string(), 3)));
    assert!(d.message.contains("(`快速执行脚本` and `启动作业执行方案`)"), "{d}");
    let missing = coded(crate::diagnostics::codes::MISSING_TRANSLATION);
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert!(missing[0].file.ends_with("zh_hans/get_job_list.md") && missing[0].message.contains("no `en` doc"));
}

#[test]
fn a_doc_that_only_retires_its_api_is_no_failed_doc() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write(&root, "esb/iam/apidocs/zh_hans/authorization_instance.md", "Deprecated\n");
    write(&root, "esb/iam/apidocs/zh_hans/grant.md", "### 功能描述\n\n已废弃，请使用 grant_v2\n");
    // Words of deprecation beside a table: an API's doc like any other.
    write(&root, "esb/iam/apidocs/zh_hans/old_query.md", &format!("### 功能描述\n\n已废弃\n\n{TABLE}"));
    write(&root, "esb/iam/apidocs/zh_hans/notes.md", "### 说明\n\n一些说明\n");
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    assert_eq!(status_of(&loaded, "authorization_instance.md"), Some(DocStatus::Retired));
    assert_eq!(status_of(&loaded, "grant.md"), Some(DocStatus::Retired));
    assert_eq!(status_of(&loaded, "old_query.md"), Some(DocStatus::Located));
    assert_eq!(status_of(&loaded, "notes.md"), Some(DocStatus::Failed), "no notice of retirement: still a failed doc");
}

#[test]
fn templates_lose_their_jinja_statements_but_keep_their_lines() {
    let text = "### 请求参数\n{% if x %}\n| 字段 | 类型 |\n{# note #}\n";
    let no_fragments = |_: &str| -> Option<(String, &'static str)> { None };
    assert_eq!(crate::read::template::compose(text, &no_fragments).text, "### 请求参数\n\n| 字段 | 类型 |\n");
    assert_eq!(api_name_of(Path::new("a/update_script_basic .md")).as_deref(), Some("update_script_basic"));
    assert_eq!(api_name_of(Path::new("a/get_x.md.j2")).as_deref(), Some("get_x"));
}

#[test]
fn a_system_built_from_texts_alone_merges_its_languages_and_reports_its_contained_panics() {
    let en = TABLE.replace("| x |", "| the id |");
    let docs = [
        ("zh_hans/send_mail.md", TABLE.to_string()),
        ("en/send_mail.md", en),
        ("zh_hans/boom.md", format!("<!-- bkapi-test: panic -->\n{TABLE}")),
    ];
    let docs: Vec<(&str, &str)> = docs.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let metadata = "flavor = \"esb\"\n[apis.send_mail]\nmethod = \"POST\"\npath = \"/v2/cmsi/send_mail/\"\n";
    let input = SystemInput::from_texts("cmsi", Some(metadata), &docs);
    let build = build_system(&input, LowerOptions::default());
    // One API from the two languages' docs, located by the metadata.
    let names: Vec<_> = build.system.apis.iter().map(|a| (a.name.as_str(), a.translations.len())).collect();
    assert_eq!(names, [("send_mail", 1)]);
    let panics: Vec<_> = build.panics().map(|d| d.file.as_str()).collect();
    assert_eq!(panics, ["cmsi/zh_hans/boom.md"]);
    assert!(build.docs.iter().any(|d| d.api == "boom" && d.status == DocStatus::Panicked));
}

#[test]
fn an_api_the_component_list_does_not_name_gets_the_convention_s_path_marked_unconfirmed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let manifest = "- name: send_mail\n  dest_path: /mail/send/\n  path: /v2/cmsi/send_mail/\n  suggest_method: POST\n";
    write(&root, "esb/cmsi/cmsi.yaml", manifest);
    write(&root, "esb/cmsi/apidocs/zh_hans/send_mail.md", TABLE);
    write(&root, "esb/cmsi/apidocs/zh_hans/send_fax.md", TABLE);
    // A doc whose file name repeats its folder's language is that language's doc of the API.
    write(&root, "esb/cmsi/apidocs/en/send_mail_en.md", TABLE);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let mail = api(&loaded, "cmsi", "send_mail");
    assert_eq!((mail.unconfirmed_route.as_deref(), mail.translations.len()), (None, 1));
    let fax = api(&loaded, "cmsi", "send_fax");
    assert_eq!(fax.path, "/api/c/compapi/v2/cmsi/send_fax/");
    let why = fax.unconfirmed_route.as_deref().expect("the guess is said");
    assert!(why.contains("names no component `send_fax`"), "{why}");
    let d012: Vec<_> = loaded.diagnostics.iter().filter(|d| d.code == Some("D012")).collect();
    assert_eq!(d012.len(), 1, "{d012:#?}");
    assert!(d012[0].file.ends_with("send_fax.md"));
}

#[test]
fn an_api_is_published_under_its_component_s_name_and_a_write_is_never_routed_by_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("api-docs");
    let entry = |name: &str, dest: &str, method: &str| {
        format!("- name: {name}\n  dest_path: {dest}\n  path: /v2/nodeman{dest}\n  suggest_method: {method}\n")
    };
    let manifest = [
        entry("job_install", "/api/job/install/", "POST"),
        entry("list_hosts", "/api/host/search/", "POST"),
        entry("list_cloud_proxies", "/api/host/proxies/", "GET"),
    ]
    .concat();
    write(&root, "nodeman/nodeman.yaml", &manifest);
    write(&root, "nodeman/bkapi.toml", "flavor = \"esb\"\nesb_system = \"nodeman\"\n");
    for doc in ["install_job", "search_host", "proxies_host"] {
        write(&root, &format!("nodeman/zh_hans/{doc}.md"), TABLE);
    }
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    // The component's words in another order: its name, the doc's as an alias.
    let install = api(&loaded, "nodeman", "job_install");
    assert_eq!(
        (install.path.as_str(), install.aliases.as_slice()),
        ("/api/c/compapi/v2/nodeman/api/job/install/", &["install_job".to_string()][..])
    );
    // A read whose backend path has the doc's words: routed there, under the component's name.
    assert_eq!(api(&loaded, "nodeman", "list_cloud_proxies").path, "/api/c/compapi/v2/nodeman/api/host/proxies/");
    // A write found that way is not: the convention's guess, unconfirmed, and the help names the candidate.
    let search = api(&loaded, "nodeman", "search_host");
    let why = search.unconfirmed_route.as_deref().expect("unconfirmed");
    assert!(why.contains("`list_hosts` at") && why.contains("a write is never routed by a guess"), "{why}");

    // Reviewed in bkapi.toml, the component is used; a component no manifest lists is an error at its line.
    let meta = "flavor = \"esb\"\nesb_system = \"nodeman\"\n\n[apis.search_host]\ncomponent = \"list_hosts\"\nreason = \"r\"\n\n[apis.proxies_host]\ncomponent = \"no_such\"\nreason = \"r\"\n";
    write(&root, "nodeman/bkapi.toml", meta);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let hosts = api(&loaded, "nodeman", "list_hosts");
    assert_eq!(
        (hosts.path.as_str(), hosts.unconfirmed_route.as_deref()),
        ("/api/c/compapi/v2/nodeman/api/host/search/", None)
    );
    let bad = loaded.diagnostics.iter().find(|d| d.message.contains("no_such")).expect("reported");
    assert_eq!((bad.file.as_str(), bad.line), ("api-docs/nodeman/bkapi.toml", 8), "{bad}");
}

#[test]
fn a_key_beside_a_value_names_a_pair_and_a_lone_key_is_a_credential() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let doc = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
               | labels | list | 否 | 标签 |\n| host | dict | 否 | 主机 |\n\n\
               #### labels\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| key | string | 是 | 字段名 |\n| value | string | 否 | 字段值 |\n\n\
               #### host\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| ip | string | 是 | IP |\n| key | string | 否 | 登录密钥 |\n";
    write(&root, "esb/nodeman/apidocs/zh_hans/install.md", doc);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let system = loaded.ir.systems.iter().find(|s| s.name == "nodeman").expect("system nodeman");
    let key_of = |ty: &str| {
        let names: Vec<&str> = system.types.iter().map(|t| t.name.as_str()).collect();
        let t = system.types.iter().find(|t| t.name == ty).unwrap_or_else(|| panic!("no type {ty} in {names:?}"));
        let TypeKind::Struct { fields } = &t.kind else { panic!("{ty} is not a struct") };
        fields.iter().find(|f| f.name == "key").map(|f| f.secret).expect("a key field")
    };
    assert!(!key_of("Labels"), "a label's name is no credential");
    assert!(key_of("Host"), "an SSH key stays secret");
}

#[test]
fn a_gateway_api_s_own_credential_parameter_is_a_field_and_the_common_arguments_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    // bk-login's layout: the gateway's resources beside its docs; `verify_bk_token` checks the token it is given.
    let definitions = "swagger: '2.0'\nbasePath: /\npaths:\n  /bk-tokens/verify/:\n    get:\n      operationId: verify_bk_token\n  \
                       /logs/:\n    get:\n      operationId: list_logs\n";
    write(&root, "support-files/resources.yaml", definitions);
    let row = |name: &str, what: &str| format!("| {name} | string | 是 | {what} |\n");
    let head = "### 输入参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n";
    let verify =
        format!("{head}{}\n### 调用示例\n\n```json\n{{\"bk_token\": \"t0k\"}}\n```\n", row("bk_token", "登录态"));
    write(&root, "support-files/apidocs/zh/verify_bk_token.md", &verify);
    // A table that lists the app's secret describes the arguments every call authenticates with.
    let common = format!(
        "{head}{}{}{}{}",
        row("bk_app_code", "应用"),
        row("bk_app_secret", "秘钥"),
        row("bk_token", "登录态"),
        row("index", "索引")
    );
    write(&root, "support-files/apidocs/zh/list_logs.md", &common);
    let loaded = load_docs(&root, LowerOptions::default()).unwrap();
    let system = loaded.ir.systems.first().expect("one system");
    assert_eq!(system.flavor, Flavor::Gateway);
    let fields_of = |api_name: &str| {
        let request = &api(&loaded, &system.name, api_name).request;
        let t = system.types.iter().find(|t| &t.name == request).expect("the request type");
        let TypeKind::Struct { fields } = &t.kind else { panic!("{request} is not a struct") };
        fields.iter().map(|f| (f.name.clone(), f.required, f.secret)).collect::<Vec<_>>()
    };
    // Required: the example sends it (the example is no longer read without it).
    assert_eq!(fields_of("verify_bk_token"), [("bk_token".to_string(), true, true)]);
    assert_eq!(fields_of("list_logs"), [("index".to_string(), true, false)]);
    // The example's `bk_token` is that parameter's value, not a credential to leave out: no drift.
    let drift = crate::check::drift::check_api(system, api(&loaded, &system.name, "verify_bk_token"));
    assert!(drift.is_empty(), "{drift:?}");
    let examples = &api(&loaded, &system.name, "verify_bk_token").examples;
    assert_eq!(examples.len(), 1, "{examples:?}");
    let sent = crate::ir::request_params(
        examples[0].value.as_ref().unwrap(),
        &system.credential_parameters(api(&loaded, &system.name, "verify_bk_token")),
    );
    assert_eq!(sent, serde_json::json!({"bk_token": "t0k"}));
}
