//! The pipeline's passes up to the lowered docs: metadata, unreadable docs, flavor, pages of shared
//! definitions, docs that are no API, and each doc lowered (in parallel, a panic contained per doc).

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use rayon::prelude::*;

use super::{DocOutcome, DocStatus, DocText, LoweredApi, Report, SystemInput, api_name_of};
use crate::diagnostics::Diagnostic;
use crate::ir::Flavor;
use crate::lower::{ApiDraft, LowerInput, LowerOptions, MetaSource, Surroundings, lower_api};
use crate::read::discover::is_template;
use crate::read::doc::Document;
use crate::read::locate::{Match, Route};
use crate::read::markdown;
use crate::read::metadata::{self, SystemMeta};
use crate::read::template::{self, Composed};

/// A system's metadata as parsed, with where it is (for diagnostics that point into it).
pub(super) struct Meta {
    pub(super) meta: SystemMeta,
    text: String,
    pub(super) display: String,
    present: bool,
}

impl Meta {
    pub(super) fn source(&self) -> MetaSource<'_> {
        MetaSource { path: &self.display, text: &self.text }
    }
}

pub(super) fn parse_metadata(input: &SystemInput, out: &mut Report) -> Meta {
    let display = input.display(&input.set.home().join(metadata::FILE_NAME));
    let present = input.set.meta_text.is_some();
    let text = input.set.meta_text.clone().unwrap_or_default();
    let meta = match metadata::parse(&text) {
        Ok(m) => m,
        Err(e) => {
            out.diagnostics.push(Diagnostic::error(&display, 1, format!("invalid metadata: {e}")));
            SystemMeta::default()
        }
    };
    Meta { meta, text, display, present }
}

/// One file in another encoding is that doc's problem, not the tree's.
pub(super) fn report_unreadable(input: &SystemInput, out: &mut Report) {
    for doc in &input.unreadable {
        let file = input.display(&doc.path);
        let message = format!("not UTF-8 (invalid byte at offset {}): the doc was not read", doc.offset);
        out.diagnostics.push(
            Diagnostic::error(&file, doc.line, message)
                .with_help("BlueKing docs are UTF-8; convert it (`iconv -f GB18030 -t UTF-8`)"),
        );
        let api = api_name_of(&doc.path).unwrap_or_default();
        out.docs.push(DocOutcome::new(file, doc.path.clone(), &input.set.system, api, DocStatus::Failed));
    }
}

pub(super) fn system_flavor(input: &SystemInput, meta: &Meta, out: &mut Report) -> Flavor {
    let set = &input.set;
    let manifest = set.folders.iter().find_map(|f| f.manifests.first());
    match (meta.meta.flavor, manifest) {
        (Some(f), _) => f,
        (None, Some(m)) => m.flavor,
        (None, None) if set.folders.iter().any(|f| f.esb_convention.is_some()) => Flavor::Esb,
        (None, None) => {
            // Gateway docs describe the `X-Bkapi-Authorization` header; ESB docs the common args.
            let gateway = input
                .docs
                .iter()
                .any(|t| t.text.contains("X-Bkapi-Authorization") || t.text.contains("bkapi_authorization"));
            if meta.present {
                out.diagnostics.push(
                    Diagnostic::warning(&meta.display, 1, "no `flavor`; guessed from the docs")
                        .with_help("add `flavor = \"esb\"` or `flavor = \"gateway\"`"),
                );
            }
            if gateway { Flavor::Gateway } else { Flavor::Esb }
        }
    }
}

/// Each folder's pages of shared definitions (see [`crate::lower::is_definitions_page`]): docs without a
/// code block that neither metadata nor a manifest names as an API. One list per folder (at least one).
pub(super) fn definitions_pages(input: &SystemInput, meta: &Meta) -> Vec<Vec<Document>> {
    (0..input.set.folders.len().max(1)).map(|i| folder_definitions_pages(input, meta, i)).collect()
}

fn folder_definitions_pages(input: &SystemInput, meta: &Meta, index: usize) -> Vec<Document> {
    let manifests = input.set.folders.get(index).map_or(&[][..], |f| f.manifests.as_slice());
    input
        .docs
        .iter()
        .filter(|t| t.folder == index)
        .filter(|t| !t.text.contains("```") && !t.text.contains("~~~"))
        .filter(|t| {
            let Some(api) = api_name_of(&t.path) else { return false };
            let named = meta.meta.apis.keys().any(|k| *k == api) || manifests.iter().any(|m| m.find(&api).is_some());
            !named
        })
        .filter_map(|t| {
            let text = if is_template(&t.path) { compose_template(input, t).text } else { t.text.clone() };
            // Reading a page is lowering's first step: a panic here is one there (contained, reported).
            let file = input.display(&t.path);
            let doc = catch_unwind(AssertUnwindSafe(|| markdown::parse(&file, &text))).ok()?;
            crate::lower::is_definitions_page(&doc).then_some(doc)
        })
        .collect()
}

fn is_not_an_api(meta: &Meta, t: &DocText) -> bool {
    api_name_of(&t.path).and_then(|n| meta.meta.apis.get(&n)).is_some_and(|m| m.not_an_api.is_some())
}

pub(super) fn report_not_an_api(input: &SystemInput, meta: &Meta, out: &mut Report) {
    for t in input.docs.iter().filter(|t| is_not_an_api(meta, t)) {
        let api = api_name_of(&t.path).unwrap_or_default();
        let file = input.display(&t.path);
        out.docs.push(DocOutcome::new(file, t.path.clone(), &input.set.system, api, DocStatus::NotAnApi));
    }
}

/// Template fragments: each folder's templates that another doc of the folder includes by file name
/// (`{% include '_x.md.j2' %}`), as (folder, file name). Read once per system.
fn included_fragments(input: &SystemInput) -> HashSet<(usize, String)> {
    input
        .docs
        .iter()
        .flat_map(|t| {
            let own = t.path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            template::included_names(&t.text).filter(move |name| *name != own).map(|name| (t.folder, name.to_string()))
        })
        .collect()
}

fn is_included(fragments: &HashSet<(usize, String)>, t: &DocText) -> bool {
    let name = t.path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    is_template(&t.path) && fragments.contains(&(t.folder, name.to_string()))
}

/// A template doc as it renders: statements blanked, the fragments of its folder it includes spliced in.
pub(super) fn compose_template(input: &SystemInput, t: &DocText) -> Composed {
    let fragment = |name: &str| {
        let f = input.docs.iter().find(|d| d.folder == t.folder && d.path.file_name().is_some_and(|n| n == name))?;
        Some((input.display(&f.path), f.text.as_str()))
    };
    template::compose(&t.text, &fragment)
}

/// What lowering a composed template reports points at the fragment that says it; what the IR records points
/// at the doc's own lines (an included table at its include statement).
fn to_template_lines(composed: &Composed, file: &str, draft: Option<&mut ApiDraft>, diags: &mut [Diagnostic]) {
    for d in diags.iter_mut().filter(|d| d.file == file) {
        let (fragment, line) = composed.source(d.line);
        if let Some(fragment) = fragment {
            d.file = fragment.to_string();
        }
        d.line = line;
    }
    if let Some(draft) = draft {
        draft.map_lines(&|l| composed.doc_line(l));
    }
}

/// Lowers every doc that is an API's (not a page of definitions, not one the metadata rules out). Docs are
/// independent until the type space: lowered on every core, in their order.
pub(super) fn lower_docs(
    input: &SystemInput,
    meta: &Meta,
    flavor: Flavor,
    shared: &[Vec<Document>],
    options: LowerOptions,
    out: &mut Report,
) -> Vec<LoweredApi> {
    let set = &input.set;
    let meta_source = meta.source();
    let is_shared = |t: &DocText| shared.iter().flatten().any(|page| page.path == input.display(&t.path));
    let fragments = included_fragments(input);
    let results: Vec<_> = input
        .docs
        .par_iter()
        .filter(|t| !is_shared(t) && !is_not_an_api(meta, t) && !is_included(&fragments, t))
        .filter_map(|t| {
            let doc_name = api_name_of(&t.path)?;
            let file = input.display(&t.path);
            let published = published_as(input, meta, t, &doc_name);
            let api_name = published.name.clone();
            let pages = shared.get(t.folder).map_or(&[][..], Vec::as_slice);
            let result = catch_unwind(AssertUnwindSafe(|| {
                // A seam for the test that a panic in one doc is contained.
                #[cfg(test)]
                if t.text.contains("<!-- bkapi-test: panic -->") {
                    panic!("test panic");
                }
                let composed = is_template(&t.path).then(|| compose_template(input, t));
                let doc = markdown::parse(&file, composed.as_ref().map_or(t.text.as_str(), |c| c.text.as_str()));
                if crate::lower::is_retirement_notice(&doc) {
                    return (None, Vec::new(), true);
                }
                let around = Surroundings {
                    beside: published.beside.as_ref(),
                    shared: pages,
                    unlisted_in: t.unlisted_in.as_deref(),
                };
                let api_meta = meta.meta.apis.get(&api_name).or_else(|| meta.meta.apis.get(&doc_name));
                let input = LowerInput {
                    flavor,
                    meta: api_meta,
                    meta_source,
                    around,
                    options,
                    ..LowerInput::new(&doc, &api_name)
                };
                let (mut draft, mut diags) = lower_api(input);
                if let Some(d) = &mut draft
                    && doc_name != api_name
                {
                    d.aliases.push(doc_name.clone());
                }
                if let Some(composed) = composed.as_ref().filter(|c| c.includes_any()) {
                    to_template_lines(composed, &file, draft.as_mut(), &mut diags);
                }
                diags.extend(published.problem.clone());
                (draft, diags, false)
            }));
            Some((t.folder, t.path.clone(), file, api_name, result))
        })
        .collect();
    for page in shared.iter().flatten() {
        let api = api_name_of(Path::new(&page.path)).unwrap_or_default();
        let path = input.docs.iter().find(|t| input.display(&t.path) == page.path).map(|t| t.path.clone());
        let path = path.unwrap_or_default();
        out.docs.push(DocOutcome::new(page.path.clone(), path, &set.system, api, DocStatus::Definitions));
    }
    for t in input.docs.iter().filter(|t| !is_shared(t) && !is_not_an_api(meta, t) && is_included(&fragments, t)) {
        let api = api_name_of(&t.path).unwrap_or_default();
        let file = input.display(&t.path);
        out.docs.push(DocOutcome::new(file, t.path.clone(), &set.system, api, DocStatus::Included));
    }
    let mut lowered = Vec::new();
    for (folder, path, file, api_name, result) in results {
        let status = match result {
            Ok((_, _, true)) => DocStatus::Retired,
            Ok((draft, diags, false)) => {
                // A shared page's problems are met by every doc that refers to it: reported once.
                for d in diags {
                    let on_shared_page = shared.iter().flatten().any(|page| page.path == d.file);
                    if !(on_shared_page && out.diagnostics.contains(&d)) {
                        out.diagnostics.push(d);
                    }
                }
                match draft {
                    Some(mut d) if d.route.is_some() => {
                        d.language = set.folders.get(folder).map(|f| f.language.clone()).unwrap_or_default();
                        lowered.push(LoweredApi { folder, files: vec![d.source.clone()], draft: d });
                        DocStatus::Located
                    }
                    Some(_) => DocStatus::Unlocated,
                    None => DocStatus::Failed,
                }
            }
            Err(panic) => {
                out.diagnostics.push(panic_diagnostic(&file, panic.as_ref()));
                DocStatus::Panicked
            }
        };
        out.docs.push(DocOutcome::new(file, path, &set.system, api_name, status));
    }
    lowered
}

/// The name an API is published under, and its route beside the doc.
struct Published {
    name: String,
    beside: Option<Route>,
    /// The metadata's `component` names no manifest entry.
    problem: Option<Diagnostic>,
}

/// A manifest entry found for the doc's file name, or named by the metadata's `component`, gives the API its
/// published name (the ESB component's, the gateway `operationId`) and its route; the doc's name is then an
/// alias. A route from the ESB path convention names nothing: the doc's name stays.
fn published_as(input: &SystemInput, meta: &Meta, t: &DocText, doc_name: &str) -> Published {
    let component = meta.meta.apis.get(doc_name).and_then(|m| m.component.as_deref());
    let manifests = input.set.folders.get(t.folder).map_or(&[][..], |f| f.manifests.as_slice());
    let (beside, problem) = match component {
        Some(c) => match manifests.iter().find_map(|m| m.find_as(c, Match::Exact)) {
            Some(route) => (Some(route), None),
            None => {
                let at = meta.source().line_of(&format!("apis.{doc_name}"));
                let problem = Diagnostic::error(
                    &meta.display,
                    at,
                    format!("`component = \"{c}\"` for `{doc_name}`, but no manifest beside the doc lists `{c}`"),
                )
                .with_help("name an entry of the manifest (its `name`, or a gateway resource's `operationId`)");
                (t.beside.clone(), Some(problem))
            }
        },
        None => (t.beside.clone(), None),
    };
    let name = match &beside {
        Some(route) if !route.by_convention() && crate::naming::is_api_name(&route.name) => route.name.clone(),
        _ => doc_name.to_string(),
    };
    Published { name, beside, problem }
}

/// How the diagnostic of a contained panic starts.
pub(super) const PANIC_MESSAGE: &str = "internal error while reading this doc";

fn panic_diagnostic(file: &str, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_default();
    Diagnostic::error(file, 1, format!("{PANIC_MESSAGE}: {what}"))
        .with_help("this is a bug in bkapi-codegen; please report it with the doc")
}
