//! `cargo xtask corpus`: runs every stage over a whole tree of BlueKing docs and measures how much of it the
//! generator understands. Per doc: parsed, located, failed or panicked, with diagnostics. Per example: read
//! (after repair), decoded by the generated types, and its drift.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::Error;
use crate::check::drift::{self, Drift};
pub use crate::check::manifest_routes::ManifestCheck;
use crate::check::manifest_routes::{self, ManifestEntry};
use crate::check::retention::{self, ExampleValues, ValueCounts};
use crate::check::wire_model::{self, DecodeError};
use crate::diagnostics::Diagnostic;
use crate::emit::{self, GeneratedFile};
use crate::ir::{ExampleKind, Ir, Type, TypeKind};
use crate::lower::LowerOptions;
use crate::pipeline::{DocStatus, load_docs};

#[derive(Debug, Clone, Serialize)]
pub struct CorpusReport {
    pub docs: Vec<DocReport>,
    /// Diagnostics about no single doc (a manifest that cannot be read, …).
    pub other_diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// The located APIs against the manifests beside the docs, and the manifests' entries no doc documents.
    pub manifests: ManifestCheck,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocReport {
    pub file: String,
    pub system: String,
    pub api: String,
    pub status: DocStatus,
    pub diagnostics: Vec<Diagnostic>,
    pub examples: Vec<ExampleReport>,
    /// Fields of this doc's types left as untyped JSON (they count against `fields.typed`), and maps or lists of
    /// untyped values.
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
    /// Its values and whether they reach the types unchanged (`None`: nothing to measure, see
    /// [`retention::measure`]).
    pub values: Option<ExampleValues>,
}

/// The one-line JSON summary, in the field order the issue specifies.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub docs: usize,
    pub parsed: usize,
    pub located: usize,
    pub failed: usize,
    pub panics: usize,
    /// Pages of shared definitions (`common.md`) that other docs refer to, and template fragments other docs
    /// include (and docs the metadata says are none): not APIs, so not counted as docs to
    /// locate.
    pub definitions: usize,
    /// Located docs of an API that another publication of the system documents in a newer revision (counted
    /// as located too).
    pub superseded: usize,
    pub fields: FieldCounts,
    pub examples: ExampleCounts,
    pub values: ValueCounts,
    pub drift_by_kind: BTreeMap<&'static str, usize>,
    /// The same figures per system, where each system stands alone.
    pub by_system: BTreeMap<String, SystemSummary>,
    pub ms: u128,
}

/// One system's share of the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SystemSummary {
    pub docs: usize,
    pub located: usize,
    pub examples: usize,
    pub examples_parsed: usize,
    pub values: ValueCounts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldCounts {
    pub total: usize,
    /// Fields whose type is concrete: not an untyped JSON value, nor a map or list of them.
    pub typed: usize,
    /// Maps and lists of untyped values (`dict` / `list` the doc says nothing more about), not counted as typed.
    /// Not part of the one-line JSON summary.
    #[serde(skip)]
    pub opaque_containers: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ExampleCounts {
    pub total: usize,
    pub parsed: usize,
    pub decoded: usize,
    pub with_drift: usize,
    /// Examples every value of which reaches the types unchanged.
    pub lossless: usize,
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
        let of_system = summary.by_system.entry(outcome.system.clone()).or_default();
        if !matches!(
            outcome.status,
            DocStatus::Definitions | DocStatus::NotAnApi | DocStatus::Included | DocStatus::Retired
        ) {
            of_system.docs += 1;
            of_system.located += usize::from(matches!(outcome.status, DocStatus::Located | DocStatus::Superseded));
        }
        match outcome.status {
            DocStatus::Located => {
                summary.parsed += 1;
                summary.located += 1;
            }
            DocStatus::Unlocated => summary.parsed += 1,
            DocStatus::Failed => summary.failed += 1,
            DocStatus::Panicked => summary.panics += 1,
            DocStatus::Definitions | DocStatus::NotAnApi | DocStatus::Included | DocStatus::Retired => {
                summary.definitions += 1
            }
            DocStatus::Superseded => {
                summary.parsed += 1;
                summary.located += 1;
                summary.superseded += 1;
            }
        }
        let system = loaded.ir.systems.iter().find(|s| s.name == outcome.system);
        let api = system.and_then(|s| s.apis.iter().find(|a| a.source == outcome.file).map(|a| (s, a)));
        // A doc in another language is measured by its own examples against the API's types.
        let translated = system.and_then(|s| {
            s.apis.iter().find_map(|a| a.translations.iter().find(|t| t.source == outcome.file).map(|t| (s, a, t)))
        });
        let measured = match (api, translated) {
            (Some((s, a)), _) => Some((s, a, &a.examples, &a.table_keys, None)),
            (None, Some((s, a, t))) => Some((s, a, &t.examples, &t.table_keys, Some(t.source.as_str()))),
            (None, None) => None,
        };
        let mut examples = Vec::new();
        if let Some((system, api, api_examples, table_keys, translation)) = measured {
            let table_keys = table_keys.iter().cloned().collect();
            for e in api_examples {
                let parsed = e.value.is_some();
                let fit = wire_model::fit_example(system, api, e);
                let decode_error = if parsed { fit.decode_error.clone() } else { None };
                let drift = drift::check_example(system, api, e, translation);
                let root = if e.kind == ExampleKind::Response { "data" } else { "" };
                let values = if parsed { retention::measure(&fit, &table_keys, root, e.line) } else { None };
                let of_system = summary.by_system.entry(outcome.system.clone()).or_default();
                of_system.examples += 1;
                of_system.examples_parsed += usize::from(parsed);
                if let Some(v) = &values {
                    summary.values.add(&v.counts);
                    of_system.values.add(&v.counts);
                }
                // An error envelope has no values to lose.
                summary.examples.lossless += usize::from(parsed && values.as_ref().is_none_or(ExampleValues::lossless));
                summary.examples.total += 1;
                summary.examples.parsed += usize::from(parsed);
                summary.examples.decoded += usize::from(parsed && decode_error.is_none());
                summary.examples.with_drift += usize::from(!drift.is_empty());
                for d in &drift {
                    *summary.drift_by_kind.entry(d.kind.as_str()).or_default() += 1;
                }
                examples.push(ExampleReport {
                    kind: e.kind,
                    line: e.line,
                    parsed,
                    repairs: e.repairs.clone(),
                    decode_error,
                    drift,
                    values,
                });
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
                            .filter(|f| !is_typed(&f.ty) || is_opaque_container(&f.ty))
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
                summary.fields.typed +=
                    fields.iter().filter(|f| is_typed(&f.ty) && !is_opaque_container(&f.ty)).count();
                summary.fields.opaque_containers += fields.iter().filter(|f| is_opaque_container(&f.ty)).count();
            }
        }
    }
    summary.ms = start.elapsed().as_millis();
    let manifests = manifest_routes::check(&loaded.ir, &manifest_entries(root)?);
    Ok(CorpusRun { report: CorpusReport { docs, other_diagnostics, summary, manifests }, ir: loaded.ir, files })
}

/// Every entry of every manifest beside the tree's docs, under the system whose docs it locates.
fn manifest_entries(root: &Path) -> Result<Vec<ManifestEntry>, Error> {
    let (sets, _) = crate::pipeline::discover(root)?;
    let entries = sets.iter().flat_map(|set| {
        set.folders.iter().flat_map(|f| &f.manifests).flat_map(move |m| {
            m.apis.iter().map(move |(name, route)| ManifestEntry {
                system: set.system.clone(),
                name: name.clone(),
                method: route.method,
                path: route.path.clone(),
                origin: route.origin.clone(),
            })
        })
    });
    Ok(entries.collect())
}

/// Not an untyped JSON value at the top (maps and lists of untyped values are [`is_opaque_container`]).
fn is_typed(ty: &Type) -> bool {
    *ty != Type::Json
}

/// A map or list whose contents are untyped JSON.
fn is_opaque_container(ty: &Type) -> bool {
    match ty {
        Type::Array(t) | Type::Map(t) => **t == Type::Json || is_opaque_container(t),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn counts_docs_examples_fields_and_drift() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("tree/sys/apidocs/zh_hans");
        fs::create_dir_all(&docs).unwrap();
        let table = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| id | int | 是 | x |\n| extra | dict | 否 | y |\n| any | 分发模式 | 否 | z |\n\n";
        fs::write(
            docs.join("good.md"),
            format!("{table}### 请求参数示例\n\n```json\n{{\"id\": 1, \"other\": 2}}\n```\n"),
        )
        .unwrap();
        fs::write(docs.join("bad.md"), format!("{table}### 请求参数示例\n\n```json\n{{\"id\": \"x\"}}\n```\n"))
            .unwrap();
        fs::write(docs.join("broken.md"), format!("{table}### 请求参数示例\n\n```json\n{{\"id\": 1,, }}\n```\n"))
            .unwrap();
        fs::write(docs.join("notes.md"), "# Notes\n\nNo API here.\n").unwrap();

        let run = run(&dir.path().join("tree")).unwrap();
        let s = &run.report.summary;
        assert_eq!((s.docs, s.parsed, s.located, s.failed, s.panics), (4, 3, 3, 1, 0));
        assert_eq!((s.examples.total, s.examples.parsed, s.examples.decoded), (3, 2, 1));
        // good: an unknown field; bad: a type mismatch; broken: bad JSON.
        assert_eq!(s.examples.with_drift, 3);
        assert_eq!(s.drift_by_kind.get("unknown_field"), Some(&1));
        assert_eq!(s.drift_by_kind.get("type_mismatch"), Some(&1));
        assert_eq!(s.drift_by_kind.get("bad_json"), Some(&1));
        // Three request types of three fields, and `other`, which only good's example sends (an integer, typed
        // from it); `any` has an unknown type word, `extra` is an opaque `dict`.
        assert_eq!((s.fields.total, s.fields.typed, s.fields.opaque_containers), (10, 4, 3));

        let bad = run.report.docs.iter().find(|d| d.api == "bad").unwrap();
        let err = bad.examples[0].decode_error.as_ref().unwrap();
        assert_eq!(err.path, "id");
        assert_eq!(bad.examples[0].drift[0].line, 5, "drift points at the table row");
        let notes = run.report.docs.iter().find(|d| d.api == "notes").unwrap();
        assert_eq!(notes.status, DocStatus::Failed);
        assert!(
            notes.diagnostics.iter().any(|d| d.to_string().contains("notes.md:1: error")),
            "{:?}",
            notes.diagnostics
        );
        assert!(run.files.is_some_and(|f| f.iter().any(|f| f.path == "sys.rs")));
    }
}
