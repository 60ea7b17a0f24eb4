//! Calls go where the docs and the systems' component lists say: routes the issue found wrong, held to their
//! manifest lines, and no API made up from a stray file name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bkapi::{Endpoint, EndpointVisitor, Method};

#[test]
fn nodeman_subscription_updates_and_reads_go_to_their_own_components() {
    use bkapi::nodeman::endpoints::{InfoSubscription, SwithSubscription, UpdateSubscription};
    // api-docs/nodeman/nodeman.yaml:599 `subscription_update` (not its copy at :874, which names the info route).
    assert_eq!(UpdateSubscription::PATH, "/api/c/compapi/v2/nodeman/backend/api/subscription/update/");
    assert_eq!(UpdateSubscription::METHOD, Method::Post);
    // :588 `subscription_info` (was the ESB convention's `/nodeman/info_subscription/`, which no list has).
    assert_eq!(InfoSubscription::PATH, "/api/c/compapi/v2/nodeman/backend/api/subscription/info/");
    // :665 `subscription_switch`, by the route bkapi.toml gives the misspelled doc.
    assert_eq!(SwithSubscription::PATH, "/api/c/compapi/v2/nodeman/backend/api/subscription/switch/");
}

/// Every endpoint's id and path.
struct Routes(Vec<(&'static str, &'static str)>);

impl EndpointVisitor for Routes {
    fn visit<E: Endpoint>(&mut self) {
        self.0.push((E::ID, E::PATH));
    }
}

#[test]
fn no_api_is_named_after_a_translation_s_file_name() {
    let mut routes = Routes(Vec::new());
    bkapi::visit_endpoints(&mut routes);
    assert!(routes.0.len() > 700, "{} endpoints", routes.0.len());
    // `cc/en/list_host_total_mainline_topo_en.md` is the English doc of `list_host_total_mainline_topo`.
    assert!(
        routes.0.iter().all(|(id, _)| !id.ends_with("_en")),
        "{:?}",
        routes.0.iter().find(|(id, _)| id.ends_with("_en"))
    );
    assert!(routes.0.iter().any(|(id, _)| *id == "cc.list_host_total_mainline_topo"));
    // Two APIs of one system at one route would be one of them going to the other's place.
    let mut seen = std::collections::BTreeMap::new();
    let shared: Vec<_> =
        routes.0.iter().filter_map(|(id, path)| seen.insert(*path, *id).map(|other| (other, *id, *path))).collect();
    assert!(shared.is_empty(), "{shared:#?}");
}
