//! Nested sections: the definition section a field's object (or value list) comes from, found by reference
//! (`见 server 定义`, `list[duty_arrange]`, `规则列表(Rule)`), by dotted path (`#### data.success`) or by name
//! (`#### server`, `server_list` → `server`), and rows named `config.port` next to a row `config`.

use std::sync::LazyLock;

use regex::Regex;

use super::doc_context::DocContext;
use super::heading_names::definition_names;
use super::sections::SectionKind;
use super::tables::columns;
use super::tree::{EnumNode, FieldNode, ObjectNode, Ty};
use crate::diagnostics::Diagnostic;
use crate::ir::{EnumRepr, EnumValue, ParamLocation, Type};
use crate::naming::type_name;
use crate::read::doc::{Document, Section, Table, normalize_title};
use crate::read::type_words::{Shape, parse_type_word};

/// How deep sections may nest (`data` → `data.info` → …): each level is a call frame of lowering, so the limit
/// keeps a hostile doc from overflowing the stack of the thread that reads it. Real docs nest fewer than 10.
pub const MAX_NESTED_SECTIONS: usize = 32;

/// Names a section by reference in a description: `见server定义`, `定义见 ip`, `见下面file_source定义`, `see X`.
static REFERENCE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:见\s*(?:下面|下方|下文|下表)?\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:定义|说明|结构)|定义见\s*([A-Za-z_][A-Za-z0-9_.]*)|详见\s*([A-Za-z_][A-Za-z0-9_.]*)|(?i:see)\s+(?:the\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s+(?i:definition|below|section))",
    )
    .ok()
});

pub(super) fn find_reference(desc: &str) -> Option<String> {
    let re = REFERENCE.as_ref()?;
    let caps = re.captures(desc)?;
    caps.iter().skip(1).flatten().next().map(|m| m.as_str().trim_end_matches('.').to_string())
}

/// Identifiers in parentheses: `处理套餐列表(ActionRelation)` → `ActionRelation`.
fn parenthesized_identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(['(', '（']).skip(1).filter_map(|rest| {
        let inner = rest.split([')', '）']).next()?.trim();
        let ok = inner.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        ok.then_some(inner)
    })
}

/// The element of `list[duty_arrange]` / `list（agg）` when it is not a type word: the name of a section.
/// Also Go's `[]Filter`, and a type word that is itself a name (`| subject | subject |`).
fn element_name(type_word: &str) -> Option<String> {
    let type_word = type_word.trim();
    let is_identifier = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let inner = match type_word.strip_prefix("[]") {
        Some(go_element) => go_element.to_string(),
        None if is_identifier(type_word) => type_word.to_string(),
        None => {
            parenthesized_identifiers(&type_word.replace(['[', '<'], "(").replace([']', '>'], ")")).next()?.to_string()
        }
    };
    (is_identifier(&inner) && crate::read::type_words::parse_type_word(&inner).is_none()).then_some(inner)
}

impl<'a> DocContext<'a> {
    /// A section by number: the doc's own, then the shared pages' (see [`DocContext::shared_page`]).
    fn section(&self, i: usize) -> Option<&'a Section> {
        match self.shared_page(i) {
            None => self.doc.sections.get(i),
            Some((page, j)) => page.sections.get(j),
        }
    }

    /// The shared page a section number falls in, and the section's number there.
    fn shared_page(&self, i: usize) -> Option<(&'a Document, usize)> {
        let mut j = i.checked_sub(self.doc.sections.len())?;
        for page in self.shared {
            if j < page.sections.len() {
                return Some((page, j));
            }
            j -= page.sections.len();
        }
        None
    }

    fn first_table(&self, i: usize) -> Option<&'a Table> {
        self.section(i)?.tables().next()
    }

    /// The definition section of this name, from the page being read first (the doc, or a shared page while
    /// one of its sections is read), then the other.
    pub(super) fn section_by_name(&self, name: &str) -> Option<usize> {
        self.scopes().into_iter().find_map(|scope| self.by_name_in(name, scope))
    }

    /// The doc's own page first, unless a shared page's section is being read: its rows refer to its page.
    fn scopes(&self) -> [Scope; 2] {
        if self.reading_shared { [Scope::Shared, Scope::Own] } else { [Scope::Own, Scope::Shared] }
    }

    /// In the doc: a section that is not already being expanded (a field named like its own section) and has a
    /// table; of two sections with one name (`#### data` for the request and for the response), the first one
    /// after the row being resolved. In the shared pages: the first usable one.
    fn by_name_in(&self, name: &str, scope: Scope) -> Option<usize> {
        let usable = |i: &usize| !self.stack.contains(i) && self.first_table(*i).is_some();
        let key = normalize_title(name);
        match scope {
            Scope::Own => {
                let candidates = self.by_name.get(&key)?;
                let after = |i: &usize| self.section(*i).is_some_and(|s| s.line > self.near);
                let not_the_request_s =
                    |i: &usize| !(self.reading_response_envelope && key == "data" && self.request_sections.contains(i));
                candidates
                    .iter()
                    .copied()
                    .find(|i| usable(i) && after(i))
                    .or_else(|| candidates.iter().copied().find(|i| usable(i) && not_the_request_s(i)))
            }
            Scope::Shared => self.shared_by_name.get(&key)?.iter().copied().find(usable),
        }
    }

    /// The definition section of this dotted path (`data.success`).
    fn section_by_path(&self, path: &str) -> Option<usize> {
        let key = normalize_title(path);
        self.by_path.iter().find(|(p, _)| *p == key).map(|(_, i)| *i)
    }

    /// The definition section for an object-ish field: by reference, by dotted path, by name, by name sans
    /// `_list` — all in the page being read before any in the other.
    fn object_section(&mut self, reference: Option<&str>, path: &str, name: &str, line: u32) -> Option<usize> {
        let Some(r) = reference else { return self.section_for_field(path, name) };
        let mut fallback = None;
        for scope in self.scopes() {
            let by_path = || if scope == Scope::Own { self.section_by_path(r) } else { None };
            if let Some(i) = self.by_name_in(r, scope).or_else(by_path) {
                return Some(i);
            }
            fallback = self.for_field_in(path, name, scope);
            if fallback.is_some() {
                break;
            }
        }
        let msg = match fallback.and_then(|i| self.section(i)) {
            Some(s) => format!(
                "`{path}` refers to a definition `{r}` that has no section; used section `{}` (line {}) that matches the field name",
                s.title, s.line
            ),
            None => format!("`{path}` refers to a definition `{r}` that has no section"),
        };
        self.diags.push(
            Diagnostic::warning(self.file, line, msg)
                .with_help(format!("add a `#### {r}` section with a field table, or fix the reference"))
                .with_code(crate::diagnostics::codes::UNRESOLVED_REFERENCE, format!("{path} → {r}")),
        );
        fallback
    }

    /// A field's own section, found without a reference: by dotted path, by name, by name sans `_list`.
    fn section_for_field(&self, path: &str, name: &str) -> Option<usize> {
        self.scopes().into_iter().find_map(|scope| self.for_field_in(path, name, scope))
    }

    fn for_field_in(&self, path: &str, name: &str, scope: Scope) -> Option<usize> {
        let by_path = if scope == Scope::Own { self.section_by_path(path) } else { None };
        by_path
            .or_else(|| self.by_name_in(name, scope))
            .or_else(|| name.strip_suffix("_list").and_then(|n| self.by_name_in(n, scope)))
            // A row named `event.content` (a key with a dot in it, or a path from here) under `#### event.content`.
            .or_else(|| if scope == Scope::Own && name.contains('.') { self.section_by_path(name) } else { None })
    }

    /// Fields named only by a path heading (`#### data.success`) that no table row declares.
    pub(super) fn add_path_children(&mut self, path: &str, fields: &mut Vec<FieldNode>) {
        let prefix = format!("{}.", normalize_title(path));
        let children: Vec<(String, usize)> = self
            .by_path
            .iter()
            .filter_map(|(p, i)| {
                let rest = p.strip_prefix(&prefix)?;
                (!rest.contains('.')).then(|| (rest.to_string(), *i))
            })
            .collect();
        for (child, i) in children {
            if fields.iter().any(|f| normalize_title(&f.name) == child) || self.stack.contains(&i) {
                continue;
            }
            let line = self.section(i).map_or(1, |s| s.line);
            self.diags.push(Diagnostic::warning(
                self.file,
                line,
                format!("`{path}.{child}` is defined only by this heading, with no row in `{path}`'s table; its container type is taken from the example"),
            ));
            let child_path = format!("{path}.{child}");
            let ty = match self.object(i, &child_path) {
                Some(o) => o.into_ty(),
                None => Ty::Scalar(Type::Json),
            };
            fields.push(FieldNode::inferred(&child, ty, line));
        }
    }

    /// A definition section's table as an object at `path`; `None` for a section inside itself or one without
    /// a table.
    pub(super) fn object(&mut self, section: usize, path: &str) -> Option<ObjectNode> {
        if self.stack.len() >= MAX_NESTED_SECTIONS {
            let line = self.section(section).map_or(1, |s| s.line);
            self.diags.push(
                Diagnostic::error(
                    self.file,
                    line,
                    format!(
                        "`{path}` is nested {MAX_NESTED_SECTIONS} sections deep, the most the generator reads; \
                         typed as untyped JSON"
                    ),
                )
                .with_help("no BlueKing doc nests this deep: check the doc's headings, or override the field's type in bkapi.toml"),
            );
            return None;
        }
        if self.stack.contains(&section) {
            let line = self.section(section).map_or(1, |s| s.line);
            self.diags.push(Diagnostic::warning(
                self.file,
                line,
                format!("recursive definition at `{path}`; typed as untyped JSON"),
            ));
            return None;
        }
        let s = self.section(section)?;
        let table = self.first_table(section)?;
        let referred_at = self.near;
        let page = self.shared_page(section).map(|(page, _)| page);
        let (own_file, was_reading_shared) = (self.file, self.reading_shared);
        if let Some(page) = page {
            self.file = &page.path;
            self.reading_shared = true;
        }
        self.used.insert(section);
        self.stack.push(section);
        let mut fields = self.fields_of(table, path, ParamLocation::Body);
        self.stack.pop();
        (self.file, self.reading_shared) = (own_file, was_reading_shared);
        let mut doc = s.texts().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
        if let Some(page) = page {
            // The fields' lines are the shared page's: in this doc they are where the row refers to them.
            at_line(&mut fields, referred_at);
            doc = format!("{doc} Defined in `{}` at line {}.", page.path, s.line).trim().to_string();
        }
        // Named by the field the heading names (`data.info[n]` → `Info`, `data字段说明` → `Data`), else by the
        // heading's first part.
        let named = definition_names(&s.title).next().and_then(|n| n.rsplit('.').next().map(str::to_string));
        let title_name = named
            .unwrap_or_else(|| s.title.split(['&', ',', '，', '、']).next().unwrap_or(&s.title).trim().to_string());
        Some(ObjectNode { name: type_name(&title_name), doc, line: s.line, fields, placed_by_keys: None })
    }

    /// A section that lists a string field's values, as an enum named after the field.
    fn value_enum(&mut self, section: usize, field: &str) -> Option<EnumNode> {
        let s = self.section(section)?;
        let table = self.first_table(section)?;
        let cols = columns(&table.header);
        let values: Vec<EnumValue> = table
            .rows
            .iter()
            .filter_map(|r| {
                let value = r.cells.get(cols.name)?.trim_matches('`').trim().to_string();
                let doc = cols.desc.and_then(|d| r.cells.get(d)).cloned().unwrap_or_default();
                (!value.is_empty()).then_some(EnumValue { value, doc, line: r.line, other_labels: Vec::new() })
            })
            .collect();
        if values.is_empty() {
            return None;
        }
        self.used.insert(section);
        let doc = s.texts().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
        Some(EnumNode { name: type_name(field), doc, line: s.line, values, repr: EnumRepr::String })
    }

    /// A row's type: its type word, with the section it refers to (or is named like) for objects, lists of
    /// objects and value lists.
    pub(super) fn resolve(&mut self, name: &str, path: &str, type_word: &str, desc: &str, line: u32) -> Ty {
        self.near = line;
        // `处理套餐列表(ActionRelation)` / `list[duty_arrange]`: an identifier that names a section refers to it.
        let named_element = element_name(type_word).filter(|n| self.section_by_name(n).is_some());
        let names_a_section = named_element.as_deref() == Some(type_word.trim());
        let reference = find_reference(desc).or(named_element).or_else(|| {
            parenthesized_identifiers(desc).find(|n| self.section_by_name(n).is_some()).map(str::to_string)
        });
        let shape = match parse_type_word(type_word) {
            Some(s) => s,
            // `| subject | subject |`: the type is the section of that name.
            None if names_a_section => Shape::Object,
            None => {
                self.diags.push(
                    Diagnostic::warning(
                        self.file,
                        line,
                        format!("unknown type `{type_word}` of `{path}`; generated as untyped JSON"),
                    )
                    .with_help("correct the type in bkapi.toml (`corrections`), or fix the doc")
                    .with_code(crate::diagnostics::codes::UNKNOWN_TYPE, format!("{path}: {type_word}")),
                );
                Shape::Any
            }
        };
        match shape {
            Shape::String | Shape::Integer | Shape::Number | Shape::Boolean => {
                let scalar = scalar_type(&shape);
                // A scalar that refers to a section: that section lists its values.
                if let Some(r) = reference.as_deref()
                    && let Some(i) = self.section_by_name(r)
                    && matches!(scalar, Type::String)
                    && let Some(e) = self.value_enum(i, name)
                {
                    return Ty::Enum(e);
                }
                Ty::Scalar(scalar)
            }
            Shape::Any => Ty::Scalar(Type::Json),
            Shape::Map(_) => plain_ty(&shape).unwrap_or(Ty::Scalar(Type::Json)),
            Shape::Object => match self.object_section(reference.as_deref(), path, name, line) {
                Some(i) => match self.object(i, path) {
                    Some(o) => o.into_ty(),
                    None => Ty::Map(Box::new(Ty::Scalar(Type::Json))),
                },
                None => {
                    let mut fields = Vec::new();
                    self.add_path_children(path, &mut fields);
                    if fields.is_empty() {
                        Ty::Map(Box::new(Ty::Scalar(Type::Json)))
                    } else {
                        Ty::Object(ObjectNode {
                            name: type_name(name),
                            doc: String::new(),
                            line,
                            fields,
                            placed_by_keys: None,
                        })
                    }
                }
            },
            Shape::Array(elem) => match elem.as_deref() {
                Some(s @ (Shape::String | Shape::Integer | Shape::Number | Shape::Boolean)) => {
                    Ty::Array(Box::new(Ty::Scalar(scalar_type(s))))
                }
                Some(m @ Shape::Map(_)) => Ty::Array(Box::new(plain_ty(m).unwrap_or(Ty::Scalar(Type::Json)))),
                Some(Shape::Array(_)) | Some(Shape::Any) => Ty::Array(Box::new(Ty::Scalar(Type::Json))),
                Some(Shape::Object) | None => match self.object_section(reference.as_deref(), path, name, line) {
                    Some(i) => match self.object(i, path) {
                        // A list of `key` / `value` rows is a list of pairs (`[{"key": …, "value": …}]`), not of
                        // maps: only a lone object of them is a map (see `ObjectNode::into_ty`).
                        Some(o) => Ty::Array(Box::new(Ty::Object(o))),
                        None => Ty::Array(Box::new(Ty::Scalar(Type::Json))),
                    },
                    None if elem.is_some() => Ty::Array(Box::new(Ty::Map(Box::new(Ty::Scalar(Type::Json))))),
                    // Element type unknown: filled in from the examples, if they show it.
                    None => Ty::Array(Box::new(Ty::Scalar(Type::Json))),
                },
            },
        }
    }

    /// Definition sections nobody refers to: warned about, ignored.
    pub(super) fn warn_unused_definitions(&mut self) {
        for (i, s) in self.doc.sections.iter().enumerate() {
            if self.kinds.get(i) == Some(&SectionKind::Definition)
                && !self.used.contains(&i)
                && s.tables().next().is_some()
            {
                self.diags.push(Diagnostic::warning(
                    self.file,
                    s.line,
                    format!("section `{}` is not referred to by any field; ignored", s.title),
                ));
            }
        }
    }
}

/// Which page a definition is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Own,
    Shared,
}

/// Puts fields (and the fields of their objects) at one line of the doc.
fn at_line(fields: &mut [FieldNode], line: u32) {
    fn in_ty(ty: &mut Ty, line: u32) {
        match ty {
            Ty::Object(o) => at_line(&mut o.fields, line),
            Ty::Array(inner) | Ty::Map(inner) => in_ty(inner, line),
            Ty::Scalar(_) | Ty::Enum(_) => {}
        }
    }
    for f in fields {
        f.line = line;
        in_ty(&mut f.ty, line);
    }
}

/// The type of a shape that needs no section: scalars, and lists and maps of them (`None` otherwise).
pub(super) fn plain_ty(shape: &Shape) -> Option<Ty> {
    match shape {
        Shape::String | Shape::Integer | Shape::Number | Shape::Boolean => Some(Ty::Scalar(scalar_type(shape))),
        Shape::Array(Some(elem)) => plain_ty(elem).map(|t| Ty::Array(Box::new(t))),
        Shape::Map(value) => Some(Ty::Map(Box::new(plain_ty(value).unwrap_or(Ty::Scalar(Type::Json))))),
        Shape::Array(None) | Shape::Object | Shape::Any => None,
    }
}

/// The IR type of a scalar shape (anything else is untyped JSON).
pub(super) fn scalar_type(shape: &Shape) -> Type {
    match shape {
        Shape::String => Type::String,
        Shape::Integer => Type::Integer,
        Shape::Number => Type::Number,
        Shape::Boolean => Type::Boolean,
        _ => Type::Json,
    }
}
