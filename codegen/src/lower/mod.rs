//! Stage 2: doc model + metadata → one API's typed tree (this module), then the system's type space
//! ([`crate::lower::typespace`]). All BlueKing doc conventions live here: section names, table columns, references
//! between sections, envelopes, where examples are.
//!
//! [`lower_api`] runs the passes in order, one module each: `sections` (what each heading is), `endpoint`
//! (summary, method, path), `params` over `tables` and `nested` (request and response fields, the sections
//! they refer to), `find_examples`, `corrections` (metadata), `paging` (a page of the documented items),
//! `inference` (what the examples settle, keys only they show), `known_names` (such keys that a row elsewhere
//! describes).

mod corrections;
mod endpoint;
mod find_examples;
mod inference;
mod known_names;
mod nested;
mod paging;
mod params;
mod path_params;
mod sections;
mod tables;
#[cfg(test)]
mod tests;
mod translations;
pub mod typespace;

use std::collections::{HashMap, HashSet};

use crate::diagnostics::Diagnostic;
use crate::ir::{
    Correction, DocumentedValue, EnumRepr, EnumValue, Example, Flavor, HttpMethod, Paging, ParamLocation, Type,
};
use crate::read::doc::Document;
use crate::read::locate::Location;
use crate::read::metadata::ApiMeta;
pub use nested::MAX_NESTED_SECTIONS;
pub use sections::is_definitions_page;
pub use translations::merge_translation;
// Re-exported: `load.rs` compares API names as `lower::camel_ident`.
pub use crate::naming::camel_ident;
use sections::SectionKind;

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

/// A type as one API's doc describes it, before naming and deduplication across the system.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Scalar(Type),
    Array(Box<Ty>),
    Map(Box<Ty>),
    Object(ObjectNode),
    Enum(EnumNode),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectNode {
    /// Candidate type name (UpperCamelCase).
    pub name: String,
    pub doc: String,
    pub line: u32,
    pub fields: Vec<FieldNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumNode {
    pub name: String,
    pub doc: String,
    pub line: u32,
    pub values: Vec<EnumValue>,
    pub repr: EnumRepr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldNode {
    pub name: String,
    pub ty: Ty,
    pub required: bool,
    pub doc: String,
    pub line: u32,
    pub type_word: String,
    pub location: ParamLocation,
    pub documented_values: Vec<DocumentedValue>,
    pub inferred: bool,
    /// No table of the doc names the field: the example at this line sends it.
    pub from_example: Option<u32>,
    pub secret: bool,
    pub base64: bool,
    pub deprecated: bool,
}

impl FieldNode {
    /// A field the generator infers (from an example, a heading, a page): optional, in the body, no doc yet.
    fn inferred(name: &str, ty: Ty, line: u32) -> Self {
        FieldNode {
            name: name.to_string(),
            ty,
            required: false,
            doc: String::new(),
            line,
            type_word: String::new(),
            location: ParamLocation::Body,
            documented_values: Vec::new(),
            inferred: true,
            from_example: None,
            secret: false,
            base64: false,
            deprecated: false,
        }
    }
}

impl ObjectNode {
    /// The object as a type: a table of just `key` and `value` (`value.ip`, `value.bk_cloud_id` …) describes a
    /// map from the key to the value's type (`{"0:10.0.0.1": {…}}`), not an object with those two fields.
    fn into_ty(self) -> Ty {
        let is_key_value = self.fields.len() == 2
            && self.fields.iter().any(|f| f.name == "key")
            && self.fields.iter().any(|f| f.name == "value");
        if !is_key_value {
            return Ty::Object(self);
        }
        let value = self.fields.into_iter().find(|f| f.name == "value").map_or(Ty::Scalar(Type::Json), |f| f.ty);
        let value = match value {
            Ty::Object(mut o) if !self.name.is_empty() => {
                o.name = format!("{}Value", self.name);
                Ty::Object(o)
            }
            other => other,
        };
        Ty::Map(Box::new(value))
    }
}

/// One API, lowered but not yet placed into its system's type space.
#[derive(Debug, Clone)]
pub struct ApiDraft {
    pub name: String,
    pub source: String,
    pub summary: String,
    /// Method and path; `None` when neither the doc, its metadata nor the files beside it say.
    pub location: Option<(HttpMethod, String)>,
    pub request: ObjectNode,
    pub response: Ty,
    pub envelope: Vec<FieldNode>,
    pub examples: Vec<Example>,
    pub corrections: Vec<Correction>,
    pub one_of: Vec<Vec<String>>,
    /// Every name the doc's tables give (last segment of dotted names), sorted: what "documented" means when
    /// measuring which example values the types lose.
    pub table_keys: Vec<String>,
    /// How the API pages, when its request or response shows it.
    pub paging: Paging,
    /// Line of the doc's request parameter section, when it has one.
    pub request_section: Option<u32>,
    /// The doc's language (`zh_hans`, `en`), and the API's docs in other languages once merged.
    pub language: String,
    pub translations: Vec<crate::ir::Translation>,
}

/// Where the metadata for an API came from, for diagnostics that point into it.
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
    pub beside: Option<&'a Location>,
    pub shared: &'a [Document],
}

/// State of one doc's lowering, shared by the passes.
struct Ctx<'a> {
    doc: &'a Document,
    /// The file diagnostics point into: the doc's, or a shared page's while one of its sections is read.
    file: &'a str,
    /// Pages of shared definitions: their sections are numbered after the doc's own, in page order.
    shared: &'a [Document],
    /// Shared definition sections by normalized single name, consulted when the doc has none of that name.
    shared_by_name: HashMap<String, Vec<usize>>,
    /// A shared page's section is being read: its rows refer to its own page first.
    reading_shared: bool,
    kinds: Vec<SectionKind>,
    /// Definition sections by normalized single name.
    by_name: HashMap<String, Vec<usize>>,
    /// Definition sections that name dotted paths (`data.success & data.failed`).
    by_path: Vec<(String, usize)>,
    /// Definition sections some field expanded: the others are reported as unused.
    used: HashSet<usize>,
    /// Sections being expanded, innermost last: meeting one again is a recursive definition.
    stack: Vec<usize>,
    /// Line of the table row being resolved: sections named twice are looked up after it.
    near: u32,
    diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new(doc: &'a Document, shared: &'a [Document]) -> Self {
        let kinds = sections::section_roles(doc);
        let nested::DefinitionIndex { by_name, by_path } = nested::definition_index(doc, &kinds);
        let mut shared_by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut offset = doc.sections.len();
        for page in shared {
            let page_kinds = sections::section_roles(page);
            for (name, indices) in nested::definition_index(page, &page_kinds).by_name {
                shared_by_name.entry(name).or_default().extend(indices.into_iter().map(|i| i + offset));
            }
            offset += page.sections.len();
        }
        Ctx {
            doc,
            file: &doc.path,
            shared,
            shared_by_name,
            reading_shared: false,
            kinds,
            by_name,
            by_path,
            used: HashSet::new(),
            stack: Vec::new(),
            near: 0,
            diags: Vec::new(),
        }
    }
}

/// Lowers one document, with what lies around it.
/// Returns `None` (with an error diagnostic) when the document describes no API at all.
///
/// The passes run in a fixed order, and their diagnostics and corrections are reported in that order.
pub fn lower_api(
    doc: &Document,
    api_name: &str,
    flavor: Flavor,
    meta: Option<&ApiMeta>,
    meta_source: &MetaSource<'_>,
    around: Surroundings<'_>,
    options: LowerOptions,
) -> (Option<ApiDraft>, Vec<Diagnostic>) {
    let beside = around.beside;
    let mut cx = Ctx::new(doc, around.shared);
    let file = doc.path.as_str();
    let camel = camel_ident(api_name);

    let (summary, mut endpoint) = endpoint::stated_in_doc(doc, &cx.kinds, api_name);
    let mut request = cx.request_object(&camel, &summary);
    let documented = cx.documented_response(flavor);
    let found = cx.find_examples(&request.fields);
    let mut examples = found.examples;

    endpoint.add_esb_prefix(flavor);
    let doc_path = endpoint.path.clone().map(|(p, _)| p);
    let mut corrections: Vec<Correction> = Vec::new();
    if let Some(m) = meta {
        endpoint.apply_metadata(m, meta_source, options, doc_path.as_deref(), &mut corrections, &mut cx.diags);
    }
    if let Some(manifest) = beside {
        endpoint.apply_beside(manifest, doc_path.as_deref(), file, &mut cx.diags);
    }
    endpoint.guess_missing_method(api_name, found.query_examples, meta_source, file, &mut cx.diags);
    if !sections::has_param_sections(&cx.kinds) && examples.is_empty() && request.fields.is_empty() {
        cx.diags.push(
            Diagnostic::error(file, 1, "no parameter table and no example: this does not read as an API doc")
                .with_help("API docs have `请求参数` / `返回结果` sections with tables, or JSON examples"),
        );
        return (None, cx.diags);
    }
    let location = endpoint.located(api_name, meta_source, file, &mut cx.diags);
    if let Some(template) = &doc_path {
        let aliases = meta.map(|m| &m.path_param_aliases);
        find_examples::merge_request_lines(template, aliases, &found.request_lines, &mut examples, file, &mut cx.diags);
    }

    let mut response = documented.ty;
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
    let mut response = params::response_type(response, &examples, &camel, file, &mut cx.diags);
    // Before the examples settle the rest: a page must not be read as one of its items.
    let page_response = paging::page_response(&mut response, &examples, &camel, &mut corrections);
    inference::settle_by_examples(&examples, &mut request, &mut response, documented.data_line, &mut corrections);
    // After the examples settled the fields: a body example does not carry the path.
    if let Some((_, path)) = &location {
        path_params::bind_placeholders(path, &mut request, file, &mut cx.diags);
    }
    let sides = known_names::example_sides(&examples);
    known_names::type_from_known_rows(&known_names::known_rows(doc), &sides, &mut request, &mut response);
    known_names::type_untyped_from_same_keys(&sides, &mut request, &mut response);
    let page_request = paging::page_request(&request);
    let max_page_size = page_request.as_ref().and_then(|page| paging::max_page_size(&request, page));
    let paging = Paging { request: page_request, response: page_response, max_page_size };
    cx.warn_unused_definitions();

    let draft = ApiDraft {
        table_keys: tables::table_keys(doc),
        request_section: cx.request_section(),
        paging,
        name: api_name.to_string(),
        source: doc.path.clone(),
        summary,
        location,
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
