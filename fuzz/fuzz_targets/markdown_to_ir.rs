//! One doc's markdown → doc model → IR → type space, through the shipped pipeline (`build_system`). The
//! pipeline contains a panic per doc (reported as a diagnostic); any contained panic is a finding here.
#![no_main]

use bkapi_codegen::pipeline::{LowerOptions, SystemInput, build_system};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let input = SystemInput::from_texts("fuzz", None, &[("zh_hans/fuzz.md", text)]);
    let build = build_system(&input, LowerOptions::default());
    if let Some(panic) = build.panics().next() {
        panic!("{panic}");
    }
});
