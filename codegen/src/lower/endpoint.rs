//! Where the API is: summary, method and path as the doc states them (`请求地址` / `请求方法` sections or a
//! `POST /path` line), the ESB prefix of component-relative paths, then what the metadata and a manifest beside
//! the docs say, and a guessed method as the last resort.

use super::LowerOptions;
use super::MetaSource;
use super::sections::SectionKind;
use crate::diagnostics::Diagnostic;
use crate::ir::{Correction, Flavor, HttpMethod};
use crate::read::doc::{Block, Document};
use crate::read::locate::Route;
use crate::read::metadata::ApiMeta;

/// Method and path, as known so far.
pub(super) struct Endpoint {
    pub(super) method: Option<HttpMethod>,
    /// The path and the doc line that gives it (0 when it comes from elsewhere).
    pub(super) path: Option<(String, u32)>,
}

/// The doc's summary (the API's name when it has none) and the method and path it states.
pub(super) fn stated_in_doc(doc: &Document, kinds: &[SectionKind], api_name: &str) -> (String, u32, Endpoint) {
    let mut summary = String::new();
    let mut summary_line = 0;
    let mut method: Option<HttpMethod> = None;
    let mut path: Option<(String, u32)> = None;
    for (i, s) in doc.sections.iter().enumerate() {
        let kind = kinds.get(i).copied().unwrap_or(SectionKind::Definition);
        let texts: Vec<(&str, u32)> = s
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text(t) => Some((t.text.as_str(), t.line)),
                Block::Code(c) if kind == SectionKind::Address || kind == SectionKind::Method => {
                    Some((c.text.trim(), c.line))
                }
                _ => None,
            })
            .collect();
        match kind {
            SectionKind::Summary if summary.is_empty() => {
                summary = texts.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(" ");
                summary_line = texts.first().map_or(s.line, |(_, l)| *l);
            }
            SectionKind::Method => {
                method = method.or_else(|| texts.iter().find_map(|(t, _)| HttpMethod::parse(t)));
            }
            SectionKind::Address => {
                if path.is_none() {
                    path = texts.iter().find_map(|(t, l)| address_path(t).map(|p| (p, *l)));
                }
            }
            SectionKind::RequestExample | SectionKind::ResponseExample => {}
            _ => {
                for (t, l) in &texts {
                    if let Some((m, p)) = request_line(t) {
                        method = method.or(Some(m));
                        if path.is_none() {
                            path = Some((p, *l));
                        }
                    }
                }
            }
        }
    }
    if summary.is_empty() {
        summary = api_name.to_string();
    }
    (summary, summary_line, Endpoint { method, path })
}

impl Endpoint {
    /// An ESB doc that gives its path relative to the component root (`/v2/monitor/…`): the ESB serves it
    /// under `/api/c/compapi`.
    pub(super) fn add_esb_prefix(&mut self, flavor: Flavor, file: &str, diags: &mut Vec<Diagnostic>) {
        let Some((p, line)) = &mut self.path else { return };
        // `//v2/gsekit/…`: an empty segment is a slip of the doc (no server routes it), not part of the route.
        if p.contains("//") {
            let collapsed = format!("/{}", p.split('/').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/"));
            let collapsed = if p.ends_with('/') && collapsed != "/" { format!("{collapsed}/") } else { collapsed };
            diags.push(Diagnostic::warning(
                file,
                *line,
                format!("the doc's path `{p}` has an empty segment; read as `{collapsed}`"),
            ));
            *p = collapsed;
        }
        if flavor == Flavor::Esb && p.starts_with("/v2/") {
            *p = format!("{}{p}", crate::read::locate::ESB_PREFIX);
        }
    }

    /// Method and path: the doc's, unless the metadata gives them (recorded as corrections). `doc_path` is the
    /// doc's own path.
    pub(super) fn apply_metadata(
        &mut self,
        m: &ApiMeta,
        meta_source: &MetaSource<'_>,
        options: LowerOptions,
        doc_path: Option<&str>,
        corrections: &mut Vec<Correction>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if let Some(word) = &m.method {
            match HttpMethod::parse(word) {
                Some(mm) => {
                    if self.method != Some(mm) {
                        corrections.push(Correction {
                            target: "method".into(),
                            doc_says: self.method.map_or("(not stated)".into(), |x| x.as_str().to_string()),
                            corrected: mm.as_str().to_string(),
                            reason: m.reason.clone().unwrap_or_default(),
                            by_example: None,
                            contradiction: crate::ir::Contradiction::TypeMismatch,
                            line: 0,
                        });
                    }
                    self.method = Some(mm);
                }
                None => diags.push(Diagnostic::error(
                    meta_source.path,
                    meta_source.line_of(word),
                    format!("`{word}` is not an HTTP method"),
                )),
            }
        }
        if options.apply_corrections
            && let Some(p) = &m.path
        {
            if doc_path != Some(p.as_str()) {
                corrections.push(Correction {
                    target: "path".into(),
                    doc_says: doc_path.map_or_else(|| "(not stated)".into(), str::to_string),
                    corrected: p.clone(),
                    reason: m.reason.clone().unwrap_or_default(),
                    by_example: None,
                    contradiction: crate::ir::Contradiction::TypeMismatch,
                    line: 0,
                });
            }
            self.path = Some((p.clone(), 0));
        } else if doc_path.is_none()
            && let Some(p) = &m.path
        {
            self.path = Some((p.clone(), 0));
        }
    }

    /// What a manifest beside the docs says: the path when the doc has none (a different one is warned about
    /// unless it is only the ESB convention's), the method when nothing else gave one.
    pub(super) fn apply_beside(
        &mut self,
        found: &Route,
        doc_path: Option<&str>,
        file: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        match &self.path {
            None => self.path = Some((found.path.clone(), 0)),
            Some((p, line))
                if !found.by_convention() && p.trim_end_matches('/') != found.path.trim_end_matches('/') =>
            {
                diags.push(Diagnostic::warning(
                    file,
                    *line,
                    format!(
                        "the doc's path `{p}` differs from `{}` in {}; the doc's is used",
                        found.path, found.origin
                    ),
                ));
            }
            Some(_) => {}
        }
        if self.method.is_none() {
            self.method = found.method;
        }
        if found.by_words() && doc_path.is_none() {
            diags.push(
                Diagnostic::warning(file, 1, format!("method and path taken from {}", found.origin))
                    .with_help("if that is another API, give this one's `method` and `path` in bkapi.toml"),
            );
        } else if found.method.is_none() && doc_path.is_none() {
            diags.push(Diagnostic::warning(file, 1, format!("path `{}` taken from {}", found.path, found.origin)));
        }
    }

    /// A path but no method from anywhere: guessed (see [`guess_method`]), with a warning.
    pub(super) fn guess_missing_method(
        &mut self,
        api_name: &str,
        query_examples: bool,
        meta_source: &MetaSource<'_>,
        file: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        if self.method.is_none()
            && let Some((p, _)) = &self.path
        {
            let guess = guess_method(api_name, query_examples);
            diags.push(
                Diagnostic::warning(
                    file,
                    1,
                    format!("no HTTP method for `{p}`; guessed {} from the API's name and examples", guess.as_str()),
                )
                .with_help(format!("add `method` to `[apis.{api_name}]` in {}", meta_source.path)),
            );
            self.method = Some(guess);
        }
    }

    /// Method and path, or `None` with an error diagnostic when either is still unknown.
    pub(super) fn located(
        self,
        api_name: &str,
        meta_source: &MetaSource<'_>,
        file: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(HttpMethod, String)> {
        match (self.method, self.path) {
            (Some(m), Some((p, _))) => Some((m, p)),
            _ => {
                diags.push(
                    Diagnostic::error(
                        file,
                        1,
                        "no HTTP method and path: the doc has no `请求地址`/`请求方法` section or `METHOD /path` line, \
                         and no manifest beside it names this API",
                    )
                    .with_help(format!("add `[apis.{api_name}]` with `method` and `path` to {}", meta_source.path)),
                );
                None
            }
        }
    }
}

/// `POST /path` on one line.
pub(super) fn request_line(text: &str) -> Option<(HttpMethod, String)> {
    let mut words = text.split_whitespace();
    let method = HttpMethod::parse(words.next()?)?;
    let path = words.next()?;
    if words.next().is_some() || !path.starts_with('/') {
        return None;
    }
    Some((method, path.to_string()))
}

/// A path from an address section: a bare path, or a URL whose path is taken.
fn address_path(text: &str) -> Option<String> {
    let word = text.split_whitespace().find(|w| w.contains('/'))?;
    let word = word.trim_matches(|c: char| c == '`' || c == '"');
    if word.starts_with('/') {
        return Some(word.to_string());
    }
    let after_scheme = word.split_once("://").map(|(_, rest)| rest)?;
    after_scheme.find('/').and_then(|i| after_scheme.get(i..)).map(str::to_string)
}

/// ESB components take GET or POST; lookups (`get_…`, `list_…`) and docs whose example is a query string are GET.
fn guess_method(api_name: &str, query_string_example: bool) -> HttpMethod {
    let lookup = ["get_", "list_", "search_", "query_", "fetch_", "check_"].iter().any(|p| api_name.starts_with(p));
    if lookup || query_string_example { HttpMethod::Get } else { HttpMethod::Post }
}
