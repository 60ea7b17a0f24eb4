//! Identifiers for generated items: type, field, module, method and enum variant names, with the keyword and
//! collision rules they follow. Lowering proposes type names, the type space settles collisions, the emitter
//! spells everything; all of them use these rules so that names agree across stages.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

use crate::ir::{EnumRepr, EnumValue};

/// Converts a section title or field name to a type-name candidate (`topo_node_list` → `TopoNode`).
pub fn type_name(raw: &str) -> String {
    let last = raw.rsplit('.').next().unwrap_or(raw);
    camel_ident(last.strip_suffix("_list").filter(|b| !b.is_empty()).unwrap_or(last))
}

/// An UpperCamelCase ASCII identifier for any text: never empty, never starting with a digit.
pub fn camel_ident(raw: &str) -> String {
    let ascii: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let camel = ascii.to_upper_camel_case();
    match camel.chars().next() {
        None => "Object".to_string(),
        Some(c) if c.is_ascii_digit() => format!("T{camel}"),
        Some(_) if camel == "Self" => "SelfType".to_string(),
        Some(_) => camel,
    }
}

/// Names the generated code uses unqualified (prelude, serde, its own items): a type of that name would shadow them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Serialize",
    "Deserialize",
    "Self",
    "Endpoint",
    "Error",
];

/// Whether a type of this name would shadow a name the generated code uses unqualified.
pub fn is_reserved_type_name(name: &str) -> bool {
    RESERVED_TYPE_NAMES.contains(&name)
}

/// The `attempt`-th name tried for a type called `base` in the API whose type names start with `prefix`: the name
/// itself, then prefixed with the API's name (unless it already is), then numbered.
pub fn type_name_candidate(base: &str, prefix: &str, attempt: u32) -> String {
    match attempt {
        1 => base.to_string(),
        2 if !base.starts_with(prefix) => format!("{prefix}{base}"),
        _ => format!("{prefix}{base}{attempt}"),
    }
}

/// Rust module name of a system (`job-gateway` → `job_gateway`).
pub fn module_name(system: &str) -> String {
    field_ident_text(system)
}

/// A system's module name without the `r#` of a keyword (`type`): its file (rustc finds `mod r#type;` in
/// `type.rs`), its Cargo feature, and the base of its struct names.
pub fn bare_module_name(system: &str) -> String {
    let name = module_name(system);
    name.strip_prefix("r#").map(str::to_string).unwrap_or(name)
}

/// The file of a system's module in `apis/`: `type.rs` for `mod r#type;`; the system `mod` cannot be `mod.rs`
/// (the folder's own file), so it is `mod_.rs`, which its declaration names with `#[path]`.
pub fn module_file_name(system: &str) -> String {
    match bare_module_name(system).as_str() {
        "mod" => "mod_.rs".to_string(),
        bare => format!("{bare}.rs"),
    }
}

/// Name of a system's client struct (`job-gateway` → `JobGatewayApi`, blocking: `JobGatewayBlockingApi`).
pub fn api_struct_name(system: &str, blocking: bool) -> String {
    let base = bare_module_name(system).to_upper_camel_case();
    if blocking { format!("{base}BlockingApi") } else { format!("{base}Api") }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// snake_case identifier text for a wire name (fields, methods, modules); keywords become raw (`r#type`).
pub fn field_ident_text(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let mut snake = ascii.to_snake_case();
    if snake.is_empty() {
        snake = "field".into();
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake = format!("f_{snake}");
    }
    if matches!(snake.as_str(), "self" | "super" | "crate" | "_") {
        snake.push('_');
    } else if KEYWORDS.contains(&snake.as_str()) {
        snake = format!("r#{snake}");
    }
    snake
}

/// A name an API can be published under in Rust (`job_install`, `listApps`): ASCII letters, digits, `_` and
/// `-`, starting with a letter. A manifest entry named otherwise leaves the doc's name in place.
pub fn is_api_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
}

/// An identifier from identifier text, raw when the text says so (`r#type`).
pub fn make_ident(text: &str) -> Ident {
    match text.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(text, Span::call_site()),
    }
}

/// A field identifier not yet used in this struct (`a_b` and `a-b` would both be `a_b`).
pub fn unique_field_ident(wire: &str, used: &mut BTreeSet<String>) -> Ident {
    let mut text = field_ident_text(wire);
    while !used.insert(text.clone()) {
        text.push('_');
    }
    make_ident(&text)
}

/// The variant identifiers of an enum's values, in order and unique: string values by their text (`LINUX` →
/// `Linux`), integer codes by their label (see [`int_variant_name`]). The emitters and the doc examples agree.
pub fn variant_names(values: &[EnumValue], repr: EnumRepr) -> Vec<String> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    values
        .iter()
        .map(|v| {
            let mut text = match repr {
                EnumRepr::String => camel_ident(&v.value),
                EnumRepr::Integer => int_variant_name(v),
            };
            while !used.insert(text.clone()) {
                text.push('_');
            }
            text
        })
        .collect()
}

/// `Unknown`, unless a value took that name.
pub fn unknown_variant(names: &[String]) -> String {
    let mut text = "Unknown".to_string();
    while names.contains(&text) {
        text.push('_');
    }
    text
}

/// Variant name of an integer enum value, from a whole label: an ASCII one in any language first (`not online`
/// → `NotOnline`, `成功` / `Success` → `Success`); else the doc's own label as an identifier in its script
/// (`执行成功` → `执行成功`: Rust identifiers are Unicode, and it is the name BlueKing's users know); else another
/// language's; the code (`Code1`) only where no label makes an identifier.
pub fn int_variant_name(v: &EnumValue) -> String {
    let wordy = |label: &&str| {
        label.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' '))
    };
    let labels: Vec<&str> = std::iter::once(v.doc.trim())
        .chain(v.other_labels.iter().map(|l| l.trim()))
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(label) = labels.iter().copied().find(wordy) {
        return camel_ident(label);
    }
    labels
        .iter()
        .find_map(|l| label_ident(l))
        .unwrap_or_else(|| format!("Code{}", v.value.trim().trim_start_matches('-')))
}

/// A label as an UpperCamelCase identifier in any script (`Py Mako引擎` → `PyMako引擎`): its runs of identifier
/// characters, each capitalized, joined. `None` when it has none or would start with a digit.
fn label_ident(label: &str) -> Option<String> {
    let mut out = String::new();
    for run in label.split(|c: char| c == '_' || !unicode_ident::is_xid_continue(c)).filter(|r| !r.is_empty()) {
        let mut chars = run.chars();
        out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        out.extend(chars);
    }
    let first = out.chars().next()?;
    if !unicode_ident::is_xid_start(first) {
        return None;
    }
    Some(if out.is_ascii() { camel_ident(&out) } else { out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_from_titles() {
        assert_eq!(type_name("topo_node_list"), "TopoNode");
        assert_eq!(type_name("data.success"), "Success");
        assert_eq!(type_name("ip"), "Ip");
        assert_eq!(type_name("3rd"), "T3rd");
        assert_eq!(type_name("主机"), "Object");
        assert_eq!(camel_ident("get_host_list"), "GetHostList");
        assert_eq!(camel_ident("self"), "SelfType");
    }

    #[test]
    fn identifiers_are_valid_rust() {
        assert_eq!(field_ident_text("type"), "r#type");
        assert_eq!(field_ident_text("self"), "self_");
        assert_eq!(field_ident_text("X-Request-Id"), "x_request_id");
        assert_eq!(field_ident_text("1st"), "f_1st");
        assert_eq!(field_ident_text("主机"), "field");
        assert_eq!(camel_ident("INSTALL_AGENT"), "InstallAgent");
        assert_eq!(camel_ident("1"), "T1");
        assert_eq!(module_name("job-gateway"), "job_gateway");
        assert_eq!((module_name("type"), bare_module_name("type")), ("r#type".into(), "type".into()));
        assert_eq!(api_struct_name("mod", false), "ModApi");
    }

    #[test]
    fn integer_enum_variants_are_named_by_word_labels_else_by_code() {
        let v = |value: &str, doc: &str| EnumValue {
            value: value.into(),
            doc: doc.into(),
            line: 1,
            other_labels: Vec::new(),
        };
        assert_eq!(int_variant_name(&v("1", "shell")), "Shell");
        assert_eq!(int_variant_name(&v("1", "not online")), "NotOnline", "the whole label, not its first word");
        assert_eq!(int_variant_name(&v("0", "不是")), "不是", "the doc's own label, in its script");
        assert_eq!(int_variant_name(&v("3", "Py Mako引擎")), "PyMako引擎");
        assert_eq!(int_variant_name(&v("2", "0")), "Code2", "no label that makes an identifier");
        assert_eq!(int_variant_name(&v("4", "")), "Code4");
        let bilingual = EnumValue { other_labels: vec!["Success".into()], ..v("3", "成功") };
        assert_eq!(int_variant_name(&bilingual), "Success", "the other language's label when the doc's is no word");
    }
}
