//! The whole pipeline over several docs of one system (split at NUL bytes): markdown, IR, the merge of two
//! languages (the second doc is the first one's translation, as the loader merges `zh_hans` and `en`), type
//! space, emit.
#![no_main]

use bkapi_codegen::ir::{Flavor, Ir};
use bkapi_codegen::lower::{LowerOptions, MetaSource, Surroundings, lower_api, merge_translation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let meta = MetaSource { path: "bkapi.toml", text: "" };
    let mut drafts: Vec<_> = text
        .split('\0')
        .take(4)
        .enumerate()
        .map(|(i, part)| {
            let doc = bkapi_codegen::markdown::parse(&format!("doc_{i}.md"), part);
            let around = Surroundings { beside: None, shared: &[] };
            // The first two parts are one API (its two languages); the others are APIs of their own.
            let name = if i < 2 { "api_0".to_string() } else { format!("api_{i}") };
            lower_api(&doc, &name, Flavor::Esb, None, &meta, around, LowerOptions::default()).0
        })
        .collect();
    if drafts.len() >= 2 {
        let translation = drafts.remove(1);
        if let (Some(Some(first)), Some(other)) = (drafts.first_mut(), translation) {
            let _ = merge_translation(first, other);
        }
    }
    let system =
        bkapi_codegen::typespace::build_system("fuzz", Flavor::Esb, None, drafts.into_iter().flatten().collect());
    let _ = bkapi_codegen::emit::emit(&Ir { systems: vec![system] });
});
