//! Properties that fuzzing only samples, checked on every test run (proptest): lenient example reading never
//! panics and gives strict JSON back unchanged; markdown → IR is deterministic; the identifiers generated for
//! arbitrary names are valid Rust and unique.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use bkapi_codegen::internals::naming::{camel_ident, field_ident_text, type_name, unique_field_ident, variant_names};
use bkapi_codegen::internals::read::example_json;
use bkapi_codegen::ir::{EnumRepr, EnumValue};
use bkapi_codegen::pipeline::{LowerOptions, load_docs};
use proptest::prelude::*;
use serde_json::Value;

/// Any JSON value (finite numbers), nested a few levels.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Is `text` one Rust identifier (raw ones included)?
fn is_identifier(text: &str) -> bool {
    syn::parse_str::<syn::Ident>(text).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn strict_json_reads_back_unchanged(value in json(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
        let read = example_json::read(&text);
        prop_assert_eq!(read.value.as_ref(), Some(&value), "repairs: {:?}", read.repairs);
    }

    #[test]
    fn lenient_reading_never_panics(text in "[{}\\[\\]\",:0-9a-zA-Z'./#\\s…“”，：-]{0,200}") {
        // Whatever it returns, it returns: a panic fails the property.
        let _ = example_json::read(&text);
    }

    #[test]
    fn generated_identifiers_are_valid_and_unique(names in prop::collection::vec(".{0,16}", 1..12)) {
        let mut used = BTreeSet::new();
        let mut idents = BTreeSet::new();
        for name in &names {
            let field = field_ident_text(name);
            prop_assert!(is_identifier(&field), "field `{}` from {:?}", field, name);
            let ident = unique_field_ident(name, &mut used).to_string();
            prop_assert!(idents.insert(ident.clone()), "`{}` twice", ident);
            for text in [type_name(name), camel_ident(name)] {
                prop_assert!(is_identifier(&text) && text != "Self", "type `{}` from {:?}", text, name);
            }
        }
        let values: Vec<EnumValue> = names
            .iter()
            .map(|n| EnumValue { value: n.clone(), doc: n.clone(), line: 1, other_labels: Vec::new() })
            .collect();
        let variants = variant_names(&values, EnumRepr::String);
        prop_assert_eq!(variants.iter().collect::<BTreeSet<_>>().len(), variants.len(), "{:?}", variants);
        prop_assert!(variants.iter().all(|v| is_identifier(v)), "{:?}", variants);
    }
}

/// A doc made of table rows with arbitrary names, type words and descriptions.
fn doc() -> impl Strategy<Value = String> {
    let row = ("[a-z_]{1,8}", prop_oneof!["int", "string", "object", "array", "bool", "dict", "list", "x"], ".{0,20}");
    prop::collection::vec(row, 1..12).prop_map(|rows| {
        let mut text = String::from("### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n");
        for (name, ty, desc) in rows {
            let desc = desc.replace(['|', '\n', '\r'], " ");
            text.push_str(&format!("| {name} | {ty} | 是 | {desc} |\n"));
        }
        text.push_str("\n### 返回结果示例\n\n```json\n{\"result\": true, \"data\": {\"id\": 1}}\n```\n");
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn markdown_to_ir_is_deterministic(docs in prop::collection::vec(doc(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("esb/prop/apidocs/zh_hans");
        std::fs::create_dir_all(&folder).unwrap();
        for (i, text) in docs.iter().enumerate() {
            std::fs::write(folder.join(format!("get_{i}.md")), text).unwrap();
        }
        let ir = || serde_json::to_string(&load_docs(dir.path(), LowerOptions::default()).unwrap().ir).unwrap();
        prop_assert_eq!(ir(), ir());
    }
}
