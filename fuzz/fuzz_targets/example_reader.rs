//! The lenient example reader on any text: it may refuse, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = bkapi_codegen::internals::read::example_json::read(text);
});
