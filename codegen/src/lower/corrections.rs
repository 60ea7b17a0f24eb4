//! Metadata corrections (`bkapi.toml`): path parameters moved to the body, and per-field fixes of type, values,
//! required flag and name. Each is recorded as a [`Correction`] with what the doc said.

use super::MetaSource;
use super::nested::{plain_ty, scalar_type};
use super::tree::{EnumNode, FieldNode, ObjectNode, Ty};
use crate::diagnostics::Diagnostic;
use crate::ir::{Correction, EnumRepr, EnumValue, ParamLocation, Type};
use crate::naming::type_name;
use crate::read::metadata::{ApiMeta, FieldCorrection};
use crate::read::type_words::{Shape, parse_type_word};

/// Applies the API's metadata corrections to the request and the documented response (`data_word` is the
/// response's type word in the doc).
pub(super) fn apply_metadata_corrections(
    m: &ApiMeta,
    request: &mut ObjectNode,
    response: &mut Option<Ty>,
    data_word: &str,
    corrections: &mut Vec<Correction>,
    diags: &mut Vec<Diagnostic>,
    meta_source: &MetaSource<'_>,
) {
    if m.path_params_to_body {
        for f in request.fields.iter_mut().filter(|f| f.location == ParamLocation::Path) {
            f.location = ParamLocation::Body;
            corrections.push(Correction {
                target: format!("request.{}", f.name),
                doc_says: "path parameter".into(),
                corrected: "body parameter".into(),
                reason: m.reason.clone().unwrap_or_default(),
                by_example: None,
                contradiction: crate::ir::Contradiction::TypeMismatch,
                line: 0,
            });
        }
    }
    for c in &m.corrections {
        apply_correction(c, request, response, data_word, corrections, diags, meta_source);
    }
}

/// A maintainer's `type = "any"` is final: applied again after the examples typed what they could (they
/// would narrow it to one of the shapes the maintainer saw it take). Recorded once, by
/// [`apply_metadata_corrections`].
pub(super) fn keep_untyped_corrections(
    m: &ApiMeta,
    request: &mut ObjectNode,
    response: &mut Option<Ty>,
    data_word: &str,
    meta_source: &MetaSource<'_>,
) {
    let (mut recorded, mut reported) = (Vec::new(), Vec::new());
    for c in m.corrections.iter().filter(|c| c.ty.as_deref().is_some_and(|t| parse_type_word(t) == Some(Shape::Any))) {
        apply_correction(c, request, response, data_word, &mut recorded, &mut reported, meta_source);
    }
}

fn apply_correction(
    c: &FieldCorrection,
    request: &mut ObjectNode,
    response: &mut Option<Ty>,
    data_word: &str,
    corrections: &mut Vec<Correction>,
    diags: &mut Vec<Diagnostic>,
    meta: &MetaSource<'_>,
) {
    let line = meta.line_of(&format!("\"{}\"", c.field));
    let mut segments = c.field.split('.');
    let root = segments.next().unwrap_or("");
    let rest: Vec<&str> = segments.collect();
    match (root, rest.split_last()) {
        ("response", None) => {
            let Some(ty) = response.as_mut() else {
                diags.push(Diagnostic::error(
                    meta.path,
                    line,
                    "correction of `response`, but the doc has no response table",
                ));
                return;
            };
            if let Some(word) = &c.ty {
                match retype(ty, word) {
                    Some(new) => {
                        *ty = new;
                        record(corrections, c, "", data_word.to_string(), word.clone());
                    }
                    None => {
                        diags.push(Diagnostic::error(meta.path, line, format!("unknown type `{word}` in correction")))
                    }
                }
            }
        }
        (root @ ("request" | "response"), Some((last, parents))) => {
            let target = if root == "request" {
                Some(&mut *request)
            } else {
                match response.as_mut() {
                    Some(Ty::Object(o)) => Some(o),
                    Some(Ty::Array(inner)) => match inner.as_mut() {
                        Ty::Object(o) => Some(o),
                        _ => None,
                    },
                    _ => None,
                }
            };
            let field = target.and_then(|o| find_field(o, parents, last));
            let Some(field) = field else {
                diags.push(
                    Diagnostic::error(meta.path, line, format!("correction `{}` matches no field of the doc", c.field))
                        .with_code(crate::diagnostics::codes::STALE_OVERRIDE, c.field.clone())
                        .with_help(
                            "fix the path (request.<field>.<field> or response.<field>) or remove the stale correction",
                        ),
                );
                return;
            };
            correct_field(c, field, line, corrections, diags, meta);
        }
        _ => diags.push(Diagnostic::error(
            meta.path,
            line,
            format!("correction target `{}` must start with `request.` or `response`", c.field),
        )),
    }
}

/// A correction of one field: type, then values, required flag, name; `line` is the correction's in `meta`.
fn correct_field(
    c: &FieldCorrection,
    field: &mut FieldNode,
    line: u32,
    corrections: &mut Vec<Correction>,
    diags: &mut Vec<Diagnostic>,
    meta: &MetaSource<'_>,
) {
    if let Some(word) = &c.ty {
        match retype(&field.ty, word) {
            Some(new) => {
                field.ty = new;
                record(corrections, c, "", field.type_word.clone(), word.clone());
            }
            None => diags.push(Diagnostic::error(meta.path, line, format!("unknown type `{word}` in correction"))),
        }
    }
    if let Some(values) = &c.enum_values {
        let doc_values =
            field.documented_values.iter().map(|v| format!("{}：{}", v.code, v.label)).collect::<Vec<_>>().join(" ");
        field.ty = Ty::Enum(EnumNode {
            name: type_name(&field.name),
            doc: field.doc.clone(),
            line: field.line,
            values: values
                .iter()
                .map(|v| EnumValue { value: v.clone(), doc: String::new(), line: field.line, other_labels: Vec::new() })
                .collect(),
            repr: EnumRepr::String,
        });
        field.documented_values.clear();
        record(
            corrections,
            c,
            " (values)",
            if doc_values.is_empty() { field.type_word.clone() } else { doc_values },
            values.join(", "),
        );
    }
    if let Some(required) = c.required {
        record(corrections, c, " (required)", field.required.to_string(), required.to_string());
        field.required = required;
    }
    if let Some(name) = &c.rename {
        record(corrections, c, " (name)", field.name.clone(), name.clone());
        field.name = name.clone();
    }
}

/// Records what correction `c` changed (`what` is appended to its target: ` (values)`, ` (name)` …).
fn record(corrections: &mut Vec<Correction>, c: &FieldCorrection, what: &str, doc_says: String, corrected: String) {
    corrections.push(Correction {
        target: format!("{}{what}", c.field),
        doc_says,
        corrected,
        reason: c.reason.clone(),
        by_example: None,
        contradiction: crate::ir::Contradiction::TypeMismatch,
        line: 0,
    });
}

fn find_field<'a>(object: &'a mut ObjectNode, parents: &[&str], last: &str) -> Option<&'a mut FieldNode> {
    let mut current = object;
    for p in parents {
        let field = current.fields.iter_mut().find(|f| f.name == *p)?;
        current = match &mut field.ty {
            Ty::Object(o) => o,
            Ty::Array(inner) => match inner.as_mut() {
                Ty::Object(o) => o,
                _ => return None,
            },
            _ => return None,
        };
    }
    current.fields.iter_mut().find(|f| f.name == last)
}

/// The type a correction's type word gives, keeping nested objects the doc defined.
fn retype(old: &Ty, word: &str) -> Option<Ty> {
    let shape = parse_type_word(word)?;
    let object_of = |t: &Ty| match t {
        Ty::Object(o) => Some(o.clone()),
        Ty::Array(inner) => match inner.as_ref() {
            Ty::Object(o) => Some(o.clone()),
            _ => None,
        },
        _ => None,
    };
    Some(match shape {
        Shape::Object => match object_of(old) {
            Some(o) => Ty::Object(o),
            None => Ty::Map(Box::new(Ty::Scalar(Type::Json))),
        },
        Shape::Array(elem) => match elem.as_deref() {
            Some(s @ (Shape::String | Shape::Integer | Shape::Number | Shape::Boolean)) => {
                Ty::Array(Box::new(Ty::Scalar(scalar_type(s))))
            }
            _ => match object_of(old) {
                Some(o) => Ty::Array(Box::new(Ty::Object(o))),
                None => Ty::Array(Box::new(Ty::Scalar(Type::Json))),
            },
        },
        Shape::Any => Ty::Scalar(Type::Json),
        m @ Shape::Map(_) => plain_ty(&m).unwrap_or(Ty::Scalar(Type::Json)),
        s => Ty::Scalar(scalar_type(&s)),
    })
}
