//! Where an API lives (HTTP method and path) when its doc does not say: BlueKing publishes that beside the
//! docs, in an ESB system manifest (`<system>.yaml`, a list of components) or an API-gateway resource
//! definition (`resources.yaml`, OpenAPI 3 whose `operationId` is the doc's file name).

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::ir::{Flavor, HttpMethod};

pub use crate::ir::ESB_PREFIX;

/// Method and path of one API, and where they were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Option<HttpMethod>,
    pub path: String,
    /// `file:line` of the entry, for diagnostics.
    pub origin: String,
    /// Derived from the ESB path convention, not read from a file: the doc's own path wins without a word.
    pub by_convention: bool,
    /// Found under another name with the same words (`subscription_create` for doc `create_subscription`).
    pub by_words: bool,
}

/// The APIs one manifest file declares, by API name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub flavor: Flavor,
    pub file: String,
    /// The file it was read from (empty when read from text alone); `cargo xtask import` copies it.
    pub source: std::path::PathBuf,
    pub apis: BTreeMap<String, Route>,
    /// The ESB system an ESB component list is about (its folder's name); `None` for gateway definitions.
    pub esb_system: Option<String>,
    /// Each API's words in another order (`subscription_create` and its backend path `/subscription/create/`),
    /// for docs that name the API verb first (`create_subscription`): sorted words → API names.
    pub by_words: BTreeMap<Vec<String>, Vec<String>>,
    /// What the file contradicts itself in (one name listed with routes that disagree): warnings at its lines.
    pub problems: Vec<Diagnostic>,
}

impl Manifest {
    /// The entry for an API: by exact name; in a gateway definition also by the resource path's last segment
    /// (`/api/v3/system/bkci_plugin_x`, operationId `system_bkci_plugin_x`, for doc `bkci_plugin_x`), when unique;
    /// then by its words in another order.
    pub fn find(&self, api: &str) -> Option<Route> {
        if let Some(found) = self.apis.get(api) {
            return Some(found.clone());
        }
        if self.flavor == Flavor::Gateway {
            let mut candidates =
                self.apis.iter().filter(|(_, loc)| loc.path.trim_end_matches('/').rsplit('/').next() == Some(api));
            if let (Some((id, found)), None) = (candidates.next(), candidates.next()) {
                return Some(Route { origin: format!("{} (operationId `{id}`)", found.origin), ..found.clone() });
            }
        }
        self.find_by_words(api)
    }

    /// The one API whose name, or whose backend path's last two segments, has the doc's words in another
    /// order. Two candidates are no evidence for either.
    fn find_by_words(&self, api: &str) -> Option<Route> {
        let names = self.by_words.get(&sorted_words([api]))?;
        let [name] = names.as_slice() else { return None };
        let found = self.apis.get(name)?;
        Some(Route {
            origin: format!("{} (`{name}`: the doc's words in another order)", found.origin),
            by_words: true,
            ..found.clone()
        })
    }
}

/// The words of some names (`biz_proxies`, `host` → `biz`, `host`, `proxies`), sorted.
fn sorted_words<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut words: Vec<String> = names
        .into_iter()
        .flat_map(|n| n.split(['_', '-']))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.sort();
    words
}

/// The last two segments of a path that are not `{placeholders}` (`/api/job/{job_id}/log/` → `job`, `log`).
fn last_static_segments(path: &str) -> Vec<&str> {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && !s.starts_with('{')).collect();
    let keep = segments.len().saturating_sub(2);
    segments.drain(..keep);
    segments
}

/// Indexes each API under the words of its name and of its backend path, once per API.
fn index_words(entries: &[(String, Vec<Vec<String>>)]) -> BTreeMap<Vec<String>, Vec<String>> {
    let mut out: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (name, keys) in entries {
        for key in keys {
            let names = out.entry(key.clone()).or_default();
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    out
}

/// One component of an ESB system manifest. BlueKing's files spell the method three ways.
#[derive(Debug, Deserialize)]
struct EsbEntry {
    name: Option<String>,
    path: Option<String>,
    suggest_method: Option<String>,
    method: Option<String>,
    dest_http_method: Option<String>,
    dest_path: Option<String>,
}

/// Reads a YAML file as a manifest: an ESB component list or an OpenAPI gateway resource definition.
/// `Ok(None)`: valid YAML, but neither. `system` names the ESB system for entries without a `path`.
pub fn read_manifest(file: &str, text: &str, system: &str) -> Result<Option<Manifest>, Box<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| Box::new(yaml_error(file, &e)))?;
    if value.get("openapi").is_some() || value.get("swagger").is_some() {
        return Ok(Some(read_gateway(file, text, &value)));
    }
    let serde_yaml_ng::Value::Sequence(items) = &value else { return Ok(None) };
    let is_esb = !items.is_empty() && items.iter().all(|i| i.get("name").is_some() && i.get("dest_path").is_some());
    if !is_esb {
        return Ok(None);
    }
    let entries: Vec<EsbEntry> = serde_yaml_ng::from_value(value).map_err(|e| Box::new(yaml_error(file, &e)))?;
    let mut lines = entry_lines(text, "name").into_iter();
    // Each name's entries, in file order: a name listed twice is the same component only when its routes agree.
    let mut listed: BTreeMap<String, Vec<(Route, Option<String>, bool)>> = BTreeMap::new();
    for entry in entries {
        let Some(name) = entry.name else { continue };
        let line = lines.find(|(n, _)| *n == name).map_or(1, |(_, l)| l);
        let method_word = entry.suggest_method.or(entry.method).or(entry.dest_http_method);
        let path = match entry.path {
            Some(p) if p.starts_with('/') => format!("{ESB_PREFIX}{}", p.trim()),
            _ => esb_convention_path(system, &name),
        };
        let route = Route {
            method: method_word.as_deref().and_then(HttpMethod::parse),
            path,
            origin: format!("{file}:{line}"),
            by_convention: false,
            by_words: false,
        };
        let agrees = entry.dest_path.as_deref().is_none_or(|dest| route_agrees_with_name(&name, dest));
        listed.entry(name.clone()).or_default().push((route, entry.dest_path, agrees));
    }
    let mut apis = BTreeMap::new();
    let mut words = Vec::new();
    let mut problems = Vec::new();
    for (name, entries) in listed {
        // The last entry whose backend path has the component's own words (a file's newer section comes later);
        // without one, the last entry.
        let chosen = entries.iter().rposition(|(_, _, agrees)| *agrees).unwrap_or(entries.len().saturating_sub(1));
        let Some((kept, kept_dest, _)) = entries.get(chosen) else { continue };
        // Found by its words: its name's, and its backend path's (the chosen entry's only).
        let mut keys = vec![sorted_words([name.as_str()])];
        if let Some(dest) = kept_dest {
            keys.push(sorted_words(last_static_segments(dest)));
        }
        words.push((name.clone(), keys));
        for (i, (route, dest, _)) in entries.iter().enumerate() {
            if i == chosen || (route.path == kept.path && route.method == kept.method) {
                continue;
            }
            let (at, line) = route.origin.rsplit_once(':').unwrap_or((file, "1"));
            problems.push(
                Diagnostic::warning(
                    at,
                    line.parse().unwrap_or(1),
                    format!(
                        "`{name}` is listed again with another route (`{}`, backend `{}`); {} is used",
                        route.path,
                        dest.as_deref().unwrap_or("?"),
                        kept.origin
                    ),
                )
                .with_help("a component's backend path names it; the entry whose path does not is a copy mistake"),
            );
        }
        apis.insert(name, kept.clone());
    }
    Ok(Some(Manifest {
        flavor: Flavor::Esb,
        file: file.to_string(),
        source: Default::default(),
        apis,
        esb_system: Some(system.to_string()),
        by_words: index_words(&words),
        problems,
    }))
}

fn read_gateway(file: &str, text: &str, value: &serde_yaml_ng::Value) -> Manifest {
    let mut apis = BTreeMap::new();
    let lines = key_lines(text, "operationId");
    if let Some(serde_yaml_ng::Value::Mapping(paths)) = value.get("paths") {
        for (path, operations) in paths {
            let (Some(path), serde_yaml_ng::Value::Mapping(operations)) = (path.as_str(), operations) else {
                continue;
            };
            for (method, operation) in operations {
                let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) else { continue };
                let line = lines.get(id).copied().unwrap_or(1);
                apis.insert(
                    id.to_string(),
                    Route {
                        method: method.as_str().and_then(HttpMethod::parse),
                        path: path.to_string(),
                        origin: format!("{file}:{line}"),
                        by_convention: false,
                        by_words: false,
                    },
                );
            }
        }
    }
    let words: Vec<(String, Vec<Vec<String>>)> =
        apis.keys().map(|id| (id.clone(), vec![sorted_words([id.as_str()])])).collect();
    Manifest {
        flavor: Flavor::Gateway,
        file: file.to_string(),
        source: Default::default(),
        apis,
        esb_system: None,
        by_words: index_words(&words),
        problems: Vec::new(),
    }
}

/// Whether a component's backend path is about it: the path's last two static segments have the words of the
/// name, or the path ends with the name (`subscription_update` → `/backend/api/subscription/update/`, not
/// `/backend/api/subscription/info/`). Names that share no word with their path say nothing either way.
fn route_agrees_with_name(name: &str, dest: &str) -> bool {
    let name_words = sorted_words([name]);
    let tail = sorted_words(last_static_segments(dest));
    let last = dest.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let shared = tail.iter().filter(|w| name_words.contains(w)).count();
    tail == name_words || last == name || shared == 0 || shared == tail.len().min(name_words.len())
}

/// Every `key: value` line of a YAML list, in file order (value, line).
fn entry_lines<'t>(text: &'t str, key: &str) -> Vec<(&'t str, u32)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let rest = line.trim_start().trim_start_matches("- ");
        if let Some(value) = rest.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            out.push((value.trim().trim_matches(['"', '\'']), u32::try_from(i + 1).unwrap_or(u32::MAX)));
        }
    }
    out
}

/// The ESB's path convention, for systems that publish docs but no manifest (BlueKing's `cmsi`).
pub fn esb_convention_path(system: &str, api: &str) -> String {
    format!("{ESB_PREFIX}/v2/{system}/{api}/")
}

/// The method an ESB component coded in Python suggests (`suggest_method = HTTP_METHOD.POST` in
/// `<system>/<api>.py`, the legacy PaaS's built-in components), with the `file:line` it was read at.
pub fn python_component_method(text: &str, file: &str) -> Option<(HttpMethod, String)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.trim().strip_prefix("suggest_method")?.trim_start().strip_prefix('=')?.trim();
        let word = rest.rsplit('.').next()?.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
        HttpMethod::parse(word).map(|m| (m, format!("{file}:{} (suggest_method)", i + 1)))
    })
}

fn yaml_error(file: &str, e: &serde_yaml_ng::Error) -> Diagnostic {
    let line = e.location().map_or(1, |l| u32::try_from(l.line()).unwrap_or(u32::MAX));
    Diagnostic::error(file, line, format!("cannot read this manifest: {e}"))
        .with_help("fix the YAML; the APIs it declares stay unlocated until then")
}

/// Line of each `key: value` in the text, by value (first occurrence), in one pass.
fn key_lines<'t>(text: &'t str, key: &str) -> HashMap<&'t str, u32> {
    let mut out = HashMap::new();
    for (value, line) in entry_lines(text, key) {
        out.entry(value).or_insert(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_listed_again_with_a_route_that_is_not_its_own_is_a_copy_mistake() {
        // nodeman.yaml lists `subscription_update` three times, the last with the route of `subscription_info`.
        let entry = |name: &str, dest: &str, path: &str| {
            format!("- name: {name}\n  dest_path: {dest}\n  path: {path}\n  suggest_method: POST\n")
        };
        let text = [
            entry("subscription_info", "/backend/api/subscription/info/", "/v2/nodeman/subscription_info/"),
            entry("subscription_update", "/backend/api/subscription/update/", "/v2/nodeman/subscription_update/"),
            entry(
                "subscription_update",
                "/backend/api/subscription/update/",
                "/v2/nodeman/backend/api/subscription/update/",
            ),
            entry(
                "subscription_update",
                "/backend/api/subscription/info/",
                "/v2/nodeman/backend/api/subscription/info/",
            ),
        ]
        .concat();
        let m = read_manifest("nodeman.yaml", &text, "nodeman").unwrap().unwrap();
        let update = m.find("update_subscription").unwrap();
        assert_eq!(update.path, "/api/c/compapi/v2/nodeman/backend/api/subscription/update/");
        assert_eq!(update.origin, "nodeman.yaml:9 (`subscription_update`: the doc's words in another order)");
        // The copy's backend path does not make `subscription_update` a candidate for the info doc.
        assert_eq!(m.find("info_subscription").unwrap().path, "/api/c/compapi/v2/nodeman/subscription_info/");
        let problems: Vec<String> = m.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[1].starts_with("nodeman.yaml:13: warning: `subscription_update` is listed again"),
            "{problems:#?}"
        );
    }

    #[test]
    fn python_components_suggest_their_method() {
        let text = "class GetAgentInfo(Component):\n    suggest_method = HTTP_METHOD.POST\n    label = u\"x\"\n";
        let (method, origin) = python_component_method(text, "gse/get_agent_info.py").unwrap();
        assert_eq!((method, origin.as_str()), (HttpMethod::Post, "gse/get_agent_info.py:2 (suggest_method)"));
        assert_eq!(python_component_method("    suggest_method = 'GET'\n", "f.py").map(|m| m.0), Some(HttpMethod::Get));
        assert!(python_component_method("method = HTTP_METHOD.POST\n", "f.py").is_none());
    }

    #[test]
    fn reads_esb_manifests_in_their_three_spellings() {
        let text = "- path: /v2/jobv3/fast_execute_script/\n  name: fast_execute_script\n  suggest_method: POST\n  dest_path: /x/\n  dest_http_method: POST\n\
                    - name: get_x\n  method: GET\n  dest_path: /y/\n\
                    - name: del_y\n  path: /v2/jobv3/del_y/\n  dest_path: /z/\n  dest_http_method: DELETE\n";
        let m = read_manifest("job.yaml", text, "jobv3").unwrap().unwrap();
        assert_eq!(m.flavor, Flavor::Esb);
        let fes = &m.apis["fast_execute_script"];
        assert_eq!(fes.path, "/api/c/compapi/v2/jobv3/fast_execute_script/");
        assert_eq!(fes.method, Some(HttpMethod::Post));
        assert_eq!(fes.origin, "job.yaml:2");
        // No `path`: the ESB convention.
        assert_eq!(m.apis["get_x"].path, "/api/c/compapi/v2/jobv3/get_x/");
        assert_eq!(m.apis["get_x"].method, Some(HttpMethod::Get));
        assert_eq!(m.apis["del_y"].method, Some(HttpMethod::Delete));
    }

    #[test]
    fn reads_gateway_resources_by_operation_id() {
        let text = "openapi: 3.0.1\npaths:\n  /api/v3/get_x:\n    get:\n      operationId: get_x\n  /api/v3/{id}/do:\n    post:\n      operationId: do_it\n";
        let m = read_manifest("resources.yaml", text, "job").unwrap().unwrap();
        assert_eq!(m.flavor, Flavor::Gateway);
        assert_eq!(
            m.apis["get_x"],
            Route {
                method: Some(HttpMethod::Get),
                path: "/api/v3/get_x".into(),
                origin: "resources.yaml:5".into(),
                by_convention: false,
                by_words: false,
            }
        );
        assert_eq!(m.apis["do_it"].path, "/api/v3/{id}/do");
        // Docs named after the resource, not its operationId.
        let text =
            "openapi: 3.0.1\npaths:\n  /api/v3/system/plugin_run:\n    post:\n      operationId: system_plugin_run\n";
        let m = read_manifest("resources.yaml", text, "job").unwrap().unwrap();
        let found = m.find("plugin_run").unwrap();
        assert_eq!(found.path, "/api/v3/system/plugin_run");
        assert!(found.origin.contains("system_plugin_run"), "{}", found.origin);
        assert_eq!(m.find("run"), None);
    }

    #[test]
    fn other_yaml_is_not_a_manifest_and_bad_yaml_is_reported() {
        assert_eq!(read_manifest("ci.yaml", "jobs:\n  - run: x\n", "s").unwrap(), None);
        let err = read_manifest("bad.yaml", "- name: x\n  path: [\n", "s").unwrap_err();
        assert_eq!(err.file, "bad.yaml");
        assert!(err.line >= 2, "{err}");
    }
}
