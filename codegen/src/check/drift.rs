//! Drift: where a doc contradicts itself. Examples are checked against the IR (tables + corrections), and the
//! path template against the path parameters. Reads only the IR.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::check::wire_model::{self, IssueKind, missing_message};
use crate::ir::{Api, Contradiction, Example, ExampleKind, Field, ParamLocation, System, TypeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// The example has a field the table does not list.
    UnknownField,
    /// The table says required; the example lacks it.
    MissingRequired,
    /// The example's value has another type than the table says.
    TypeMismatch,
    /// The value is not among those the doc lists (value table or `1：LINUX 2：WINDOWS` description).
    EnumMismatch,
    /// The example cannot be read as JSON even leniently.
    BadJson,
    /// A path placeholder without a path parameter, or a path parameter without a placeholder.
    PathParamMismatch,
}

impl DriftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::UnknownField => "unknown_field",
            DriftKind::MissingRequired => "missing_required",
            DriftKind::TypeMismatch => "type_mismatch",
            DriftKind::EnumMismatch => "enum_mismatch",
            DriftKind::BadJson => "bad_json",
            DriftKind::PathParamMismatch => "path_param_mismatch",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Drift {
    pub kind: DriftKind,
    /// `request`, `response`, or `doc` for drift not about an example.
    pub example: &'static str,
    /// JSON path, array indices written `[]`: `hosts[].port`.
    pub path: String,
    pub file: String,
    /// Doc line of the table row (or of the example when no row exists).
    pub line: u32,
    pub message: String,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: drift[{}] {} example, `{}`: {}",
            self.file,
            self.line,
            self.kind.as_str(),
            self.example,
            self.path,
            self.message
        )
    }
}

/// Every contradiction of one API, deduplicated (array elements report once), sorted.
pub fn check_api(system: &System, api: &Api) -> Vec<Drift> {
    let mut cx = Checker::new(system, api, None);
    cx.path_params();
    for e in &api.examples {
        cx.example(e);
    }
    // Another language's examples, against the same types: drift in that doc, at the example.
    for t in &api.translations {
        cx.translation = Some(&t.source);
        for e in &t.examples {
            cx.example(e);
        }
    }
    cx.out.into_iter().collect()
}

/// The contradictions one example shows, deduplicated and sorted. `translation`: the doc it is from, when it
/// is one of [`Api::translations`].
pub fn check_example(system: &System, api: &Api, example: &Example, translation: Option<&str>) -> Vec<Drift> {
    let mut cx = Checker::new(system, api, translation);
    cx.example(example);
    cx.out.into_iter().collect()
}

struct Checker<'a> {
    system: &'a System,
    api: &'a Api,
    /// The other-language doc whose examples are being checked: findings point at the example there.
    translation: Option<&'a str>,
    out: BTreeSet<Drift>,
    example: &'static str,
    example_line: u32,
}

impl<'a> Checker<'a> {
    fn new(system: &'a System, api: &'a Api, translation: Option<&'a str>) -> Self {
        Checker { system, api, translation, out: BTreeSet::new(), example: "doc", example_line: 0 }
    }

    fn example(&mut self, e: &Example) {
        let api = self.api;
        self.example = match e.kind {
            ExampleKind::Request => "request",
            ExampleKind::Response => "response",
        };
        self.example_line = e.line;
        // What the generator corrected because of this example is still a contradiction in the doc.
        let own = self.translation.is_none();
        for c in api.corrections.iter().filter(|c| own && c.by_example == Some(e.line)) {
            let path = c.target.split_once('.').map_or("data", |(_, rest)| rest);
            let path =
                if self.example == "response" && path != "data" { format!("data.{path}") } else { path.to_string() };
            let (kind, msg) = match c.contradiction {
                Contradiction::TypeMismatch => (
                    DriftKind::TypeMismatch,
                    format!(
                        "the doc says {}, the example has {}; generated as {}",
                        c.doc_says, c.corrected, c.corrected
                    ),
                ),
                Contradiction::MissingRequired => (
                    DriftKind::MissingRequired,
                    format!(
                        "{}; generated as {}",
                        missing_message(path.rsplit('.').next().unwrap_or_default()),
                        c.corrected
                    ),
                ),
            };
            self.push(kind, path, c.line, msg);
        }
        if e.value.is_none() {
            self.push(DriftKind::BadJson, String::new(), e.line, e.error.clone().unwrap_or_default());
            return;
        }
        for issue in wire_model::fit_example(self.system, api, e).issues {
            let kind = match issue.kind {
                IssueKind::UnknownField => DriftKind::UnknownField,
                IssueKind::MissingRequired => DriftKind::MissingRequired,
                IssueKind::TypeMismatch => DriftKind::TypeMismatch,
                IssueKind::EnumMismatch => DriftKind::EnumMismatch,
            };
            self.push(kind, issue.place, issue.line, issue.message);
        }
    }

    fn push(&mut self, kind: DriftKind, path: String, line: u32, message: String) {
        // Lines of the types are the first doc's: another language's finding points at its example.
        let line = if line == 0 || self.translation.is_some() { self.example_line } else { line };
        let file = self.translation.unwrap_or(&self.api.source).to_string();
        self.out.insert(Drift { kind, example: self.example, path, file, line, message });
    }

    fn path_params(&mut self) {
        let placeholders: Vec<&str> = crate::ir::path_placeholders(&self.api.path).collect();
        let request = self.system.type_def(&self.api.request);
        let fields: Vec<&Field> = match request.map(|t| &t.kind) {
            Some(TypeKind::Struct { fields }) => fields.iter().filter(|f| f.location == ParamLocation::Path).collect(),
            _ => Vec::new(),
        };
        for p in &placeholders {
            // A path parameter only the placeholder gives (lowering's `path_params` pass) is still undocumented.
            if !fields.iter().any(|f| f.name == *p && !f.inferred) {
                let msg = format!("path `{}` has placeholder `{{{p}}}` but no path parameter `{p}`", self.api.path);
                self.push(DriftKind::PathParamMismatch, format!("{{{p}}}"), 1, msg);
            }
        }
        for f in fields {
            if !placeholders.contains(&f.name.as_str()) {
                let msg = format!("path parameter `{}` has no placeholder in path `{}`", f.name, self.api.path);
                self.push(DriftKind::PathParamMismatch, f.name.clone(), f.line, msg);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ExampleKind, Type};
    use crate::lower::LowerOptions;
    use crate::pipeline::load_doc;

    /// One doc of this text, loaded from a folder of its own (kept alive by the returned guard).
    fn load_one(text: &str) -> (tempfile::TempDir, crate::pipeline::Loaded) {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("s/x.md");
        std::fs::create_dir_all(doc.parent().unwrap()).unwrap();
        std::fs::write(&doc, text).unwrap();
        let loaded = load_doc(&doc, LowerOptions::default()).unwrap();
        (dir, loaded)
    }

    #[test]
    fn a_key_only_the_example_shows_is_one_finding_however_deep_its_value() {
        let (_dir, loaded) = load_one(
            "POST /api/c/compapi/v2/s/x/\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | id | int | 是 | x |\n\n### 请求参数示例\n\n```json\n\
             {\"id\": 1, \"extra\": {\"a\": 1, \"b\": {\"c\": [1, 2]}}}\n```\n",
        );
        let system = &loaded.ir.systems[0];
        let drift = check_api(system, &system.apis[0]);
        let unknown: Vec<&str> =
            drift.iter().filter(|d| d.kind == DriftKind::UnknownField).map(|d| d.path.as_str()).collect();
        assert_eq!(unknown, ["extra"], "{drift:#?}");
        // …and the types keep its values: the field exists, typed from the example.
        let request = system.types.iter().find(|t| t.name == system.apis[0].request).unwrap();
        let TypeKind::Struct { fields } = &request.kind else { panic!() };
        let extra = fields.iter().find(|f| f.name == "extra").unwrap();
        assert_eq!(extra.from_example, Some(12));
    }

    #[test]
    fn empty_text_in_an_optional_object_field_decodes_as_absent_and_is_drift() {
        // monitor's `get_event_log`: `extend_info` is documented as an object and sent as `""`.
        let (_dir, loaded) = load_one(
            "POST /api/c/compapi/v2/s/x/\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | id | int | 是 | x |\n\n### 返回结果示例\n\n```json\n\
             {\"result\": true, \"data\": {\"event_id\": 1, \"extend_info\": \"\"}}\n```\n\n### 返回结果参数说明\n\n\
             | 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n| event_id | int | 否 | 事件 |\n\
             | extend_info | dict | 否 | 扩展信息 |\n",
        );
        let system = &loaded.ir.systems[0];
        let api = &system.apis[0];
        let response = api.examples.iter().find(|e| e.kind == ExampleKind::Response).unwrap();
        assert_eq!(crate::check::wire_model::decode_example(system, api, response), Ok(()));
        let drift = check_api(system, api);
        let mismatched: Vec<&str> =
            drift.iter().filter(|d| d.kind == DriftKind::TypeMismatch).map(|d| d.path.as_str()).collect();
        assert_eq!(mismatched, ["data.extend_info"], "{drift:#?}");
    }

    #[test]
    fn objects_keyed_by_generated_ids_are_maps_and_report_once_per_place() {
        let (_dir, loaded) = load_one(
            "POST /api/c/compapi/v2/s/x/\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
             | id | int | 是 | x |\n\n### 返回结果示例\n\n```json\n\
             {\"result\": true, \"data\": {\"children\": {\"node88d9050f288765b94a15cbe023ab\": {\"state\": \"RUNNING\"},\
             \"n00e3a0396403a19a4517d8e2eb0b015\": {\"state\": \"FINISHED\"}}}}\n```\n\n### 返回结果参数说明\n\n\
             | 字段 | 类型 | 描述 |\n|---|---|---|\n| children | dict | 子节点 |\n",
        );
        let system = &loaded.ir.systems[0];
        let response = system.types.iter().find(|t| Type::Named(t.name.clone()) == system.apis[0].response).unwrap();
        let TypeKind::Struct { fields } = &response.kind else { panic!() };
        // A map of node id to a struct of what every node sends, not a struct with a field per id.
        let Type::Map(value) = &fields[0].ty else { panic!("{:?}", fields[0].ty) };
        let Type::Named(item) = value.as_ref() else { panic!("{value:?}") };
        let item = system.types.iter().find(|t| t.name == *item).unwrap();
        let TypeKind::Struct { fields } = &item.kind else { panic!() };
        assert_eq!(fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["state"]);
        // `state` is in no table: one finding for its place in the types, not one per node.
        let drift = check_api(system, &system.apis[0]);
        let unknown: Vec<&str> =
            drift.iter().filter(|d| d.kind == DriftKind::UnknownField).map(|d| d.path.as_str()).collect();
        assert_eq!(unknown, ["data.children{}.state"], "{drift:#?}");
    }
}
