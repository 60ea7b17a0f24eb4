//! Stage 2: doc model + metadata → one API's typed tree (this module), then the system's type space
//! ([`crate::lower::typespace`]). All BlueKing doc conventions live here: section names, table columns, references
//! between sections, envelopes, where examples are.
//!
//! [`lower_api`] runs the passes in order, one module each: `sections` (what each heading is), `endpoint`
//! (summary, method, path), `params` over `tables` and `nested` (request and response fields, the sections
//! they refer to), `find_examples`, `corrections` (metadata), `paging` (a page of the documented items),
//! `inference` (what the examples settle, keys only they show), `same_key_types` (such keys that a row elsewhere
//! describes).

mod corrections;
mod doc_context;
mod endpoint;
mod find_examples;
mod heading_names;
mod inference;
mod list_body;
mod nested;
mod paging;
mod params;
mod path_params;
mod placement;
mod same_key_types;
mod sections;
mod spellings;
mod tables;
#[cfg(test)]
mod tests;
mod titled_tables;
mod translations;
mod tree;
pub mod typespace;

use crate::diagnostics::Diagnostic;
use crate::ir::{Correction, Flavor, Paging};
use crate::read::doc::Document;
use crate::read::locate::Route;
use crate::read::metadata::ApiMeta;
pub use nested::MAX_NESTED_SECTIONS;
pub use sections::is_definitions_page;
pub use spellings::one_field_per_spelling;
pub use tables::is_retirement_notice;
pub use translations::merge_translation;
// Re-exported: `load.rs` compares API names as `lower::camel_ident`.
pub use crate::naming::camel_ident;
use doc_context::DocContext;
pub use tree::{ApiDraft, EnumNode, FieldNode, ObjectNode, Ty};

#[derive(Debug, Clone, Copy)]
pub struct LowerOptions {
    /// Apply the corrections of the metadata. Off, the IR shows exactly what the doc claims.
    pub apply_corrections: bool,
}

impl Default for LowerOptions {
    fn default() -> Self {
        LowerOptions { apply_corrections: true }
    }
}

/// Where the metadata for an API came from, for diagnostics that point into it.
#[derive(Debug, Clone, Copy)]
pub struct MetaSource<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

impl MetaSource<'_> {
    /// Line of the first occurrence of `needle` in the metadata file (1 if absent).
    pub fn line_of(&self, needle: &str) -> u32 {
        self.text.lines().position(|l| l.contains(needle)).and_then(|i| u32::try_from(i + 1).ok()).unwrap_or(1)
    }
}

/// What lies around a doc: what a manifest next to the docs says about its method and path, and the
/// folder's pages of shared definitions (`common.md`: `server`, `ip`, … that every doc refers to).
#[derive(Debug, Clone, Copy, Default)]
pub struct Surroundings<'a> {
    pub beside: Option<&'a Route>,
    pub shared: &'a [Document],
    /// The component list beside the doc when it names no such API: a route from the ESB path convention is
    /// then a guess (drift `D012`).
    pub unlisted_in: Option<&'a str>,
}

/// One doc to lower, with everything around it: its API's name, the system's flavor, its metadata and where
/// that is, the files beside it, the folder's pages of shared definitions.
#[derive(Debug, Clone, Copy)]
pub struct LowerInput<'a> {
    pub doc: &'a Document,
    pub api_name: &'a str,
    pub flavor: Flavor,
    pub meta: Option<&'a ApiMeta>,
    pub meta_source: MetaSource<'a>,
    pub around: Surroundings<'a>,
    pub options: LowerOptions,
}

impl<'a> LowerInput<'a> {
    /// A doc of an ESB system without metadata or anything around it (tests, benchmarks).
    pub fn new(doc: &'a Document, api_name: &'a str) -> Self {
        LowerInput {
            doc,
            api_name,
            flavor: Flavor::Esb,
            meta: None,
            meta_source: MetaSource { path: "bkapi.toml", text: "" },
            around: Surroundings::default(),
            options: LowerOptions::default(),
        }
    }
}

/// Lowers one document, with what lies around it.
/// Returns `None` (with an error diagnostic) when the document describes no API at all.
///
/// The passes run in a fixed order, and their diagnostics and corrections are reported in that order.
pub fn lower_api(input: LowerInput<'_>) -> (Option<ApiDraft>, Vec<Diagnostic>) {
    let LowerInput { doc, api_name, flavor, meta, meta_source, around, options } = input;
    let split = titled_tables::split_titled_tables(doc);
    let doc = split.as_ref().unwrap_or(doc);
    let meta_source = &meta_source;
    let beside = around.beside;
    let mut cx = DocContext::new(doc, around.shared);
    let file = doc.path.as_str();
    let camel = camel_ident(api_name);

    let (summary, summary_line, mut endpoint) = endpoint::stated_in_doc(doc, &cx.kinds, api_name);
    // A gateway takes the caller's credentials in `X-Bkapi-Authorization` only: a `bk_token` row of a gateway
    // API's request is the API's own parameter (bk-login's `verify_bk_token` checks the token it is given, the API
    // gateway's `v2_open_list_mcp_server_app_permissions` lists the permissions of the app it is given), where an
    // ESB doc's rows (or a table that lists the app's secret) describe the arguments the client sends every call.
    cx.credentials_are_parameters = flavor == Flavor::Gateway;
    let mut request = cx.request_object(&camel, &summary);
    cx.credentials_are_parameters = false;
    cx.request_sections = cx.used.clone();
    let documented = cx.documented_response(flavor);
    let found = cx.find_examples(&request.fields);
    let mut examples = found.examples;
    let list_body = list_body::as_list_body(&mut request, &mut examples);
    let mut documented_ty = documented.ty;
    cx.place_by_keys(&examples, &mut request, &mut documented_ty);

    endpoint.add_esb_prefix(flavor, file, &mut cx.diags);
    let doc_path = endpoint.path.clone().map(|(p, _)| p);
    let mut corrections: Vec<Correction> = Vec::new();
    if let Some(m) = meta {
        endpoint.apply_metadata(m, meta_source, options, doc_path.as_deref(), &mut corrections, &mut cx.diags);
    }
    let mut unconfirmed_route = None;
    if let Some(manifest) = beside {
        let unstated = endpoint.path.is_none();
        endpoint.apply_beside(manifest, doc_path.as_deref(), file, &mut cx.diags);
        if let (true, true, Some(list)) = (unstated, manifest.by_convention(), around.unlisted_in) {
            let why = format!(
                "{list} (the system's component list) names no component `{api_name}` and the doc states no route: \
                 `{}` is a guess from {}",
                manifest.path, manifest.origin
            );
            cx.diags.push(
                Diagnostic::warning(file, 1, why.clone())
                    .with_code(crate::diagnostics::codes::ROUTE_UNCONFIRMED, format!("route: {}", manifest.path))
                    .with_help(format!(
                        "give the API's `method` and `path` in {} when you know them (the manifest line as the reason)",
                        meta_source.path
                    )),
            );
            unconfirmed_route = Some(why);
        }
    }
    endpoint.guess_missing_method(api_name, found.query_examples, meta_source, file, &mut cx.diags);
    if !sections::has_param_sections(&cx.kinds) && examples.is_empty() && request.fields.is_empty() {
        cx.diags.push(
            Diagnostic::error(file, 1, "no parameter table and no example: this does not read as an API doc")
                .with_help("API docs have `请求参数` / `返回结果` sections with tables, or JSON examples"),
        );
        return (None, cx.diags);
    }
    let route = endpoint.located(api_name, meta_source, file, &mut cx.diags);
    if let Some(template) = &doc_path {
        let aliases = meta.map(|m| &m.path_param_aliases);
        find_examples::merge_request_lines(template, aliases, &found.request_lines, &mut examples, file, &mut cx.diags);
    }

    let mut response = documented_ty;
    if let Some(m) = meta
        && options.apply_corrections
    {
        corrections::apply_metadata_corrections(
            m,
            &mut request,
            &mut response,
            &documented.data_word,
            &mut corrections,
            &mut cx.diags,
            meta_source,
        );
    }
    let credential_parameters = crate::ir::credential_parameters(request.fields.iter().map(|f| f.name.as_str()));
    let sides = find_examples::example_sides(&examples, &credential_parameters);
    let mut response = params::response_type(response, &examples, &sides, &camel, file, &mut cx.diags);
    // A field the doc describes twice (a path row and a heading, or two spellings) is one, before examples settle it.
    cx.diags.extend(spellings::merge_spellings(&mut request, &mut response, file));
    // Before the examples settle the rest: a page must not be read as one of its items.
    let page_response = paging::page_response(&mut response, &examples, &camel, &mut corrections);
    inference::settle_by_examples(&sides, &mut request, &mut response, documented.data_line, &mut corrections);
    // After the examples settled the fields: a body example does not carry the path.
    if let Some((_, path)) = &route {
        path_params::bind_placeholders(path, &mut request, file, &mut cx.diags);
    }
    same_key_types::type_from_known_rows(&same_key_types::known_rows(doc), &sides, &mut request, &mut response);
    same_key_types::type_untyped_from_same_keys(&sides, &mut request, &mut response);
    same_key_types::untype_where_shapes_differ(&sides, &mut request, &mut response);
    if let Some(m) = meta
        && options.apply_corrections
    {
        let mut settled = Some(std::mem::replace(&mut response, Ty::Scalar(crate::ir::Type::Json)));
        corrections::keep_untyped_corrections(m, &mut request, &mut settled, &documented.data_word, meta_source);
        response = settled.unwrap_or(Ty::Scalar(crate::ir::Type::Json));
    }
    let page_request = paging::page_request(&request);
    let max_page_size = page_request.as_ref().and_then(|page| paging::max_page_size(&request, page));
    let paging = Paging { request: page_request, response: page_response, max_page_size };
    cx.warn_unused_definitions();

    let draft = ApiDraft {
        table_keys: tables::table_keys(doc),
        request_section: cx.request_section(),
        paging,
        unconfirmed_route,
        list_body,
        idempotent: meta.is_some_and(|m| m.idempotent.is_some()),
        name: api_name.to_string(),
        aliases: Vec::new(),
        source: doc.path.clone(),
        summary,
        summary_line,
        route,
        one_of: tables::one_of_groups(&request.fields),
        request,
        response,
        envelope: documented.envelope,
        examples,
        corrections,
        language: String::new(),
        translations: Vec::new(),
    };
    (Some(draft), cx.diags)
}
