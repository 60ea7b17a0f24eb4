//! API diff between two versions of the docs: what a doc update changes for users of the generated crate, each
//! change marked breaking or not, with a semver verdict. Reads only the IR.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::ir::{Api, Field, Ir, System, Type, TypeDef, TypeKind};
use crate::naming::variant_names;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// `system.api`.
    pub api: String,
    /// What changed, for a reader: "request field `hosts.port` removed".
    pub what: String,
    /// Code using the generated crate may stop compiling (or decoding) because of it.
    pub breaking: bool,
}

/// The semver step a release with these changes needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SemverBump {
    /// Nothing users can see changed.
    None,
    /// Additions only.
    Minor,
    /// Something breaks.
    Major,
}

impl fmt::Display for SemverBump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SemverBump::None => "none",
            SemverBump::Minor => "minor",
            SemverBump::Major => "major",
        })
    }
}

pub fn semver_bump(changes: &[Change]) -> SemverBump {
    if changes.iter().any(|c| c.breaking) {
        SemverBump::Major
    } else if changes.is_empty() {
        SemverBump::None
    } else {
        SemverBump::Minor
    }
}

/// Every change from `old` to `new`, sorted.
pub fn diff(old: &Ir, new: &Ir) -> Vec<Change> {
    let mut out = Vec::new();
    let apis = |ir: &Ir| -> BTreeSet<(String, String)> {
        ir.systems.iter().flat_map(|s| s.apis.iter().map(move |a| (s.name.clone(), a.name.clone()))).collect()
    };
    let (old_apis, new_apis) = (apis(old), apis(new));
    // An API now published under another name keeps its old one as an alias: a rename, said as one.
    let renamed_to = |system: &str, name: &str| {
        let s = new.systems.iter().find(|s| s.name == system)?;
        s.apis.iter().find(|a| a.aliases.iter().any(|x| x == name)).map(|a| a.name.clone())
    };
    for (system, name) in old_apis.difference(&new_apis) {
        let what = match renamed_to(system, name) {
            Some(to) => format!("API renamed to `{to}` (the name it is published under; `{name}` is a doc alias)"),
            None => "API removed".into(),
        };
        out.push(Change { api: format!("{system}.{name}"), what, breaking: true });
    }
    let rename_of = |system: &str, name: &str| {
        find(new, system, name).is_some_and(|(_, a)| {
            a.aliases.iter().any(|x| {
                old_apis.contains(&(system.to_string(), x.clone()))
                    && !new_apis.contains(&(system.to_string(), x.clone()))
            })
        })
    };
    for (system, name) in new_apis.difference(&old_apis).filter(|(s, n)| !rename_of(s, n)) {
        out.push(Change { api: format!("{system}.{name}"), what: "API added".into(), breaking: false });
    }
    for (system, name) in old_apis.intersection(&new_apis) {
        let (Some((os, oa)), Some((ns, na))) = (find(old, system, name), find(new, system, name)) else { continue };
        let mut cx = TypeComparison {
            old: os,
            new: ns,
            old_names: &oa.names,
            new_names: &na.names,
            api: format!("{system}.{name}"),
            out: &mut out,
            seen: BTreeSet::new(),
        };
        cx.api_changes(oa, na);
    }
    out.sort();
    out.dedup();
    out
}

fn find<'a>(ir: &'a Ir, system: &str, api: &str) -> Option<(&'a System, &'a Api)> {
    let s = ir.systems.iter().find(|s| s.name == system)?;
    s.apis.iter().find(|a| a.name == api).map(|a| (s, a))
}

struct TypeComparison<'a> {
    old: &'a System,
    new: &'a System,
    /// The API's public type names (IR name → name in its module), old and new.
    old_names: &'a BTreeMap<String, String>,
    new_names: &'a BTreeMap<String, String>,
    api: String,
    out: &'a mut Vec<Change>,
    /// Type pairs already compared (types can be recursive and are shared).
    seen: BTreeSet<(String, String, String)>,
}

/// Which side of the API a field is on: adding a required request field breaks callers, a response field not.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn word(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

impl TypeComparison<'_> {
    fn push(&mut self, what: String, breaking: bool) {
        self.out.push(Change { api: self.api.clone(), what, breaking });
    }

    fn api_changes(&mut self, old: &Api, new: &Api) {
        if (old.method, old.path.as_str()) != (new.method, new.path.as_str()) {
            // Callers do not name the method or path: their code keeps compiling and calls the new endpoint.
            self.push(
                format!("endpoint `{} {}` → `{} {}`", old.method.as_str(), old.path, new.method.as_str(), new.path),
                false,
            );
        }
        self.types(&Type::Named(old.request.clone()), &Type::Named(new.request.clone()), "", Side::Request);
        self.types(&old.response, &new.response, "", Side::Response);
    }

    fn types(&mut self, old: &Type, new: &Type, path: &str, side: Side) {
        match (old, new) {
            (Type::Named(a), Type::Named(b)) => {
                if !self.seen.insert((a.clone(), b.clone(), path.to_string())) {
                    return;
                }
                // What users write (`fast_execute_script::Server`): a new name breaks their code.
                let (was, is) = (self.old_names.get(a), self.new_names.get(b));
                if let (Some(was), Some(is)) = (was, is)
                    && was != is
                {
                    let at = if path.is_empty() { format!("{} type", side.word()) } else { format!("`{path}`") };
                    self.push(format!("{at}: type `{was}` renamed to `{is}`"), true);
                }
                if let (Some(a), Some(b)) = (self.old.type_def(a), self.new.type_def(b)) {
                    self.defs(a, b, path, side);
                }
            }
            (Type::Array(a), Type::Array(b)) | (Type::Map(a), Type::Map(b)) => {
                self.types(a, b, &format!("{path}[]"), side);
            }
            (a, b) if a == b => {}
            (a, b) => {
                let at = if path.is_empty() { format!("{} type", side.word()) } else { format!("`{path}`") };
                let what = format!("{at}: {} → {}", describe(self.old, a), describe(self.new, b));
                self.push(what, true);
            }
        }
    }

    fn defs(&mut self, old: &TypeDef, new: &TypeDef, path: &str, side: Side) {
        let s = side.word();
        match (&old.kind, &new.kind) {
            (TypeKind::Struct { fields: a }, TypeKind::Struct { fields: b }) => {
                for f in a {
                    let p = join(path, &f.name);
                    match b.iter().find(|g| g.name == f.name) {
                        None => self.push(format!("{s} field `{p}` removed"), true),
                        Some(g) => self.fields(f, g, &p, side),
                    }
                }
                for g in b.iter().filter(|g| !a.iter().any(|f| f.name == g.name)) {
                    let p = join(path, &g.name);
                    let required = g.required && side == Side::Request;
                    let what =
                        format!("{s} field `{p}` added{}", if g.required { " (required)" } else { " (optional)" });
                    // A new required request field changes the constructor; anything optional only adds.
                    self.push(what, required);
                }
            }
            (TypeKind::Enum { values: a, repr: ra, .. }, TypeKind::Enum { values: b, repr: rb, .. }) => {
                let at = if path.is_empty() { s.to_string() } else { format!("`{path}`") };
                // A value kept under another variant name breaks every `match` and path naming it.
                let (names_a, names_b) = (variant_names(a, *ra), variant_names(b, *rb));
                for (v, old_name) in a.iter().zip(&names_a) {
                    let new_name = b.iter().zip(&names_b).find(|(w, _)| w.value == v.value).map(|(_, n)| n);
                    if let Some(new_name) = new_name.filter(|n| *n != old_name) {
                        self.push(
                            format!("{at}: variant `{old_name}` (value `{}`) renamed to `{new_name}`", v.value),
                            true,
                        );
                    }
                }
                for v in a.iter().filter(|v| !b.iter().any(|w| w.value == v.value)) {
                    self.push(format!("{at}: enum value `{}` removed", v.value), true);
                }
                for v in b.iter().filter(|v| !a.iter().any(|w| w.value == v.value)) {
                    self.push(format!("{at}: enum value `{}` added", v.value), false);
                }
            }
            _ => {
                let at = if path.is_empty() { format!("{s} type") } else { format!("`{path}`") };
                self.push(format!("{at}: {} → {}", kind_word(&old.kind), kind_word(&new.kind)), true);
            }
        }
    }

    fn fields(&mut self, old: &Field, new: &Field, path: &str, side: Side) {
        if old.required != new.required {
            let (from, to) = if old.required { ("required", "optional") } else { ("optional", "required") };
            // `T` ↔ `Option<T>` in the generated struct either way.
            self.push(format!("{} field `{path}`: {from} → {to}", side.word()), true);
        }
        if (old.secret, old.base64) != (new.secret, new.base64) {
            self.push(format!("{} field `{path}`: Rust type changes (secret/Base64)", side.word()), true);
        }
        self.types(&old.ty, &new.ty, path, side);
    }
}

fn kind_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "object",
        TypeKind::Enum { .. } => "enum",
    }
}

fn describe(system: &System, ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Integer => "integer".into(),
        Type::Number => "number".into(),
        Type::Boolean => "boolean".into(),
        Type::Json => "any JSON".into(),
        Type::Array(t) => format!("list of {}", describe(system, t)),
        Type::Map(t) => format!("map of {}", describe(system, t)),
        Type::Named(n) => system.type_def(n).map_or("object", |d| kind_word(&d.kind)).into(),
    }
}

/// A pull-request comment: the verdict, then the changes as a table.
pub fn markdown(changes: &[Change], from: &str, to: &str) -> String {
    let v = semver_bump(changes);
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut out = format!(
        "### bkapi API diff: `{from}` → `{to}`\n\n**Semver: {v}** — {} change(s), {breaking} breaking.\n",
        changes.len()
    );
    if !changes.is_empty() {
        out.push_str("\n| API | Change | Breaking |\n|---|---|---|\n");
        for c in changes {
            let what = c.what.replace('|', "\\|");
            out.push_str(&format!("| `{}` | {what} | {} |\n", c.api, if c.breaking { "yes" } else { "no" }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::LowerOptions;
    use crate::pipeline::load_docs;

    /// The IR of a one-API system whose request table has these rows, and response table these.
    fn snapshot(request_rows: &str, response_rows: &str) -> Ir {
        let dir = tempfile::tempdir().unwrap();
        let sys = dir.path().join("api-docs/s");
        std::fs::create_dir_all(&sys).unwrap();
        std::fs::write(sys.join("bkapi.toml"), "flavor = \"esb\"\n").unwrap();
        let doc = format!(
            "POST /api/c/compapi/v2/s/x/\n\n### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n{request_rows}\n\
             ### 返回结果\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| result | bool | x |\n| data | object | x |\n\n\
             #### data\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n{response_rows}"
        );
        std::fs::write(sys.join("x.md"), doc).unwrap();
        load_docs(&dir.path().join("api-docs"), LowerOptions::default()).unwrap().ir
    }

    const BASE: &str = "| id | int | 是 | x |\n| name | string | 否 | y |\n";
    const OUT: &str = "| job_id | int | 是 | z |\n";

    #[test]
    fn an_added_optional_field_is_minor() {
        let changes = diff(&snapshot(BASE, OUT), &snapshot(&format!("{BASE}| tag | string | 否 | t |\n"), OUT));
        assert_eq!(
            changes,
            [Change { api: "s.x".into(), what: "request field `tag` added (optional)".into(), breaking: false }]
        );
        assert_eq!(semver_bump(&changes), SemverBump::Minor);
        let response = diff(&snapshot(BASE, OUT), &snapshot(BASE, &format!("{OUT}| extra | int | 否 | e |\n")));
        assert_eq!(semver_bump(&response), SemverBump::Minor);
    }

    #[test]
    fn a_removed_field_a_required_flip_or_a_type_change_is_major() {
        let removed = diff(&snapshot(BASE, OUT), &snapshot("| id | int | 是 | x |\n", OUT));
        assert_eq!(removed[0].what, "request field `name` removed");
        assert_eq!(semver_bump(&removed), SemverBump::Major);
        let flipped = diff(&snapshot(BASE, OUT), &snapshot("| id | int | 是 | x |\n| name | string | 是 | y |\n", OUT));
        assert_eq!(flipped[0].what, "request field `name`: optional → required");
        assert_eq!(semver_bump(&flipped), SemverBump::Major);
        let retyped = diff(&snapshot(BASE, OUT), &snapshot(BASE, "| job_id | string | 是 | z |\n"));
        assert_eq!(retyped[0].what, "`job_id`: integer → string");
        assert!(retyped[0].breaking);
        let added_required = diff(&snapshot(BASE, OUT), &snapshot(&format!("{BASE}| must | int | 是 | m |\n"), OUT));
        assert!(added_required[0].breaking, "a new required request field changes the constructor");
    }

    #[test]
    fn a_renamed_type_is_major() {
        let with = |section: &str| {
            let rows = format!(
                "| target | object | 是 | 见{section}定义 |\n\n#### {section}\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n\
                 | ip | string | 是 | x |\n"
            );
            snapshot(&rows, OUT)
        };
        let changes = diff(&with("server"), &with("host"));
        let renamed = changes.iter().find(|c| c.what.contains("renamed")).expect("a rename");
        assert_eq!(renamed.what, "`target`: type `Server` renamed to `Host`");
        assert!(renamed.breaking);
    }

    #[test]
    fn a_value_under_another_variant_name_is_major() {
        let with = |labels: &str| snapshot(&format!("{BASE}| mode | int | 否 | 模式: {labels} |\n"), OUT);
        let changes = diff(&with("1:not online 2:online"), &with("1:offline 2:online"));
        assert_eq!(changes.len(), 1, "{changes:#?}");
        assert_eq!(changes[0].what, "`mode`: variant `NotOnline` (value `1`) renamed to `Offline`");
        assert!(changes[0].breaking);
    }

    #[test]
    fn no_change_is_none_and_markdown_says_so() {
        let changes = diff(&snapshot(BASE, OUT), &snapshot(BASE, OUT));
        assert!(changes.is_empty());
        assert!(markdown(&changes, "v1", "HEAD").contains("**Semver: none**"));
        let md = markdown(&diff(&snapshot(BASE, OUT), &snapshot("| id | int | 是 | x |\n", OUT)), "v1", "HEAD");
        assert!(md.contains("**Semver: major** — 1 change(s), 1 breaking."), "{md}");
        assert!(md.contains("| `s.x` | request field `name` removed | yes |"), "{md}");
    }
}
