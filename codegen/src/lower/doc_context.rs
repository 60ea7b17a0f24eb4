//! What the passes share while one doc is lowered: the doc, its section roles, the definition sections by name
//! and path, the shared pages, and the diagnostics so far. Passes that read sections add their methods to it
//! (`nested`, `params`, `find_examples`, `tables`).

use std::collections::{HashMap, HashSet};

use super::heading_names::definition_names;
use super::sections;
use super::sections::SectionKind;
use crate::diagnostics::Diagnostic;
use crate::read::doc::Document;

/// State of one doc's lowering, shared by the passes.
pub(super) struct DocContext<'a> {
    pub(super) doc: &'a Document,
    /// The file diagnostics point into: the doc's, or a shared page's while one of its sections is read.
    pub(super) file: &'a str,
    /// Pages of shared definitions: their sections are numbered after the doc's own, in page order.
    pub(super) shared: &'a [Document],
    /// Shared definition sections by normalized single name, consulted when the doc has none of that name.
    pub(super) shared_by_name: HashMap<String, Vec<usize>>,
    /// A shared page's section is being read: its rows refer to its own page first.
    pub(super) reading_shared: bool,
    pub(super) kinds: Vec<SectionKind>,
    /// Definition sections by normalized single name.
    pub(super) by_name: HashMap<String, Vec<usize>>,
    /// Definition sections that name dotted paths (`data.success & data.failed`).
    pub(super) by_path: Vec<(String, usize)>,
    /// Definition sections some field expanded: the others are reported as unused.
    pub(super) used: HashSet<usize>,
    /// Sections being expanded, innermost last: meeting one again is a recursive definition.
    pub(super) stack: Vec<usize>,
    /// Line of the table row being resolved: sections named twice are looked up after it.
    pub(super) near: u32,
    pub(super) diags: Vec<Diagnostic>,
    /// Keys with a dot in them that the doc's examples send (`"event.content"`), read once when a table first needs
    /// them: a row of that name is the key, not a path.
    literal_dotted_keys: Option<HashSet<String>>,
    /// Reading a gateway API's request: rows named like credentials (`bk_token`) are its parameters.
    pub(super) credentials_are_parameters: bool,
    /// The sections the request's tables took, and whether the response's envelope is being read: its `data`
    /// takes a section after it, or one the request did not take (the request's `#### data` describes the
    /// request's `data` parameter, not the response's data).
    pub(super) request_sections: HashSet<usize>,
    pub(super) reading_response_envelope: bool,
}

impl<'a> DocContext<'a> {
    pub(super) fn new(doc: &'a Document, shared: &'a [Document]) -> Self {
        let kinds = sections::section_roles(doc);
        let DefinitionIndex { by_name, by_path } = definition_index(doc, &kinds);
        let mut shared_by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut offset = doc.sections.len();
        for page in shared {
            let page_kinds = sections::section_roles(page);
            for (name, indices) in definition_index(page, &page_kinds).by_name {
                shared_by_name.entry(name).or_default().extend(indices.into_iter().map(|i| i + offset));
            }
            offset += page.sections.len();
        }
        DocContext {
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
            literal_dotted_keys: None,
            credentials_are_parameters: false,
            request_sections: HashSet::new(),
            reading_response_envelope: false,
        }
    }

    /// The keys with a dot in them that some JSON block of the doc sends, at any depth.
    pub(super) fn literal_dotted_keys(&mut self) -> &HashSet<String> {
        let doc = self.doc;
        self.literal_dotted_keys.get_or_insert_with(|| {
            let mut keys = HashSet::new();
            for code in doc.sections.iter().flat_map(|s| s.code_blocks()) {
                if let Some(value) = crate::read::example_json::read(code.text.trim()).value {
                    dotted_keys(&value, &mut keys);
                }
            }
            keys
        })
    }
}

fn dotted_keys(value: &serde_json::Value, out: &mut HashSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                if key.contains('.') {
                    out.insert(key.clone());
                }
                dotted_keys(inner, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| dotted_keys(v, out)),
        _ => {}
    }
}

/// Definition sections by name (`server`, also `repeat` of `重复事项配置信息（repeat）`) and by dotted path
/// (`data.success & data.failed`): where fields look for their objects.
pub(super) struct DefinitionIndex {
    pub(super) by_name: HashMap<String, Vec<usize>>,
    pub(super) by_path: Vec<(String, usize)>,
}

pub(super) fn definition_index(doc: &Document, kinds: &[SectionKind]) -> DefinitionIndex {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_path = Vec::new();
    for (i, s) in doc.sections.iter().enumerate() {
        if kinds.get(i) != Some(&SectionKind::Definition) {
            continue;
        }
        for part in definition_names(&s.title) {
            if part.contains('.') {
                by_path.push((part, i));
            } else {
                by_name.entry(part).or_default().push(i);
            }
        }
    }
    DefinitionIndex { by_name, by_path }
}
