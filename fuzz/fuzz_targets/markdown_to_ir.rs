//! One doc's markdown → doc model → IR, below the loader's per-doc `catch_unwind`: any panic is a finding.
#![no_main]

use bkapi_codegen::ir::Flavor;
use bkapi_codegen::lower::{LowerOptions, MetaSource, Surroundings, lower_api};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let doc = bkapi_codegen::markdown::parse("fuzz.md", text);
    let meta = MetaSource { path: "bkapi.toml", text: "" };
    let around = Surroundings { beside: None, shared: &[] };
    let (draft, _) = lower_api(&doc, "fuzz", Flavor::Esb, None, &meta, around, LowerOptions::default());
    if let Some(draft) = draft {
        let _ = bkapi_codegen::typespace::build_system("fuzz", Flavor::Esb, None, vec![draft]);
    }
});
