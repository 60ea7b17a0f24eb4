//! `cargo xtask drift`: every place where a doc contradicts itself, with a stable code, file:line:column and
//! the source line, rendered like rustc's diagnostics (annotate-snippets) or as JSON. Drift comes from
//! [`crate::check::drift`] (examples and path vs the IR); doc problems from the lowering's coded diagnostics.

use std::collections::BTreeMap;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

use crate::check::drift::{self, DriftKind};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::Severity;
use crate::ir::Ir;

pub use crate::diagnostics::codes::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// The doc (or metadata file), relative to the docs folder's parent.
    pub file: String,
    pub line: u32,
    /// 1-based, in characters; 1 when nothing on the line can be pointed at.
    pub column: u32,
    /// What the finding is about, stable when the doc changes elsewhere: `request example: hosts[].port`.
    pub subject: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Characters marked from `column` on (0: just the position).
    #[serde(skip)]
    pub width: u32,
    /// The other place that says otherwise (file, line), for findings about two docs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<(String, u32)>,
}

impl Finding {
    pub fn key(&self) -> (&str, &str, &str) {
        (self.code, &self.file, &self.subject)
    }

    /// A stale override is an error to fix, not drift to accept.
    pub fn baselinable(&self) -> bool {
        self.code != STALE_OVERRIDE
    }
}

/// An override in `bkapi.toml`, shown next to what the doc claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    pub api: String,
    pub doc: String,
    pub target: String,
    pub doc_says: String,
    pub overridden: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Review {
    pub findings: Vec<Finding>,
    pub overrides: Vec<Override>,
}

fn drift_code(kind: DriftKind) -> &'static str {
    match kind {
        DriftKind::UnknownField => UNKNOWN_FIELD,
        DriftKind::MissingRequired => MISSING_REQUIRED,
        DriftKind::TypeMismatch => TYPE_MISMATCH,
        DriftKind::EnumMismatch => ENUM_MISMATCH,
        DriftKind::BadJson => BAD_JSON,
        DriftKind::PathParamMismatch => PATH_PARAM_MISMATCH,
    }
}

/// Reads the doc files findings point into, once each, relative to `base`.
struct Sources<'a> {
    base: &'a Path,
    texts: BTreeMap<String, Option<Source>>,
}

/// A file's text and where each of its lines (as `str::lines` cuts them) starts and ends: a finding's line is
/// looked up, not counted from the start (thousands of findings, each searching up to 500 lines).
struct Source {
    text: String,
    lines: Vec<std::ops::Range<usize>>,
}

impl Source {
    fn new(text: String) -> Self {
        let start = text.as_ptr() as usize;
        let lines = text
            .lines()
            .map(|l| {
                let from = l.as_ptr() as usize - start;
                from..from + l.len()
            })
            .collect();
        Source { text, lines }
    }
}

impl Sources<'_> {
    fn line(&mut self, file: &str, line: u32) -> Option<String> {
        let base = self.base;
        let source = self
            .texts
            .entry(file.to_string())
            .or_insert_with(|| std::fs::read_to_string(base.join(file)).ok().map(Source::new))
            .as_ref()?;
        let range = source.lines.get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        source.text.get(range.clone()).map(str::to_string)
    }

    /// From `line` on, the first line (in the same code block) holding `needle`, and its column.
    fn find_from(&mut self, file: &str, line: u32, needle: &str) -> Option<(u32, u32)> {
        for l in line..line.saturating_add(500) {
            let text = self.line(file, l)?;
            if l > line && text.trim_start().starts_with("```") {
                return None;
            }
            if let Some(col) = char_column(&text, needle) {
                return Some((l, col));
            }
        }
        None
    }
}

/// 1-based character column of `needle` in `text`.
fn char_column(text: &str, needle: &str) -> Option<u32> {
    let byte = text.find(needle)?;
    u32::try_from(text.get(..byte)?.chars().count() + 1).ok()
}

fn width(s: &str) -> u32 {
    u32::try_from(s.chars().count()).unwrap_or(0)
}

/// The `quoted` words of a message, in order.
fn quoted(message: &str) -> impl Iterator<Item = &str> {
    message.split('`').skip(1).step_by(2).filter(|s| !s.is_empty())
}

/// Reviews a docs tree's IR and the coded diagnostics of loading it. `root` is the docs folder (`api-docs`): file paths in findings are relative to
/// its parent, as in every diagnostic.
pub fn review(ir: &Ir, diagnostics: &[Diagnostic], root: &Path) -> Review {
    let base = root.parent().unwrap_or(root);
    let mut sources = Sources { base, texts: BTreeMap::new() };
    let mut findings = Vec::new();
    let mut overrides = Vec::new();
    for system in &ir.systems {
        for api in &system.apis {
            // An unreadable example is reported by the lowering (coded, at the line where reading stopped).
            for d in drift::check_api(system, api).into_iter().filter(|d| d.kind != DriftKind::BadJson) {
                let last = d.path.rsplit(['.', '[']).find(|s| !s.is_empty() && *s != "]").unwrap_or("");
                let key = last.trim_end_matches("[]").trim_end_matches(']');
                let (mut line, mut column, mut mark) = (d.line, 1, 0);
                match d.kind {
                    // Point at the key in the example itself.
                    DriftKind::UnknownField => {
                        if let Some((l, c)) = sources.find_from(&d.file, d.line, &format!("\"{key}\"")) {
                            (line, column, mark) = (l, c, width(key) + 2);
                        }
                    }
                    DriftKind::BadJson => {
                        let at = d.message.strip_prefix("line ").and_then(|r| r.split(':').next()?.parse().ok());
                        line = at.unwrap_or(d.line);
                    }
                    _ => {
                        if let Some(c) = sources.line(&d.file, line).and_then(|t| char_column(&t, key)) {
                            (column, mark) = (c, width(key));
                        }
                    }
                }
                let subject = match d.example {
                    "doc" => format!("path: {}", d.path),
                    e => format!("{e} example: {}", d.path),
                };
                findings.push(Finding {
                    code: drift_code(d.kind),
                    severity: if d.kind == DriftKind::BadJson { Severity::Error } else { Severity::Warning },
                    file: d.file.clone(),
                    line,
                    column,
                    subject,
                    message: match d.example {
                        "doc" => d.message.clone(),
                        e => format!("{e} example: {}", d.message),
                    },
                    help: Some(help(d.kind).into()),
                    width: mark,
                    related: None,
                });
            }
            for c in api.corrections.iter().filter(|c| c.by_example.is_none()) {
                overrides.push(Override {
                    api: format!("{}.{}", system.name, api.name),
                    doc: api.source.clone(),
                    target: c.target.clone(),
                    doc_says: c.doc_says.clone(),
                    overridden: c.corrected.clone(),
                    reason: c.reason.clone(),
                });
            }
        }
    }
    for d in diagnostics {
        let Some(code) = d.code else { continue };
        // Point at the first `quoted` word of the message that is on the line.
        let text = sources.line(&d.file, d.line).unwrap_or_default();
        let (column, mark) =
            quoted(&d.message).find_map(|q| char_column(&text, q).map(|c| (c, width(q)))).unwrap_or((1, 0));
        findings.push(Finding {
            code,
            severity: d.severity,
            file: d.file.clone(),
            line: d.line,
            column,
            subject: d.subject.clone().unwrap_or_else(|| d.message.clone()),
            message: d.message.clone(),
            help: d.help.clone(),
            width: mark,
            related: d.related.as_deref().cloned(),
        });
    }
    findings.sort_by(|a, b| (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code)));
    findings.dedup();
    Review { findings, overrides }
}

fn help(kind: DriftKind) -> &'static str {
    match kind {
        DriftKind::UnknownField | DriftKind::MissingRequired | DriftKind::TypeMismatch | DriftKind::EnumMismatch => {
            "fix the doc, override the field in bkapi.toml, or accept the drift with `cargo xtask drift --bless`"
        }
        DriftKind::BadJson => "fix the JSON of the example",
        DriftKind::PathParamMismatch => "fix the path or the parameter names, or override `path` in bkapi.toml",
    }
}

/// Renders findings like rustc (`warning[D001]: …` with ` --> file:line:column` and the source line).
/// `status` adds a note per finding (`accepted in drift-baseline.toml`, `new`).
pub fn render(review: &Review, root: &Path, status: &dyn Fn(&Finding) -> Option<String>) -> String {
    let base = root.parent().unwrap_or(root);
    let mut sources = Sources { base, texts: BTreeMap::new() };
    let renderer = Renderer::plain();
    let mut out = String::new();
    for f in &review.findings {
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let source = sources.line(&f.file, f.line).unwrap_or_default();
        let start = source.char_indices().nth(f.column.saturating_sub(1) as usize).map_or(source.len(), |(i, _)| i);
        let end = source
            .get(start..)
            .and_then(|rest| rest.char_indices().nth(f.width as usize).map(|(i, _)| start + i))
            .unwrap_or(source.len());
        let label = f.subject.clone();
        let mut group = level.primary_title(f.message.as_str()).id(f.code).element(
            Snippet::source(source.as_str())
                .line_start(f.line as usize)
                .path(f.file.as_str())
                .annotation(AnnotationKind::Primary.span(start..end.max(start)).label(label.as_str())),
        );
        let related =
            f.related.as_ref().map(|(file, line)| (file, *line, sources.line(file, *line).unwrap_or_default()));
        if let Some((file, line, text)) = &related {
            group = group.element(
                Snippet::source(text.as_str())
                    .line_start(*line as usize)
                    .path(file.as_str())
                    .annotation(AnnotationKind::Context.span(0..text.len()).label("the other doc")),
            );
        }
        let note = status(f);
        if let Some(n) = &note {
            group = group.element(Level::NOTE.message(n.as_str()));
        }
        if let Some(h) = &f.help {
            group = group.element(Level::HELP.message(h.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    for o in &review.overrides {
        let reason = if o.reason.is_empty() { String::new() } else { format!(" — {}", o.reason) };
        out.push_str(&format!(
            "note[override]: {} `{}`: the doc says `{}`, bkapi.toml overrides it with `{}`{reason}\n  --> {}\n\n",
            o.api, o.target, o.doc_says, o.overridden, o.doc
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        assert_eq!(char_column("| 名称 | `ip` |", "ip"), Some(9));
    }
}

#[cfg(test)]
mod code_tests {
    use super::*;
    use crate::check::baseline::Baseline;
    use crate::lower::LowerOptions;
    use crate::pipeline::load_docs;
    use std::fs;

    const TABLE: &str = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n";

    /// A docs tree with one system `s`; returns the review of it.
    fn review_of(docs: &[(&str, String)], meta: &str) -> (Review, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let sys = dir.path().join("api-docs/s");
        fs::create_dir_all(&sys).unwrap();
        for (name, text) in docs {
            // A manifest keeps its name; a doc gets `.md`.
            let path = if name.ends_with(".yaml") { sys.join(name) } else { sys.join(format!("{name}.md")) };
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        fs::write(sys.join("bkapi.toml"), format!("flavor = \"esb\"\n{meta}")).unwrap();
        let root = dir.path().join("api-docs");
        let loaded = load_docs(&root, LowerOptions::default()).unwrap();
        (review(&loaded.ir, &loaded.diagnostics, &root), dir)
    }

    fn doc(rows: &str, example: &str) -> String {
        format!("POST /api/c/compapi/v2/s/x/\n\n{TABLE}{rows}\n### 请求参数示例\n\n```json\n{example}\n```\n")
    }

    fn find<'a>(review: &'a Review, code: &str) -> &'a Finding {
        review.findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("no {code} in {:#?}", review.findings))
    }

    #[test]
    fn every_code_has_a_doc_that_triggers_it() {
        let (r, _dir) = review_of(
            &[
                ("d001", doc("| a | int | 否 | x |\n", "{\n  \"a\": 1,\n  \"b\": 2\n}")),
                ("d002", doc("| a | int | 是 | x |\n", "{}")),
                ("d003", doc("| a | int | 是 | x |\n", "{\"a\": \"one\"}")),
                ("d004", doc("| os | int | 是 | 1：LINUX 2：WINDOWS |\n", "{\"os\": 3}")),
                ("d005", doc("| a | int | 是 | x |\n", "{\"a\": }")),
                ("d006", format!("POST /api/{{id}}/x\n\n{TABLE}| a | int | 否 | x |\n")),
                ("d007", doc("| a | 分发模式 | 否 | x |\n", "{}")),
                ("d008", doc("| a | int | 否 | x |\n| a | int | 否 | y |\n", "{}")),
                ("d009", doc("| s | object | 否 | 见 server 定义 |\n", "{}")),
                ("zh_hans/d011", doc("| a | int | 是 | x |\n", "{\"a\": 1}")),
                ("en/d011", doc("| a | string | 是 | x |\n", "{\"a\": 1}")),
                // Two APIs whose English summaries are one text while their Chinese ones differ; one without `en`.
                ("zh_hans/d013a", format!("### 功能描述\n\n启动\n\n{}", doc("| a | int | 否 | x |\n", "{}"))),
                ("zh_hans/d013b", format!("### 功能描述\n\n停止\n\n{}", doc("| a | int | 否 | x |\n", "{}"))),
                ("en/d013a", format!("### Description\n\nStart\n\n{}", doc("| a | int | 否 | x |\n", "{}"))),
                ("en/d013b", format!("### Description\n\nStart\n\n{}", doc("| a | int | 否 | x |\n", "{}"))),
                ("zh_hans/d014", doc("| a | int | 否 | x |\n", "{}")),
                // The system's component list names other components: the route of `d012` is a guess.
                ("s.yaml", "- name: other\n  dest_path: /other/\n  path: /v2/s/other/\n".to_string()),
                ("d012", format!("{TABLE}| a | int | 否 | x |\n")),
            ],
            "esb_system = \"s\"\n[[apis.d001.corrections]]\nfield = \"request.gone\"\ntype = \"int\"\nreason = \"stale\"\n",
        );
        let codes: std::collections::BTreeSet<&str> = r.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes.into_iter().collect::<Vec<_>>(), CODES.iter().map(|(c, _)| *c).collect::<Vec<_>>());

        // Each points at the doc line, column and text it is about.
        let d001 = find(&r, UNKNOWN_FIELD);
        assert_eq!((d001.file.as_str(), d001.line, d001.column), ("api-docs/s/d001.md", 14, 3));
        assert_eq!(d001.subject, "request example: b");
        let d002 = find(&r, MISSING_REQUIRED);
        assert_eq!((d002.line, d002.column, d002.width), (7, 3, 1));
        assert_eq!(find(&r, TYPE_MISMATCH).subject, "request example: a");
        assert_eq!(find(&r, ENUM_MISMATCH).subject, "request example: os");
        assert_eq!(find(&r, BAD_JSON).severity, Severity::Error);
        assert_eq!(find(&r, PATH_PARAM_MISMATCH).subject, "path: {id}");
        let d007 = find(&r, UNKNOWN_TYPE);
        assert_eq!((d007.line, d007.column), (7, 7), "points at the type word");
        // Doc problems carry their subject as data, not as message text.
        assert_eq!(find(&r, DUPLICATE_FIELD).subject, "a");
        assert_eq!(d007.subject, "a: 分发模式");
        assert_eq!(find(&r, UNRESOLVED_REFERENCE).subject, "s → server");
        assert!(find(&r, UNRESOLVED_REFERENCE).message.contains("`server`"));
        let d011 = find(&r, TRANSLATION_MISMATCH);
        assert_eq!(
            (d011.file.as_str(), d011.line, d011.subject.as_str()),
            ("api-docs/s/zh_hans/d011.md", 7, "request.a: type")
        );
        assert_eq!(d011.related, Some(("api-docs/s/en/d011.md".to_string(), 7)), "both file:line");
        let rendered = render(
            &Review { findings: vec![d011.clone()], overrides: Vec::new() },
            &_dir.path().join("api-docs"),
            &|_| None,
        );
        assert!(rendered.contains("api-docs/s/en/d011.md:7"), "{rendered}");
        let d013 = find(&r, COPIED_SUMMARY);
        assert_eq!((d013.line, d013.related.as_ref().map(|r| r.1)), (3, Some(3)), "the summaries' lines");
        let d014 = r.findings.iter().filter(|f| f.code == MISSING_TRANSLATION).map(|f| f.file.as_str());
        assert!(d014.clone().any(|f| f == "api-docs/s/zh_hans/d014.md"), "{:?}", d014.collect::<Vec<_>>());
        let d010 = find(&r, STALE_OVERRIDE);
        assert_eq!(d010.file, "api-docs/s/bkapi.toml");
        assert!(!d010.baselinable());
    }

    #[test]
    fn baseline_check_fails_on_new_drift_and_on_stale_entries_and_bless_fixes_both() {
        let (r, _dir) = review_of(&[("x", doc("| a | int | 否 | x |\n", "{\"b\": 2}"))], "");
        let empty = Baseline::default();
        let verdict = empty.judge(&r.findings);
        assert!(!verdict.passes());
        assert_eq!(verdict.new.len(), 1);

        let mut blessed = empty.bless(&r.findings);
        assert!(blessed.judge(&r.findings).passes());
        blessed.accepted[0].reason = "kept".into();
        let stale = Baseline {
            reasons: Default::default(),
            accepted: vec![
                blessed.accepted[0].clone(),
                crate::check::baseline::Accepted {
                    code: "D002".into(),
                    file: "api-docs/s/x.md".into(),
                    subject: "request example: gone".into(),
                    reason: String::new(),
                },
            ],
        };
        let verdict = stale.judge(&r.findings);
        assert!(!verdict.passes());
        assert_eq!(verdict.stale.len(), 1);
        let reblessed = stale.bless(&r.findings);
        assert_eq!(reblessed.accepted.len(), 1);
        assert_eq!(reblessed.accepted[0].reason, "kept", "bless keeps reasons");
        assert_eq!(Baseline::parse(&reblessed.to_toml()).unwrap(), reblessed);
    }

    #[test]
    fn findings_render_like_rustc() {
        let (r, dir) = review_of(&[("x", doc("| a | int | 否 | x |\n", "{\n  \"a\": 1,\n  \"zz\": 2\n}"))], "");
        let text = render(&r, &dir.path().join("api-docs"), &|_| Some("new".into()));
        assert!(
            text.contains("warning[D001]: request example: `zz` is in the example but not in the doc's table"),
            "{text}"
        );
        assert!(text.contains("--> api-docs/s/x.md:14:3"), "{text}");
        assert!(text.contains("14 |   \"zz\": 2"), "{text}");
        assert!(text.contains("^^^^ request example: zz"), "{text}");
        assert!(text.contains("= note: new"), "{text}");
    }
}
