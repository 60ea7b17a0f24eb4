//! The whole pipeline over several docs of one system (split at NUL bytes), through the shipped
//! `build_system`, then emit: the first two parts are one API in two languages (`zh_hans/api_0.md`,
//! `en/api_0.md`, merged as the loader merges them), the third and fourth APIs of their own, a fifth the
//! system's `bkapi.toml`. Any panic, contained by the pipeline or not, is a finding.
#![no_main]

use bkapi_codegen::internals::emit::emit;
use bkapi_codegen::ir::Ir;
use bkapi_codegen::pipeline::{LowerOptions, SystemInput, build_system};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parts: Vec<&str> = text.split('\0').take(5).collect();
    let names = ["zh_hans/api_0.md", "en/api_0.md", "zh_hans/api_2.md", "zh_hans/api_3.md"];
    let docs: Vec<(&str, &str)> = names.iter().copied().zip(parts.iter().copied()).collect();
    let input = SystemInput::from_texts("fuzz", parts.get(4).copied(), &docs);
    let build = build_system(&input, LowerOptions::default());
    if let Some(panic) = build.panics().next() {
        panic!("{panic}");
    }
    let _ = emit(&Ir { systems: vec![build.system] });
});
