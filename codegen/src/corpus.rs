//! `cargo xtask corpus`: runs every stage over a whole tree of BlueKing docs and measures how much of it the
//! generator understands. Per doc: parsed, located, failed or panicked, with diagnostics. Per example: read
//! (after repair), decoded by the generated types, and its drift.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::decode::{self, DecodeError};
use crate::diagnostics::Diagnostic;
use crate::drift::{self, Drift};
use crate::emit::{self, GeneratedFile};
use crate::ir::{ExampleKind, Ir, Type, TypeKind};
use crate::load::{DocStatus, load_docs};
use crate::lower::LowerOptions;
use crate::Error;

#[derive(Debug, Clone, Serialize)]
pub struct CorpusReport {
    pub docs: Vec<DocReport>,
    /// Diagnostics about no single doc (a manifest that cannot be read, …).
    pub other_diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocReport {
    pub file: String,
    pub system: String,
    pub api: String,
    pub status: DocStatus,
    pub diagnostics: Vec<Diagnostic>,
    pub examples: Vec<ExampleReport>,
    /// Fields of this doc's types left as untyped JSON (they count against `fields.typed`).
    pub untyped_fields: Vec<UntypedField>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UntypedField {
    /// `Type.field`.
    pub field: String,
    /// The doc's type cell.
    pub type_word: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExampleReport {
    pub kind: ExampleKind,
    pub line: u32,
    /// Read as JSON, possibly after repairs.
    pub parsed: bool,
    pub repairs: Vec<String>,
    /// Why the generated types would reject it; `None` when it decodes (or was not read).
    pub decode_error: Option<DecodeError>,
    pub drift: Vec<Drift>,
}

/// The one-line JSON summary, in the field order the issue specifies.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub docs: usize,
    pub parsed: usize,
    pub located: usize,
    pub failed: usize,
    pub panics: usize,
    pub fields: FieldCounts,
    pub examples: ExampleCounts,
    pub drift_by_kind: BTreeMap<&'static str, usize>,
    pub ms: u128,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldCounts {
    pub total: usize,
    /// Fields whose type is concrete: not an untyped JSON value, nor an array or map of them.
    pub typed: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ExampleCounts {
    pub total: usize,
    pub parsed: usize,
    pub decoded: usize,
    pub with_drift: usize,
}

/// The report, the IR and the generated files of a corpus run.
pub struct CorpusRun {
    pub report: CorpusReport,
    pub ir: Ir,
    /// `None` when emitting failed (the reason is in `report.other_diagnostics`).
    pub files: Option<Vec<GeneratedFile>>,
}

/// Parses, lowers, emits and validates every doc under `root`. Only I/O errors fail.
pub fn run(root: &Path) -> Result<CorpusRun, Error> {
    let start = Instant::now();
    let loaded = load_docs(root, LowerOptions::default())?;
    let mut other_diagnostics = Vec::new();
    let files = match emit::emit(&loaded.ir) {
        Ok(f) => Some(f),
        Err(e) => {
            other_diagnostics.push(Diagnostic::error(&root.display().to_string(), 1, e.to_string()));
            None
        }
    };

    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &loaded.diagnostics {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let mut docs = Vec::new();
    let mut summary = Summary::default();
    for outcome in &loaded.docs {
        summary.docs += 1;
        match outcome.status {
            DocStatus::Located => {
                summary.parsed += 1;
                summary.located += 1;
            }
            DocStatus::Unlocated => summary.parsed += 1,
            DocStatus::Failed => summary.failed += 1,
            DocStatus::Panicked => summary.panics += 1,
        }
        let api = loaded
            .ir
            .systems
            .iter()
            .find(|s| s.name == outcome.system)
            .and_then(|s| s.apis.iter().find(|a| a.source == outcome.file).map(|a| (s, a)));
        let mut examples = Vec::new();
        if let Some((system, api)) = api {
            for e in &api.examples {
                let parsed = e.value.is_some();
                let decode_error = if parsed { decode::decode_example(system, api, e).err() } else { None };
                let drift = drift::check_example(system, api, e);
                summary.examples.total += 1;
                summary.examples.parsed += usize::from(parsed);
                summary.examples.decoded += usize::from(parsed && decode_error.is_none());
                summary.examples.with_drift += usize::from(!drift.is_empty());
                for d in &drift {
                    *summary.drift_by_kind.entry(d.kind.as_str()).or_default() += 1;
                }
                examples.push(ExampleReport { kind: e.kind, line: e.line, parsed, repairs: e.repairs.clone(), decode_error, drift });
            }
        }
        let diagnostics = by_file.remove(outcome.file.as_str()).unwrap_or_default().into_iter().cloned().collect();
        let untyped_fields = api
            .map(|(system, _)| {
                system
                    .types
                    .iter()
                    .filter(|t| t.source == outcome.file)
                    .flat_map(|t| match &t.kind {
                        TypeKind::Struct { fields } => fields
                            .iter()
                            .filter(|f| !is_typed(&f.ty))
                            .map(|f| UntypedField {
                                field: format!("{}.{}", t.name, f.name),
                                type_word: f.type_word.clone(),
                                line: f.line,
                            })
                            .collect(),
                        TypeKind::Enum { .. } => Vec::new(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        docs.push(DocReport {
            file: outcome.file.clone(),
            system: outcome.system.clone(),
            api: outcome.api.clone(),
            status: outcome.status,
            diagnostics,
            examples,
            untyped_fields,
        });
    }
    other_diagnostics.extend(by_file.into_values().flatten().cloned());
    for system in &loaded.ir.systems {
        for def in &system.types {
            if let TypeKind::Struct { fields } = &def.kind {
                summary.fields.total += fields.len();
                summary.fields.typed += fields.iter().filter(|f| is_typed(&f.ty)).count();
            }
        }
    }
    summary.ms = start.elapsed().as_millis();
    Ok(CorpusRun { report: CorpusReport { docs, other_diagnostics, summary }, ir: loaded.ir, files })
}

/// A concrete type: not untyped JSON, nor a list or map of it.
fn is_typed(ty: &Type) -> bool {
    match ty {
        Type::Json => false,
        Type::Array(t) | Type::Map(t) => is_typed(t),
        _ => true,
    }
}
