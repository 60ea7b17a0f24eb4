//! The pipeline's passes over a system's lowered APIs: languages merged, newest revisions kept, Rust names
//! unique, metadata checked against the docs, waiters, and APIs whose types lose most of their examples.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::doc_passes::Meta;
use super::{DocStatus, LoweredApi, Report, SystemInput, api_name_of};
use crate::diagnostics::Diagnostic;
use crate::ir::{System, Type, TypeKind, Waiter};
use crate::lower::{ApiDraft, merge_translation};
use crate::read::discover::DocSet;

/// The docs of one API in one publication's languages become one API, the first language's (Chinese) first.
pub(super) fn merge_languages(set: &DocSet, lowered: Vec<LoweredApi>, out: &mut Report) -> Vec<LoweredApi> {
    let mut merged: Vec<LoweredApi> = Vec::new();
    // (publication, API name) → its index in `merged`.
    let mut index: HashMap<(Option<&Path>, String), usize> = HashMap::new();
    for l in lowered {
        let publication = set.folders.get(l.folder).map(|f| f.publication.as_path());
        match index.get(&(publication, l.draft.name.clone())).and_then(|&i| merged.get_mut(i)) {
            Some(first) => {
                out.diagnostics.extend(merge_translation(&mut first.draft, l.draft));
                first.files.extend(l.files);
            }
            None => {
                index.insert((publication, l.draft.name.clone()), merged.len());
                merged.push(l);
            }
        }
    }
    merged
}

/// How the newer of two publications is chosen, as said wherever the choice is recorded.
pub const REVISION_RULE: &str = "the publication that documents more of a system's APIs is taken as the newer revision (the earlier in the tree on a tie)";

/// Where two publications of a system document one API (by name, or by method and path), the newer revision
/// wins: the one named so on import (`--prefer`), else the publication that documents more of the system's APIs (a newer revision adds APIs far more often
/// than it drops them), the earlier in the tree on a tie. The others' docs are superseded, and said so.
pub(super) fn newest_revisions(set: &DocSet, merged: Vec<LoweredApi>, out: &mut Report) -> Vec<ApiDraft> {
    let publication = |folder: usize| set.folders.get(folder).map(|f| f.publication.clone()).unwrap_or_default();
    let mut counts: Vec<(PathBuf, usize)> = Vec::new();
    for l in &merged {
        let p = publication(l.folder);
        match counts.iter_mut().find(|(q, _)| *q == p) {
            Some((_, n)) => *n += 1,
            None => counts.push((p, 1)),
        }
    }
    if counts.len() < 2 {
        return merged.into_iter().map(|l| l.draft).collect();
    }
    let count_of = |p: &Path| counts.iter().find(|(q, _)| q == p).map_or(0, |(_, n)| *n);
    let rank = |p: &Path| counts.iter().position(|(q, _)| q == p).unwrap_or(usize::MAX);
    let preferred = |folder: usize| set.folders.get(folder).is_some_and(|f| f.preferred);
    let mut order: Vec<usize> = (0..merged.len()).collect();
    order.sort_by_key(|&i| {
        let folder = merged.get(i).map_or(0, |l| l.folder);
        let p = publication(folder);
        (!preferred(folder), std::cmp::Reverse(count_of(&p)), rank(&p))
    });
    let mut winner: Vec<Option<usize>> = vec![None; merged.len()];
    let mut kept: Vec<usize> = Vec::new();
    for i in order {
        let Some(l) = merged.get(i) else { continue };
        let same =
            |k: &usize| merged.get(*k).is_some_and(|o| o.draft.name == l.draft.name || o.draft.route == l.draft.route);
        match kept.iter().copied().find(same) {
            Some(k) => winner[i] = Some(k),
            None => kept.push(i),
        }
    }
    let mut drafts = Vec::new();
    for (i, l) in merged.iter().enumerate() {
        let Some(w) = winner.get(i).copied().flatten().and_then(|k| merged.get(k)) else {
            drafts.push(l.draft.clone());
            continue;
        };
        let (newer, older) = (publication(w.folder), publication(l.folder));
        let why = if preferred(w.folder) {
            format!("superseded by `{}`: {} is preferred as the newer revision", w.draft.source, display_dir(&newer))
        } else {
            format!(
                "superseded by `{}`: {} documents {} of this system's APIs and {} documents {}; {REVISION_RULE}",
                w.draft.source,
                display_dir(&newer),
                count_of(&newer),
                display_dir(&older),
                count_of(&older)
            )
        };
        for file in &l.files {
            out.diagnostics.push(
                Diagnostic::warning(file, 1, why.clone())
                    .with_help("import only the revision you want (`cargo xtask import`), or remove the older one"),
            );
            if let Some(doc) = out.docs.iter_mut().find(|d| d.file == *file) {
                doc.status = DocStatus::Superseded;
                doc.superseded_by = Some(w.draft.source.clone());
                doc.superseded_why.clone_from(&why);
            }
        }
    }
    drafts
}

fn display_dir(p: &Path) -> String {
    let parts: Vec<&str> = p.iter().filter_map(|c| c.to_str()).collect();
    parts.iter().rev().take(3).rev().copied().collect::<Vec<_>>().join("/")
}

/// The summaries the metadata corrects (`[apis.<name>.summary]`), recorded on the API with what its docs said.
pub(super) fn corrected_summaries(meta: &Meta, drafts: &mut [ApiDraft]) {
    for draft in drafts.iter_mut() {
        let Some(fix) = meta.meta.apis.get(&draft.name).and_then(|m| m.summary.as_ref()) else { continue };
        let line = meta.source().line_of(&format!("apis.{}.summary", draft.name));
        let old = std::mem::replace(&mut draft.summary, fix.text.trim().to_string());
        // On one line, as corrections are listed: the languages apart by a slash.
        let one_line = |text: &str| text.split("\n\n").map(str::trim).collect::<Vec<_>>().join(" / ");
        draft.corrections.push(crate::ir::Correction {
            target: "summary".into(),
            doc_says: one_line(&old),
            corrected: one_line(&draft.summary),
            reason: fix.reason.clone(),
            by_example: None,
            contradiction: crate::ir::Contradiction::TypeMismatch,
            line,
        });
    }
}

/// `get-x.md` and `get_x.md` would both be `get_x()`: the second cannot be generated.
pub(super) fn unique_rust_names(drafts: Vec<ApiDraft>, out: &mut Report) -> Vec<ApiDraft> {
    let mut kept: Vec<ApiDraft> = Vec::new();
    let mut by_ident: BTreeMap<String, usize> = BTreeMap::new();
    for d in drafts {
        let ident = crate::naming::camel_ident(&d.name);
        if let Some(first) = by_ident.get(&ident).and_then(|&i| kept.get(i)) {
            out.diagnostics.push(
                Diagnostic::error(
                    &d.source,
                    1,
                    format!("API `{}` has the same Rust name as `{}` ({})", d.name, first.name, first.source),
                )
                .with_help("rename one of the two docs"),
            );
            let failed = std::iter::once(&d.source).chain(d.translations.iter().map(|t| &t.source));
            for file in failed {
                if let Some(doc) = out.docs.iter_mut().find(|o| o.file == *file) {
                    doc.status = DocStatus::Failed;
                }
            }
            continue;
        }
        by_ident.insert(ident, kept.len());
        kept.push(d);
    }
    kept
}

/// Metadata for an API whose doc is not there is an error at its line of `bkapi.toml`.
pub(super) fn metadata_without_docs(input: &SystemInput, meta: &Meta, out: &mut Report) {
    // Keyed by the doc's name, or by the name the API is published under (a manifest entry found for a doc).
    let published = |k: &String| input.docs.iter().any(|t| t.beside.as_ref().is_some_and(|r| r.name == *k));
    let documented = |k: &String| input.set.docs().any(|d| api_name_of(d).as_ref() == Some(k)) || published(k);
    for name in meta.meta.apis.keys().filter(|k| !documented(k)) {
        out.diagnostics.push(Diagnostic::error(
            &meta.display,
            meta.source().line_of(&format!("apis.{name}")),
            format!("metadata for `{name}`, but there is no `{name}.md`"),
        ));
    }
}

pub(super) fn paths_outside_prefix(meta: &Meta, drafts: &[ApiDraft], out: &mut Report) {
    let Some(prefix) = &meta.meta.path_prefix else { return };
    for d in drafts {
        if let Some((_, path)) = d.route.as_ref().filter(|(_, p)| !p.starts_with(prefix.as_str())) {
            out.diagnostics.push(Diagnostic::warning(
                &d.source,
                1,
                format!("path `{path}` is outside the system's prefix `{prefix}`"),
            ));
        }
    }
}

/// The metadata's waiters that name an API of the system whose response has the boolean field they wait on;
/// the others are errors at their line of `bkapi.toml`.
pub(super) fn waiters(system: &System, meta: &Meta, out: &mut Report) -> Vec<Waiter> {
    let source = meta.source();
    let mut found = Vec::new();
    for (name, w) in &meta.meta.waiters {
        let line = source.line_of(&format!("waiters.{name}"));
        let api = system.apis.iter().find(|a| a.name == w.api);
        let fields = api.and_then(|a| match &a.response {
            Type::Named(n) => match system.type_def(n).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields }) => Some(fields),
                _ => None,
            },
            _ => None,
        });
        let flag = fields.and_then(|f| f.iter().find(|f| f.name == w.done_when));
        let success_path: Vec<String> =
            w.success_field.as_deref().map(|p| p.split('.').map(str::to_string).collect()).unwrap_or_default();
        let problem = match (api, flag) {
            (None, _) => Some(format!("waiter `{name}` polls `{}`, which this system has no doc of", w.api)),
            (Some(api), Some(f)) if f.ty == Type::Boolean => {
                success_problem(system, api, &success_path, &w.success_values).map(|p| format!("waiter `{name}`: {p}"))
            }
            (Some(_), _) => {
                Some(format!("waiter `{name}`: `{}`'s response has no boolean field `{}`", w.api, w.done_when))
            }
        };
        match problem {
            Some(message) => out.diagnostics.push(
                Diagnostic::error(&meta.display, line, message)
                    .with_help("name an API of this system and a boolean field of its response object"),
            ),
            None => found.push(Waiter {
                name: name.clone(),
                api: w.api.clone(),
                done_when: w.done_when.clone(),
                doc: w.doc.clone().unwrap_or_default(),
                success_path,
                success_values: w.success_values.clone(),
            }),
        }
    }
    found
}

/// What is wrong with a waiter's success rule, if anything: its field must be an integer or string field of the
/// response (through objects), and its values of that type. No rule is no problem.
fn success_problem(
    system: &System,
    api: &crate::ir::Api,
    path: &[String],
    values: &[serde_json::Value],
) -> Option<String> {
    if path.is_empty() {
        return (!values.is_empty()).then(|| "`success_values` without `success_field`".to_string());
    }
    let mut ty = &api.response;
    for (i, segment) in path.iter().enumerate() {
        let fields = match ty {
            Type::Named(n) => match system.type_def(n).map(|t| &t.kind) {
                Some(TypeKind::Struct { fields }) => fields,
                _ => return Some(format!("`{}` is not an object", path[..i].join("."))),
            },
            _ => return Some(format!("`{}` is not an object", if i == 0 { "the response" } else { "a field" })),
        };
        match fields.iter().find(|f| f.name == *segment) {
            Some(f) => ty = &f.ty,
            None => return Some(format!("`{}`'s response has no field `{}`", api.name, path[..=i].join("."))),
        }
    }
    // An enum of listed values (a job's status codes): the success values must be listed ones.
    if let Type::Named(n) = ty
        && let Some(TypeKind::Enum { values: listed, repr, .. }) = system.type_def(n).map(|t| &t.kind)
    {
        let listed_value = |v: &serde_json::Value| {
            let text = match v {
                serde_json::Value::Number(n) if !repr.is_string() => n.to_string(),
                serde_json::Value::String(s) if repr.is_string() => s.clone(),
                _ => return false,
            };
            listed.iter().any(|l| l.value.trim() == text)
        };
        return match values.iter().find(|v| !listed_value(v)) {
            None if !values.is_empty() => None,
            None => Some("`success_values` is empty".to_string()),
            Some(v) => Some(format!("`{}` does not list the value {v}", path.join("."))),
        };
    }
    let fits = |v: &serde_json::Value| match ty {
        Type::Integer => v.is_i64(),
        Type::String => v.is_string(),
        _ => false,
    };
    match ty {
        Type::Integer | Type::String if !values.is_empty() && values.iter().all(fits) => None,
        Type::Integer | Type::String => Some(format!(
            "`success_values` must list {} values",
            if *ty == Type::Integer { "integer" } else { "string" }
        )),
        _ => Some(format!("`{}` is not an integer or string field", path.join("."))),
    }
}

/// A doc whose request no table fills, or whose response types keep under half of an example, failed: its
/// errors say where (see [`crate::check::retention::lossy_api_errors`]).
pub(super) fn fail_lossy_apis(system: &System, out: &mut Report) {
    for api in &system.apis {
        let errors = crate::check::retention::lossy_api_errors(system, api);
        if errors.is_empty() {
            continue;
        }
        if let Some(doc) = out.docs.iter_mut().find(|d| d.file == api.source) {
            doc.status = DocStatus::Failed;
        }
        out.diagnostics.extend(errors);
    }
}

/// What a reader sees in each language and no type compares: the APIs' summaries. Per publication with docs in
/// more than one language, an API with no doc or no summary in one of them (D014), and an API whose summary in
/// one language is another API's while their summaries in another language differ (D013: JOB v3's English
/// `fast_execute_script` reads "Start Job Plan", `execute_job_plan`'s). Run before the languages are merged.
pub(super) fn texts_across_languages(set: &DocSet, lowered: &[LoweredApi], out: &mut Report) {
    let mut publications: BTreeMap<&Path, Vec<&LoweredApi>> = BTreeMap::new();
    for l in lowered {
        if let Some(folder) = set.folders.get(l.folder) {
            publications.entry(folder.publication.as_path()).or_default().push(l);
        }
    }
    for (publication, apis) in publications {
        let languages: Vec<&str> = set
            .folders
            .iter()
            .filter(|f| f.publication == publication && !f.docs.is_empty())
            .map(|f| f.language.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if languages.len() < 2 {
            continue;
        }
        // language → API name → its draft in that language.
        let mut by_language: BTreeMap<&str, BTreeMap<&str, &ApiDraft>> = BTreeMap::new();
        for l in &apis {
            by_language.entry(l.draft.language.as_str()).or_default().insert(l.draft.name.as_str(), &l.draft);
        }
        missing_translations(&languages, &by_language, out);
        copied_summaries(&languages, &by_language, out);
    }
}

/// The summary a reader sees, normalized for comparison; `None` when the doc has none.
fn stated_summary(draft: &ApiDraft) -> Option<String> {
    let text = draft.summary.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim_end_matches(['.', '。', '!', '！']).trim();
    (draft.summary_line != 0 && !text.is_empty()).then(|| text.to_string())
}

type ByLanguage<'a> = BTreeMap<&'a str, BTreeMap<&'a str, &'a ApiDraft>>;

fn missing_translations(languages: &[&str], by_language: &ByLanguage<'_>, out: &mut Report) {
    let names: std::collections::BTreeSet<&str> = by_language.values().flat_map(|m| m.keys().copied()).collect();
    for name in names {
        let present: Vec<&ApiDraft> = languages.iter().filter_map(|l| by_language.get(l)?.get(name).copied()).collect();
        let Some(first) = present.first() else { continue };
        for language in languages {
            let Some(documented) = by_language.get(language).map(BTreeMap::len) else { continue };
            match by_language.get(language).and_then(|m| m.get(name)) {
                None => out.diagnostics.push(
                    Diagnostic::warning(
                        &first.source,
                        first.summary_line.max(1),
                        format!(
                            "`{name}` has no `{language}` doc, while its publication documents {documented} other \
                             API(s) in `{language}`: readers of that language find nothing"
                        ),
                    )
                    .with_code(crate::diagnostics::codes::MISSING_TRANSLATION, format!("{language} doc"))
                    .with_help("add the translation upstream, or accept the finding"),
                ),
                Some(d) if stated_summary(d).is_none() => {
                    if let Some(other) = present.iter().find(|p| stated_summary(p).is_some()) {
                        out.diagnostics.push(
                            Diagnostic::warning(
                                &d.source,
                                1,
                                format!(
                                    "the `{language}` doc of `{name}` has no summary; the `{}` doc has one",
                                    other.language
                                ),
                            )
                            .with_code(crate::diagnostics::codes::MISSING_TRANSLATION, format!("{language} summary"))
                            .with_related(&other.source, other.summary_line)
                            .with_help("add the summary upstream (`### 功能描述` / `### Function Description`)"),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
}

fn copied_summaries(languages: &[&str], by_language: &ByLanguage<'_>, out: &mut Report) {
    for language in languages {
        let Some(apis) = by_language.get(language) else { continue };
        let mut by_text: BTreeMap<String, Vec<&ApiDraft>> = BTreeMap::new();
        for d in apis.values() {
            if let Some(text) = stated_summary(d) {
                by_text.entry(text).or_default().push(d);
            }
        }
        for (text, same) in by_text.iter().filter(|(_, same)| same.len() > 1) {
            for (i, a) in same.iter().enumerate() {
                for b in same.iter().skip(i + 1) {
                    // The first other language whose summaries tell the two apart: (language, a's, b's).
                    let Some((other_language, sa, sb)) = languages.iter().filter(|l| *l != language).find_map(|l| {
                        let m = by_language.get(l)?;
                        let (sa, sb) =
                            (stated_summary(m.get(a.name.as_str())?)?, stated_summary(m.get(b.name.as_str())?)?);
                        (sa != sb).then_some((*l, sa, sb))
                    }) else {
                        continue;
                    };
                    // The copy is the API whose name the text fits less (`fast_execute_script` and "Start Job
                    // Plan"); when the text fits both alike, both are said.
                    let (fit_a, fit_b) = (name_fit(&a.name, text), name_fit(&b.name, text));
                    let (ab, ba) = ((a, b, &sa, &sb), (b, a, &sb, &sa));
                    let pairs = match fit_a.cmp(&fit_b) {
                        std::cmp::Ordering::Less => vec![ab],
                        std::cmp::Ordering::Greater => vec![ba],
                        std::cmp::Ordering::Equal => vec![ab, ba],
                    };
                    for (copy, original, copy_other, original_other) in pairs {
                        out.diagnostics.push(
                            Diagnostic::warning(
                                &copy.source,
                                copy.summary_line,
                                format!(
                                    "the `{language}` summary of `{}` is \"{text}\", word for word that of `{}`, while \
                                     their `{other_language}` summaries differ (`{copy_other}` and `{original_other}`): one of them was \
                                     copied",
                                    copy.name, original.name
                                ),
                            )
                            .with_code(
                                crate::diagnostics::codes::COPIED_SUMMARY,
                                format!("{language} summary = {}", original.name),
                            )
                            .with_related(&original.source, original.summary_line)
                            .with_help("correct the summary upstream, or accept the finding"),
                        );
                    }
                }
            }
        }
    }
}

/// How many of an API name's words its summary has (`execute_job_plan`, "Start Job Plan": 2).
fn name_fit(name: &str, text: &str) -> usize {
    let text = text.to_lowercase();
    let words: std::collections::BTreeSet<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
    name.split('_').filter(|w| w.len() > 1 && words.contains(w)).count()
}
