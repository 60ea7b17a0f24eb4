//! The request and the response from their parameter sections: the request's body / path / query tables as one
//! object, the response table split into its envelope (`result`, `code`, `message` …) and `data`, and the
//! response type when no table gives one (inferred from the example).

use std::collections::HashSet;

use super::doc_context::DocContext;
use super::find_examples::{ExampleSides, first_data_example};
use super::inference::infer_ty;
use super::sections::{self, SectionKind};
use super::tables::row_names;
use super::tree::{FieldNode, ObjectNode, Ty};
use crate::diagnostics::Diagnostic;
use crate::ir::{Example, Flavor, ParamLocation, Type};
use crate::read::doc::Table;

/// The keys of a response envelope (`data` and what surrounds it), as the runtime reads them.
use bkapi_wire::envelope::KEYS as ENVELOPE_KEYS;

/// Fewest parameters a table must repeat from the tables before it to be another form of the request (one
/// repeated row is a slip, reported as a duplicate).
const ALTERNATIVE_FORM_MIN_SHARED: usize = 2;

/// The response as its table documents it.
pub(super) struct DocumentedResponse {
    /// The data's type; `None` without a response table.
    pub(super) ty: Option<Ty>,
    pub(super) envelope: Vec<FieldNode>,
    /// Type word and line of the `data` row (empty and 0 without one).
    pub(super) data_word: String,
    pub(super) data_line: u32,
}

impl DocContext<'_> {
    /// Request fields from the body / path / query tables, as the API's request object `{camel}Request`.
    /// Line of the first request parameter section (body, path or query), whatever it holds.
    pub(super) fn request_section(&self) -> Option<u32> {
        self.doc.sections.iter().zip(&self.kinds).find(|(_, k)| k.is_request_params()).map(|(s, _)| s.line)
    }

    pub(super) fn request_object(&mut self, camel: &str, summary: &str) -> ObjectNode {
        let doc = self.doc;
        let mut request_fields: Vec<FieldNode> = Vec::new();
        // Line of each parameter's first row, so the duplicate check stays linear.
        let mut first_lines: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        for (i, s) in doc.sections.iter().enumerate() {
            let location = match self.kinds.get(i) {
                Some(SectionKind::BodyParams) => ParamLocation::Body,
                Some(SectionKind::PathParams) => ParamLocation::Path,
                Some(SectionKind::QueryParams) => ParamLocation::Query,
                _ => continue,
            };
            for table in s.tables() {
                let fields = self.fields_of(table, "", location);
                // A table that repeats the earlier tables' parameters (`参数列表（物理环境）` then
                // `参数列表（容器场景）`) is another form of the request: one type takes either form, and a
                // parameter only some forms have is optional.
                let repeated = fields.iter().filter(|f| first_lines.contains_key(&f.name)).count();
                if repeated >= ALTERNATIVE_FORM_MIN_SHARED && !request_fields.is_empty() {
                    self.merge_alternative_form(&mut request_fields, fields, s.line);
                    continue;
                }
                for f in fields {
                    if let Some(first) = first_lines.get(&f.name) {
                        self.diags.push(
                            Diagnostic::error(
                                self.file,
                                f.line,
                                format!("duplicate request parameter `{}` (first at line {first})", f.name),
                            )
                            .with_code(crate::diagnostics::codes::DUPLICATE_FIELD, f.name.clone()),
                        );
                    } else {
                        first_lines.insert(f.name.clone(), f.line);
                        request_fields.push(f);
                    }
                }
            }
        }
        let request_line_no = doc
            .sections
            .iter()
            .zip(&self.kinds)
            .find(|(_, k)| **k == SectionKind::BodyParams)
            .map_or(1, |(s, _)| s.line);
        ObjectNode {
            name: format!("{camel}Request"),
            doc: summary.to_string(),
            line: request_line_no,
            fields: request_fields,
            placed_by_keys: None,
        }
    }

    /// Merges another form of the request into the fields of the earlier ones: its new parameters and the
    /// earlier ones it lacks become optional; a parameter both have keeps the earlier row, required only when
    /// both forms require it.
    fn merge_alternative_form(&mut self, fields: &mut Vec<FieldNode>, form: Vec<FieldNode>, line: u32) {
        for f in fields.iter_mut() {
            match form.iter().find(|g| g.name == f.name) {
                Some(g) => f.required &= g.required,
                None => f.required = false,
            }
        }
        let shared = form.iter().filter(|g| fields.iter().any(|f| f.name == g.name)).count();
        for mut g in form {
            if !fields.iter().any(|f| f.name == g.name) {
                g.required = false;
                fields.push(g);
            }
        }
        self.diags.push(Diagnostic::warning(
            self.file,
            line,
            format!(
                "this section's table repeats {shared} parameters of the tables before it: read as another form of \
                 the request; parameters not in every form are optional"
            ),
        ));
    }

    /// The response: the first table of the response-parameter sections, split into envelope and data when it
    /// describes the envelope.
    pub(super) fn documented_response(&mut self, flavor: Flavor) -> DocumentedResponse {
        let mut documented =
            DocumentedResponse { ty: None, envelope: Vec::new(), data_word: String::new(), data_line: 0 };
        let doc = self.doc;
        let tables: Vec<&Table> = doc
            .sections
            .iter()
            .enumerate()
            .filter(|(i, _)| self.kinds.get(*i) == Some(&SectionKind::ResponseParams))
            .filter_map(|(_, s)| s.tables().next())
            .collect();
        // Of several response tables (`正常响应体` / `异常响应体`), the one with the data.
        let response_table =
            tables.iter().find(|t| row_names(t).any(|n| n == "data")).or_else(|| tables.first()).copied();
        let Some(table) = response_table else { return self.data_definition() };
        let names: HashSet<&str> = row_names(table).collect();
        // A table of `data` alone (`| data | list | 告警列表 |`) describes the envelope too.
        let only_envelope_keys = names.iter().all(|n| ENVELOPE_KEYS.contains(n));
        // A table of the envelope alone (`result`, `code`, `message`, `permission`, `request_id`: an API that
        // returns no data) is no description of the data.
        let envelope_without_data =
            !names.contains("data") && names.contains("result") && names.contains("code") && only_envelope_keys;
        let is_envelope = envelope_without_data
            || names.contains("data")
                && (["result", "code", "message"].iter().any(|k| names.contains(k))
                    || (flavor == Flavor::Gateway && names.contains("error"))
                    || only_envelope_keys);
        // A table of the data itself sits at `data`: its nested sections are named `data.info`.
        self.reading_response_envelope = is_envelope;
        let fields = self.fields_of(table, if is_envelope { "" } else { "data" }, ParamLocation::Body);
        self.reading_response_envelope = false;
        if is_envelope {
            for f in fields {
                if f.name == "data" {
                    documented.data_word = f.type_word.clone();
                    documented.data_line = f.line;
                    documented.ty = Some(f.ty);
                } else {
                    documented.envelope.push(f);
                }
            }
            // No data to describe: whatever comes (usually nothing) is kept as it is.
            if envelope_without_data {
                documented.ty = Some(Ty::Scalar(Type::Json));
            }
            if flavor == Flavor::Gateway
                && let Some(i) = self.section_by_name("error")
            {
                self.used.insert(i);
            }
        } else {
            documented.ty = Some(
                ObjectNode { name: String::new(), doc: String::new(), line: table.line, fields, placed_by_keys: None }
                    .into_ty(),
            );
        }
        documented
    }

    /// Without a response table, a `#### data` definition under the response section is the data's type.
    fn data_definition(&mut self) -> DocumentedResponse {
        let mut documented =
            DocumentedResponse { ty: None, envelope: Vec::new(), data_word: String::new(), data_line: 0 };
        let Some(i) = self.section_by_name("data") else { return documented };
        let under_response = sections::parent_section(self.doc, i)
            .is_some_and(|p| self.kinds.get(p) == Some(&SectionKind::ResponseParams));
        let Some(table) = self.doc.sections.get(i).and_then(|s| s.tables().next()).filter(|_| under_response) else {
            return documented;
        };
        self.used.insert(i);
        let fields = self.fields_of(table, "data", ParamLocation::Body);
        documented.data_line = table.line;
        documented.ty = Some(
            ObjectNode { name: String::new(), doc: String::new(), line: table.line, fields, placed_by_keys: None }
                .into_ty(),
        );
        documented
    }
}

/// Response type: documented, or inferred from the example when the doc has no response table; its object (or
/// list item object) named after the API.
pub(super) fn response_type(
    documented: Option<Ty>,
    examples: &[Example],
    sides: &ExampleSides,
    camel: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Ty {
    // `data` a page in one example and the plain list in another (`dict/list`): no one type holds both, and typing
    // it by the first example would lose the others.
    let one_shape = data_sent_in_one_shape(&sides.responses);
    let mut response = match documented {
        Some(t) if !one_shape => t,
        // `| data | dict | 插件信息 |` with no table of its own: the example's `data` shows what it holds.
        Some(t) if super::inference::is_untyped(&t) => match first_data_example(examples) {
            Some((v, line)) => {
                let inferred = infer_ty(crate::ir::response_data(v), &format!("{camel}Response"), line);
                if super::inference::fills(&t, &inferred) { inferred } else { t }
            }
            None => t,
        },
        Some(t) => t,
        None if !one_shape => {
            diags.push(Diagnostic::warning(
                file,
                first_data_example(examples).map_or(1, |(_, line)| line),
                "no response parameter table, and the examples send `data` in different shapes: response is untyped JSON",
            ));
            Ty::Scalar(Type::Json)
        }
        None => match first_data_example(examples) {
            Some((v, line)) => {
                diags.push(
                    Diagnostic::warning(
                        file,
                        line,
                        "no response parameter table; response type inferred from this example",
                    )
                    .with_help("add a `### 返回结果参数说明` table to the doc"),
                );
                infer_ty(crate::ir::response_data(v), &format!("{camel}Response"), line)
            }
            None => {
                diags.push(Diagnostic::warning(
                    file,
                    1,
                    "no response table and no response example; response is untyped JSON",
                ));
                Ty::Scalar(Type::Json)
            }
        },
    };
    match &mut response {
        Ty::Object(o) => o.name = format!("{camel}Response"),
        Ty::Array(inner) => {
            if let Ty::Object(o) = inner.as_mut() {
                o.name = format!("{camel}ResponseItem");
            }
        }
        Ty::Map(inner) => {
            if let Ty::Object(o) = inner.as_mut() {
                o.name = format!("{camel}ResponseValue");
            }
        }
        _ => {}
    }
    response
}

/// Whether every response example's `data` is of one kind: all objects, all lists, or all scalars (`null` fits any).
fn data_sent_in_one_shape(responses: &[(serde_json::Value, u32)]) -> bool {
    let kind = |v: &serde_json::Value| match v {
        serde_json::Value::Object(_) => Some(0),
        serde_json::Value::Array(_) => Some(1),
        serde_json::Value::Null => None,
        _ => Some(2),
    };
    let mut kinds = responses.iter().filter_map(|(data, _)| kind(data));
    let first = kinds.next();
    kinds.all(|k| Some(k) == first)
}
