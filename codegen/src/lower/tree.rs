//! The typed tree one API's doc lowers to (its request object, response type, envelope, examples), before the
//! system's type space names and shares its types.

use crate::ir::{Correction, DocumentedValue, EnumRepr, EnumValue, Example, HttpMethod, Paging, ParamLocation, Type};

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
    /// Placed by its keys, not by a name (see `lower::placement`): the line of the example whose keys it matched.
    pub placed_by_keys: Option<u32>,
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
    pub(super) fn inferred(name: &str, ty: Ty, line: u32) -> Self {
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
    pub(super) fn into_ty(self) -> Ty {
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
    /// The doc's own name for the API, when it is published under another (see `ir::Api::aliases`).
    pub aliases: Vec<String>,
    pub source: String,
    pub summary: String,
    /// The summary's line in the doc; 0 when the doc has none (the summary is then the API's name).
    pub summary_line: u32,
    /// Method and path; `None` when neither the doc, its metadata nor the files beside it say.
    pub route: Option<(HttpMethod, String)>,
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
    /// Why the route is a guess no source confirms (see `ir::Api::unconfirmed_route`).
    pub unconfirmed_route: Option<String>,
    /// The request field whose value is the whole body (see `ir::Api::list_body`).
    pub list_body: Option<String>,
    /// The metadata says calling it again is safe.
    pub idempotent: bool,
    /// Line of the doc's request parameter section, when it has one.
    pub request_section: Option<u32>,
    /// The doc's language (`zh_hans`, `en`), and the API's docs in other languages once merged.
    pub language: String,
    pub translations: Vec<crate::ir::Translation>,
}

impl ApiDraft {
    /// Renumbers every doc line the draft records (of its types, fields, values, examples and corrections):
    /// a template's composed text back to the doc's own lines (see [`crate::read::template`]). Line 0 means
    /// "no line" and stays.
    pub fn map_lines(&mut self, map: &dyn Fn(u32) -> u32) {
        let lines = LineMap(map);
        lines.object(&mut self.request);
        lines.ty(&mut self.response);
        self.envelope.iter_mut().for_each(|f| lines.field(f));
        self.examples.iter_mut().for_each(|e| lines.line(&mut e.line));
        for c in &mut self.corrections {
            lines.line(&mut c.line);
            c.by_example.iter_mut().for_each(|l| lines.line(l));
        }
        self.request_section.iter_mut().for_each(|l| lines.line(l));
        lines.line(&mut self.summary_line);
    }
}

struct LineMap<'a>(&'a dyn Fn(u32) -> u32);

impl LineMap<'_> {
    fn line(&self, line: &mut u32) {
        if *line != 0 {
            *line = (self.0)(*line);
        }
    }

    fn ty(&self, ty: &mut Ty) {
        match ty {
            Ty::Scalar(_) => {}
            Ty::Array(inner) | Ty::Map(inner) => self.ty(inner),
            Ty::Object(o) => self.object(o),
            Ty::Enum(e) => {
                self.line(&mut e.line);
                e.values.iter_mut().for_each(|v| self.line(&mut v.line));
            }
        }
    }

    fn object(&self, o: &mut ObjectNode) {
        self.line(&mut o.line);
        o.placed_by_keys.iter_mut().for_each(|l| self.line(l));
        o.fields.iter_mut().for_each(|f| self.field(f));
    }

    fn field(&self, f: &mut FieldNode) {
        self.line(&mut f.line);
        f.from_example.iter_mut().for_each(|l| self.line(l));
        self.ty(&mut f.ty);
    }
}
