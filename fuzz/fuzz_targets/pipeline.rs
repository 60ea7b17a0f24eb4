//! The whole pipeline over several docs of one system (split at NUL bytes): markdown, IR, type space, emit.
#![no_main]

use bkapi_codegen::ir::{Flavor, Ir};
use bkapi_codegen::lower::{LowerOptions, MetaSource, Surroundings, lower_api};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let meta = MetaSource { path: "bkapi.toml", text: "" };
    let drafts: Vec<_> = text
        .split('\0')
        .take(4)
        .enumerate()
        .filter_map(|(i, part)| {
            let doc = bkapi_codegen::markdown::parse(&format!("doc_{i}.md"), part);
            let around = Surroundings { beside: None, shared: &[] };
            lower_api(&doc, &format!("api_{i}"), Flavor::Esb, None, &meta, around, LowerOptions::default()).0
        })
        .collect();
    let system = bkapi_codegen::typespace::build_system("fuzz", Flavor::Esb, None, drafts);
    let _ = bkapi_codegen::emit::emit(&Ir { systems: vec![system] });
});
