//! Calls go where the docs and the systems' component lists say: routes the issue found wrong, held to their
//! manifest lines, and no API made up from a stray file name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bkapi::{Endpoint, EndpointVisitor, Method};

#[test]
fn nodeman_subscription_updates_and_reads_go_to_their_own_components() {
    use bkapi::nodeman::endpoints::{SubscriptionInfo, SubscriptionSwitch, SubscriptionUpdate};
    // api-docs/nodeman/nodeman.yaml:599 `subscription_update` (not its copy at :874, which names the info route).
    assert_eq!(SubscriptionUpdate::PATH, "/api/c/compapi/v2/nodeman/backend/api/subscription/update/");
    assert_eq!(SubscriptionUpdate::METHOD, Method::Post);
    // :588 `subscription_info` (was the ESB convention's `/nodeman/info_subscription/`, which no list has).
    assert_eq!(SubscriptionInfo::PATH, "/api/c/compapi/v2/nodeman/backend/api/subscription/info/");
    // :665 `subscription_switch`, named by bkapi.toml for the misspelled doc `swith_subscription`.
    assert_eq!(SubscriptionSwitch::PATH, "/api/c/compapi/v2/nodeman/backend/api/subscription/switch/");
}

#[test]
fn apis_are_named_by_their_component_and_called_under_that_name() {
    use bkapi::nodeman::endpoints::{JobInstall, ListHosts};
    // The doc is `install_job.md`; the component, the manifest (nodeman.yaml:742) and BlueKing's SDK say
    // `job_install`.
    assert_eq!(JobInstall::ID, "nodeman.job_install");
    assert_eq!(JobInstall::PATH, "/api/c/compapi/v2/nodeman/api/job/install/");
    // `search_host.md` is `list_hosts` (nodeman.yaml:819), a write found only by its backend path's words:
    // routed because bkapi.toml names the component after review, not by the guess.
    assert_eq!(ListHosts::ID, "nodeman.list_hosts");
    assert_eq!(ListHosts::PATH, "/api/c/compapi/v2/nodeman/api/host/search/");
    // The doc's name stays findable: the IR keeps it as the method's `#[doc(alias)]`.
    let loaded = bkapi_codegen::pipeline::load_docs(&api_docs(), Default::default()).unwrap();
    let nodeman = loaded.ir.systems.iter().find(|s| s.name == "nodeman").unwrap();
    let install = nodeman.apis.iter().find(|a| a.name == "job_install").unwrap();
    assert_eq!(install.aliases, ["install_job"]);
    assert!(nodeman.apis.iter().all(|a| a.name != "install_job"));
}

#[test]
fn every_api_a_manifest_names_is_sent_to_the_manifest_s_route_or_says_why_not() {
    let run = bkapi_codegen::tasks::corpus::run(&api_docs()).unwrap();
    let m = &run.report.manifests;
    assert!(m.documented > 590, "{m:?}");
    // The one API whose doc states another route than its entry: nodeman's `add_task` (its doc's own
    // `/create_task/`); a difference that is not in this list is a route that changed.
    let differ: Vec<&str> = m.differ.iter().map(|d| d.api.as_str()).collect();
    assert_eq!(differ, ["nodeman.add_task"], "{:#?}", m.differ);
    // The entries without a doc are listed (the crate cannot call them), each with its file:line.
    let at_a_line = |origin: &str| [".yaml:", ".yml:", ".json:"].iter().any(|ext| origin.contains(ext));
    assert!(
        m.undocumented.iter().all(|e| at_a_line(&e.origin)),
        "{:?}",
        m.undocumented.iter().find(|e| !at_a_line(&e.origin))
    );
    assert!(m.undocumented.iter().any(|e| e.system == "nodeman" && e.name == "fetch_commands"));
}

fn api_docs() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-docs")
}

/// Every endpoint's id and path.
struct Routes(Vec<(&'static str, &'static str, &'static str)>);

impl EndpointVisitor for Routes {
    fn visit<E: Endpoint>(&mut self) {
        self.0.push((E::ID, E::METHOD.as_str(), E::PATH));
    }
}

#[test]
fn no_api_is_named_after_a_translation_s_file_name() {
    let mut routes = Routes(Vec::new());
    bkapi::visit_endpoints(&mut routes);
    assert!(routes.0.len() > 700, "{} endpoints", routes.0.len());
    // `cc/en/list_host_total_mainline_topo_en.md` is the English doc of `list_host_total_mainline_topo`.
    assert!(
        routes.0.iter().all(|(id, _, _)| !id.ends_with("_en")),
        "{:?}",
        routes.0.iter().find(|(id, _, _)| id.ends_with("_en"))
    );
    assert!(routes.0.iter().any(|(id, _, _)| *id == "cc.list_host_total_mainline_topo"));
    // Two APIs at one method and path would be one of them going to the other's place (a gateway's REST
    // resources share paths across methods: `POST` and `DELETE /api/v3/host/lock`).
    let mut seen = std::collections::BTreeMap::new();
    let shared: Vec<_> = routes
        .0
        .iter()
        .filter_map(|(id, method, path)| seen.insert((*method, *path), *id).map(|other| (other, *id, *method, *path)))
        .collect();
    assert!(shared.is_empty(), "{shared:#?}");
}

/// Every endpoint's id, method and whether calling it again is safe.
struct Methods(Vec<(&'static str, Method, bool)>);

impl EndpointVisitor for Methods {
    fn visit<E: Endpoint>(&mut self) {
        self.0.push((E::ID, E::METHOD, E::IDEMPOTENT));
    }
}

#[test]
fn every_read_blueking_s_sdk_binds_as_get_is_retried_like_one() {
    // An independent check: BlueKing's ESB SDK (system, api_name, method, path). A read the docs publish as POST
    // that the SDK binds as GET is marked idempotent in bkapi.toml, so retries and waiters treat it as a read.
    let sdk = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/notes/esb-sdk-operations.tsv"),
    )
    .expect("../shared/notes/esb-sdk-operations.tsv beside the repository");
    let gets: Vec<String> = sdk
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let (system, api, method) = (cols.first()?, cols.get(1)?, cols.get(2)?);
            (*method == "GET").then(|| format!("{system}.{api}"))
        })
        .collect();
    assert!(gets.len() > 50, "{} GET operations", gets.len());
    let mut methods = Methods(Vec::new());
    bkapi::visit_endpoints(&mut methods);
    let bound: Vec<_> = methods.0.iter().filter(|(id, ..)| gets.iter().any(|g| g == id)).collect();
    assert!(bound.len() > 40, "{} of them in the crate", bound.len());
    let not_retried: Vec<_> = bound.iter().filter(|(_, m, idempotent)| *m != Method::Get && !idempotent).collect();
    assert!(not_retried.is_empty(), "{not_retried:#?}");
}

/// CMDB is published twice: through the ESB (`cc`) and through its own API gateway (`bk_cmdb`). Both are
/// callable, each to its own place, with its own authentication flavor.
#[test]
fn cmdb_through_the_esb_and_through_its_gateway_are_two_systems_each_going_to_its_own_place() {
    use bkapi::Flavor;
    type Esb = bkapi::cc::endpoints::ListBizHosts;
    type Gateway = bkapi::bk_cmdb::endpoints::ListBizHosts;
    assert_eq!(
        (Esb::ID, Esb::FLAVOR, Esb::PATH),
        ("cc.list_biz_hosts", Flavor::Esb, "/api/c/compapi/v2/cc/list_biz_hosts/")
    );
    assert_eq!(
        (Gateway::ID, Gateway::FLAVOR, Gateway::GATEWAY),
        ("bk_cmdb.list_biz_hosts", Flavor::Gateway, "bk-cmdb")
    );
    assert_eq!((Gateway::METHOD, Gateway::PATH), (Method::Post, "/api/v3/hosts/app/{bk_biz_id}/list_hosts"));
}
