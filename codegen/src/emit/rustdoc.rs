//! Rustdoc text: both languages' texts, escaped, one `///` attribute per line.

use proc_macro2::TokenStream;
use quote::quote;

/// Rustdoc text: the doc's description (or a fallback), with markdown link/HTML syntax escaped.
pub(super) fn doc_text(text: &str, fallback: &str) -> Rustdoc {
    let text = text.trim();
    Rustdoc(if text.is_empty() { fallback.to_string() } else { escape_doc(text) })
}

/// Rustdoc of several lines (both languages' texts), written as one `///` attribute per line: one attribute
/// holding line breaks would print as a `/** … */` block.
pub(super) struct Rustdoc(pub(super) String);

impl Rustdoc {
    pub(super) fn push_str(&mut self, text: &str) {
        self.0.push_str(text);
    }
}

impl quote::ToTokens for Rustdoc {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        for line in self.0.lines() {
            let line = if line.is_empty() { String::new() } else { format!(" {line}") };
            tokens.extend(quote!(#[doc = #line]));
        }
    }
}

pub(super) fn escape_doc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}
