//! The Rust the generator emits for each fixture doc, compiled: `tests/fixtures/<rule>.rs` (checked against
//! its `<rule>.ir.json` by `codegen/tests/emitted_rust.rs`) is a system file as `generated/src/apis/` holds
//! them, here a module of [`fixtures`] named by its rule. What a system file reaches through `crate::`
//! (`Client`, `Endpoint`, `wire`, `serde_through_wire!`, `blocking`, `mock`, …) is the runtime, at the crate
//! root as in `bkapi`.

pub use bkapi_runtime::*;

// The API structs' `new` and each system's `mock_routes` are `pub(crate)`: in `bkapi` the emitted
// `apis/mod.rs` (the `Apis` traits, `mock_routes`) calls them, and that file is not compiled here.
#[allow(dead_code)]
// A fixture's one API is named as its rule, so its types are in `<rule>::<rule>` (in `bkapi`: `<system>::<api>`).
#[allow(clippy::module_inception)]
pub mod fixtures;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::fixtures::value_list_enums::value_list_enums::{BkScopeType, ScriptLanguage, ValueListEnumsRequest};
    use crate::wire::Wire;

    #[test]
    fn emitted_types_read_and_write_their_wire_values() {
        // An integer code reads from a numeric string too; a code the doc does not list is kept.
        assert_eq!(ScriptLanguage::from_wire(json!("2")).unwrap(), ScriptLanguage::Bat);
        assert_eq!(ScriptLanguage::from_wire(json!(9)).unwrap(), ScriptLanguage::Unknown(9));
        let request = ValueListEnumsRequest::new(BkScopeType::BizSet).script_language(ScriptLanguage::Perl);
        assert_eq!(request.to_wire(), json!({"bk_scope_type": "biz_set", "script_language": 3}));
        // serde's traits come through `Wire` (`serde_through_wire!`).
        assert_eq!(serde_json::to_value(&request).unwrap(), request.to_wire());
        assert_eq!(serde_json::from_value::<ValueListEnumsRequest>(request.to_wire()).unwrap(), request);
    }
}
