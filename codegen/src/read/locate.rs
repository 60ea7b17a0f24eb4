//! Where an API lives (HTTP method and path) when its doc does not say: BlueKing publishes that beside the
//! docs, in an ESB system manifest (`<system>.yaml`, a list of components) or an API-gateway resource
//! definition (`resources.yaml`, OpenAPI 3 whose `operationId` is the doc's file name).

use std::borrow::Borrow;
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
    /// The entry's own name (the ESB component's, the gateway resource's `operationId`): the name the API is
    /// published under, which the doc's file name may spell otherwise.
    pub name: String,
    /// How the entry was found for the doc.
    pub matched: Match,
}

/// How a doc's API name found its route, best first: a better kind of match anywhere beats a worse one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// The entry has the doc's name.
    Exact,
    /// A gateway resource whose path ends with the doc's name (operationId `system_x`, path `/…/system/x`).
    PathEnd,
    /// The entry's name has the doc's words in another order (`subscription_create` for `create_subscription`):
    /// the same name, spelled noun first.
    NameWords,
    /// The entry's backend path has the doc's words (`list_hosts` at `/api/host/search/` for `search_host`): a
    /// guess, used for reads (GET) only. A write is never sent where a guess points.
    PathWords,
    /// Derived from the ESB path convention, not read from a file: the doc's own path wins without a word.
    Convention,
}

impl Route {
    pub fn by_convention(&self) -> bool {
        self.matched == Match::Convention
    }

    /// Found under another spelling of the name or by its backend path.
    pub fn by_words(&self) -> bool {
        matches!(self.matched, Match::NameWords | Match::PathWords)
    }
}

/// A doc's route among the manifests beside it: the best kind of match in any of them (an exact name in the
/// second file beats words in the first); two different entries found the same way are no evidence for either.
pub fn find_route<M: Borrow<Manifest>>(manifests: &[M], api: &str) -> Option<Route> {
    [Match::Exact, Match::PathEnd, Match::NameWords, Match::PathWords].into_iter().find_map(|how| {
        // Manifests that repeat an entry (a system's two revisions of its component list) agree: one route.
        let mut found = manifests.iter().filter_map(|m| m.borrow().find_as(api, how));
        let first = found.next()?;
        found.all(|r| r.method == first.method && r.path == first.path && r.name == first.name).then_some(first)
    })
}

/// Why no route was taken from an entry whose backend path has the doc's words: it writes (see
/// [`Match::PathWords`]). For the help text of the route that is used instead.
pub fn refused_guess<M: Borrow<Manifest>>(manifests: &[M], api: &str) -> Option<String> {
    manifests.iter().find_map(|m| {
        let (name, route) = m.borrow().path_words_entry(api)?;
        let method = route.method.map_or("an unknown method", HttpMethod::as_str);
        (!route.method.is_some_and(|m| m == HttpMethod::Get)).then(|| {
            format!(
                "`{name}` at {} has the doc's words in its backend path, but it is {method}: a write is never \
                 routed by a guess (name it with `component = \"{name}\"` in bkapi.toml if it is this API)",
                route.origin
            )
        })
    })
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
    /// Each API's name's words, for docs that name the API verb first (`create_subscription` for
    /// `subscription_create`): sorted words → API names.
    pub by_name_words: BTreeMap<Vec<String>, Vec<String>>,
    /// Each API's backend path's last two segments' words (`/api/host/search/` → `host`, `search`).
    pub by_path_words: BTreeMap<Vec<String>, Vec<String>>,
    /// What the file contradicts itself in (one name listed with routes that disagree): warnings at its lines.
    pub problems: Vec<Diagnostic>,
}

impl Manifest {
    /// The entry for an API, found in one way (see [`Match`]); `None` when none or several are.
    pub fn find_as(&self, api: &str, how: Match) -> Option<Route> {
        let found = |name: &str, matched: Match, why: String| {
            self.apis.get(name).map(|r| Route { origin: format!("{}{why}", r.origin), matched, ..r.clone() })
        };
        match how {
            Match::Exact => found(api, Match::Exact, String::new()),
            Match::PathEnd if self.flavor == Flavor::Gateway => {
                let mut candidates =
                    self.apis.iter().filter(|(_, loc)| loc.path.trim_end_matches('/').rsplit('/').next() == Some(api));
                let (Some((id, _)), None) = (candidates.next(), candidates.next()) else { return None };
                found(id, Match::PathEnd, format!(" (operationId `{id}`)"))
            }
            Match::NameWords => {
                let name = only(self.by_name_words.get(&sorted_words([api])))?;
                found(name, Match::NameWords, format!(" (`{name}`: the doc's words in another order)"))
            }
            Match::PathWords => {
                let (name, route) = self.path_words_entry(api)?;
                let read = route.method == Some(HttpMethod::Get);
                read.then(|| {
                    found(name, Match::PathWords, format!(" (`{name}`: the doc's words in its backend path)"))
                })?
            }
            Match::PathEnd | Match::Convention => None,
        }
    }

    /// Any way at all, best first.
    pub fn find(&self, api: &str) -> Option<Route> {
        find_route(std::slice::from_ref(self), api)
    }

    /// The one entry whose backend path has the doc's words, whatever its method.
    fn path_words_entry(&self, api: &str) -> Option<(&str, &Route)> {
        let name = only(self.by_path_words.get(&sorted_words([api])))?;
        self.apis.get_key_value(name).map(|(n, r)| (n.as_str(), r))
    }
}

/// The one name of a list.
fn only(names: Option<&Vec<String>>) -> Option<&str> {
    match names?.as_slice() {
        [name] => Some(name),
        _ => None,
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

/// Indexes API names under words (of their name, or of their backend path), once per API.
fn index_words(entries: Vec<(String, Vec<String>)>) -> BTreeMap<Vec<String>, Vec<String>> {
    let mut out: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (name, key) in entries {
        let names = out.entry(key).or_default();
        if !names.contains(&name) {
            names.push(name);
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

/// A partial OpenAPI definition: only `paths` (BlueKing splits a gateway's resources over one file per resource
/// group, `resources/**/*.yaml`), recognised by its shape — a path starting with `/` that maps an HTTP method.
fn has_resource_paths(value: &serde_yaml_ng::Value) -> bool {
    let Some(serde_yaml_ng::Value::Mapping(paths)) = value.get("paths") else { return false };
    paths.iter().any(|(path, operations)| {
        path.as_str().is_some_and(|p| p.starts_with('/'))
            && operations
                .as_mapping()
                .is_some_and(|ops| ops.keys().filter_map(|k| k.as_str()).any(|k| HttpMethod::parse(k).is_some()))
    })
}

/// Reads a YAML file as a manifest: an ESB component list or an OpenAPI gateway resource definition.
/// `Ok(None)`: valid YAML, but neither. `system` names the ESB system for entries without a `path`.
pub fn read_manifest(file: &str, text: &str, system: &str) -> Result<Option<Manifest>, Box<Diagnostic>> {
    manifest_from_value(file, text, parse_manifest(file, text)?, system)
}

/// A manifest file's YAML (or JSON) as a value: the costly part of [`read_manifest`], which depends on the text
/// alone (discovery parses a tree's files in parallel, then interprets them in order).
pub fn parse_manifest(file: &str, text: &str) -> Result<serde_yaml_ng::Value, Box<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_yaml_ng::from_str(text).map_err(|e| Box::new(yaml_error(file, &e)))
}

/// [`read_manifest`] of a file already parsed by [`parse_manifest`].
pub fn manifest_from_value(
    file: &str,
    text: &str,
    value: serde_yaml_ng::Value,
    system: &str,
) -> Result<Option<Manifest>, Box<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if value.get("openapi").is_some() || value.get("swagger").is_some() || has_resource_paths(&value) {
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
            name: name.clone(),
            matched: Match::Exact,
        };
        let agrees = entry.dest_path.as_deref().is_none_or(|dest| route_agrees_with_name(&name, dest));
        listed.entry(name.clone()).or_default().push((route, entry.dest_path, agrees));
    }
    let mut apis = BTreeMap::new();
    let mut name_words = Vec::new();
    let mut path_words = Vec::new();
    let mut problems = Vec::new();
    for (name, entries) in listed {
        // The last entry whose backend path has the component's own words (a file's newer section comes later);
        // without one, the last entry.
        let chosen = entries.iter().rposition(|(_, _, agrees)| *agrees).unwrap_or(entries.len().saturating_sub(1));
        let Some((kept, kept_dest, _)) = entries.get(chosen) else { continue };
        // Found by its words: its name's, and its backend path's (the chosen entry's only).
        name_words.push((name.clone(), sorted_words([name.as_str()])));
        if let Some(dest) = kept_dest {
            path_words.push((name.clone(), sorted_words(last_static_segments(dest))));
        }
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
        by_name_words: index_words(name_words),
        by_path_words: index_words(path_words),
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
                        name: id.to_string(),
                        matched: Match::Exact,
                    },
                );
            }
        }
    }
    let words: Vec<(String, Vec<String>)> = apis.keys().map(|id| (id.clone(), sorted_words([id.as_str()]))).collect();
    Manifest {
        flavor: Flavor::Gateway,
        file: file.to_string(),
        source: Default::default(),
        apis,
        esb_system: None,
        by_name_words: index_words(words),
        by_path_words: BTreeMap::new(),
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
    fn a_backend_path_guess_routes_reads_only_and_an_exact_name_anywhere_wins() {
        let entry = |name: &str, dest: &str, method: &str| {
            format!("- name: {name}\n  dest_path: {dest}\n  path: /v2/nodeman/{name}/\n  suggest_method: {method}\n")
        };
        let text = [
            entry("list_hosts", "/api/host/search/", "POST"),
            entry("list_biz_proxies", "/api/host/biz_proxies/", "GET"),
        ]
        .concat();
        let m = read_manifest("nodeman.yaml", &text, "nodeman").unwrap().unwrap();
        // A read found by its backend path's words: used, under the entry's name.
        let proxies = m.find("biz_proxies_host").unwrap();
        assert_eq!((proxies.name.as_str(), proxies.matched), ("list_biz_proxies", Match::PathWords));
        // A write found the same way: not used, and why is said.
        assert_eq!(m.find("search_host"), None);
        let why = refused_guess(std::slice::from_ref(&m), "search_host").unwrap();
        assert!(why.contains("`list_hosts` at nodeman.yaml:1") && why.contains("POST"), "{why}");
        assert_eq!(refused_guess(std::slice::from_ref(&m), "biz_proxies_host"), None);
        // An exact name in a second manifest beats words in the first.
        let other = read_manifest("more.yaml", &entry("biz_proxies_host", "/x/y/", "GET"), "nodeman").unwrap().unwrap();
        let found = find_route(&[m, other], "biz_proxies_host").unwrap();
        assert_eq!((found.matched, found.origin.as_str()), (Match::Exact, "more.yaml:1"));
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
                name: "get_x".into(),
                matched: Match::Exact,
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
