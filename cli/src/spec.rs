//! What `cargo xtask regen` tells the CLI about each API (`apis/`, generated from the IR): plain static data, from
//! which the commands are built when the CLI runs.

use crate::run::{Context, Running};

/// One system: a subcommand.
#[derive(Debug)]
pub(crate) struct System {
    /// Its folder name in `api-docs/` (`jobv3`), as the bindings' module and feature are named.
    pub name: &'static str,
    pub apis: &'static [Api],
    pub waiters: &'static [Waiter],
}

/// Calls an API with a request given as JSON, and prints what it answers.
pub(crate) type Call = for<'a> fn(&'a Context, serde_json::Value) -> Running<'a>;

/// One API: a subcommand of its system.
#[derive(Debug)]
pub(crate) struct Api {
    /// As BlueKing spells it (`fast_execute_script`); the command is its kebab-case form.
    pub name: &'static str,
    /// The doc's summary; the Chinese and the English one apart by an empty line, when both exist.
    pub summary: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub flags: &'static [Flag],
    /// The doc's request example as JSON (empty without one).
    pub example: &'static str,
    pub call: Call,
    /// Every item of every page, for an API the bindings walk page by page (`--all`).
    pub pages: Option<Call>,
}

/// A waiter: an API called until its answer is final (`wait-for-job`).
#[derive(Debug)]
pub(crate) struct Waiter {
    pub name: &'static str,
    /// The API it calls; its flags are the waiter's.
    pub api: &'static str,
    pub doc: &'static str,
    pub run: Call,
}

/// One flag: a field of the request, or a field of an object of it (`--page.limit`).
#[derive(Debug)]
pub(crate) struct Flag {
    /// Wire names from the request's top.
    pub path: &'static [&'static str],
    pub kind: Kind,
    /// A list of such values (`--fields a,b`).
    pub list: bool,
    pub required: bool,
    /// A password or token: never echoed (`--dry-run` redacts it).
    pub secret: bool,
    pub doc: &'static str,
    pub choices: &'static [Choice],
}

/// How a flag's text becomes the field's JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// Which kinds occur depends on the systems the CLI is built with.
#[allow(dead_code)]
pub(crate) enum Kind {
    Text,
    Integer,
    Number,
    Boolean,
    /// Plain text, sent as Base64 (the field's wire form).
    Base64,
    /// A value from [`Flag::choices`], given as its wire value or its label.
    Choice,
    /// JSON text.
    Json,
}

/// A value from a list, with its labels.
#[derive(Debug)]
pub(crate) struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub label_en: &'static str,
    /// On the wire as a number.
    pub integer: bool,
}

/// The language texts are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Zh,
    En,
}

/// The part of a two-language text (`快速执行脚本\n\nFast execute script`) in `lang`; the whole text when it is
/// in one language.
pub(crate) fn in_lang(text: &str, lang: Lang) -> &str {
    let text = text.trim();
    match text.split_once("\n\n") {
        Some((zh, en)) if has_cjk(zh) && !has_cjk(en) => match lang {
            Lang::Zh => zh.trim(),
            Lang::En => en.trim(),
        },
        _ => text,
    }
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_language_text_shows_the_asked_language_and_a_one_language_text_whole() {
        assert_eq!(in_lang("快速执行脚本\n\nFast execute script", Lang::En), "Fast execute script");
        assert_eq!(in_lang("快速执行脚本\n\nFast execute script", Lang::Zh), "快速执行脚本");
        assert_eq!(in_lang("Only English.\n\nTwo paragraphs.", Lang::Zh), "Only English.\n\nTwo paragraphs.");
        assert_eq!(in_lang("只有中文", Lang::En), "只有中文");
    }
}
