//! Routes checked both ways against the manifests beside the docs: every located API that a manifest names is
//! compared with that entry's method and path, and every entry that no API documents is listed (an API the
//! system publishes that the crate cannot call). Reads the IR and plain entries, not the manifest files.

use serde::Serialize;

use crate::ir::{HttpMethod, Ir};

/// One entry of a manifest (ESB component, gateway resource), as the check needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestEntry {
    pub system: String,
    pub name: String,
    pub method: Option<HttpMethod>,
    pub path: String,
    /// `file:line`.
    pub origin: String,
}

/// Where an API's route is not its manifest entry's (the doc's own text won, or the metadata's correction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteDifference {
    pub api: String,
    pub doc: String,
    pub route: String,
    pub entry_route: String,
    pub origin: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ManifestCheck {
    pub entries: usize,
    /// Entries an API of the IR is published under (same system and name).
    pub documented: usize,
    /// Of those, the ones whose method and path are the API's.
    pub agree: usize,
    pub differ: Vec<RouteDifference>,
    /// Entries no API is published under, nor sent to (same path): the system has them, the crate does not.
    pub undocumented: Vec<ManifestEntry>,
}

/// Compares the IR's APIs with the entries (one system's entries may come from several files: the first of a
/// name is used).
pub fn check(ir: &Ir, entries: &[ManifestEntry]) -> ManifestCheck {
    let mut out = ManifestCheck::default();
    let mut seen = std::collections::BTreeSet::new();
    let same_path = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
    for entry in entries {
        if !seen.insert((entry.system.as_str(), entry.name.as_str())) {
            continue;
        }
        out.entries += 1;
        let system = ir.systems.iter().find(|s| s.name == entry.system);
        let apis = system.map_or(&[][..], |s| s.apis.as_slice());
        match apis.iter().find(|a| a.name == entry.name) {
            Some(api) => {
                out.documented += 1;
                let method_agrees = entry.method.is_none_or(|m| m == api.method);
                if method_agrees && same_path(&api.path, &entry.path) {
                    out.agree += 1;
                } else {
                    let method = entry.method.map_or("?", HttpMethod::as_str);
                    out.differ.push(RouteDifference {
                        api: format!("{}.{}", entry.system, api.name),
                        doc: api.source.clone(),
                        route: format!("{} {}", api.method.as_str(), api.path),
                        entry_route: format!("{method} {}", entry.path),
                        origin: entry.origin.clone(),
                    });
                }
            }
            None if apis.iter().any(|a| same_path(&a.path, &entry.path)) => {}
            None => out.undocumented.push(entry.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Api, Flavor, Paging, System, Type};

    fn api(name: &str, method: HttpMethod, path: &str) -> Api {
        Api {
            name: name.into(),
            aliases: Vec::new(),
            source: format!("s/{name}.md"),
            summary: String::new(),
            method,
            path: path.into(),
            request: String::new(),
            response: Type::Json,
            envelope: Vec::new(),
            examples: Vec::new(),
            corrections: Vec::new(),
            one_of: Vec::new(),
            table_keys: Vec::new(),
            paging: Paging::default(),
            request_section: None,
            names: Default::default(),
            translations: Vec::new(),
            unconfirmed_route: None,
            list_body: None,
            idempotent: false,
        }
    }

    #[test]
    fn entries_are_documented_agreeing_or_not_or_missing_from_the_crate() {
        let apis = vec![
            api("a", HttpMethod::Post, "/a/"),
            api("b", HttpMethod::Get, "/doc/b/"),
            api("c", HttpMethod::Post, "/c/"),
        ];
        let ir = Ir {
            systems: vec![System {
                name: "s".into(),
                flavor: Flavor::Esb,
                gateway: None,
                apis,
                waiters: Vec::new(),
                types: Vec::new(),
            }],
        };
        let entry = |name: &str, path: &str, line: u32| ManifestEntry {
            system: "s".into(),
            name: name.into(),
            method: Some(HttpMethod::Post),
            path: path.into(),
            origin: format!("s.yaml:{line}"),
        };
        let entries = [
            entry("a", "/a", 1),
            entry("b", "/b/", 2),
            entry("c_alias", "/c/", 3),
            entry("d", "/d/", 4),
            entry("a", "/x/", 5),
        ];
        let found = check(&ir, &entries);
        assert_eq!((found.entries, found.documented, found.agree), (4, 2, 1));
        assert_eq!(found.differ.len(), 1);
        assert_eq!((found.differ[0].route.as_str(), found.differ[0].entry_route.as_str()), ("GET /doc/b/", "POST /b/"));
        // `c_alias` is where `c` is sent: documented under another name, not missing.
        assert_eq!(found.undocumented, [entry("d", "/d/", 4)]);
    }
}
