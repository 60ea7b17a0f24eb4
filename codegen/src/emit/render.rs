//! Token streams → formatted text (syn + prettyplease), an item at a time.
//!
//! Why not one `syn::File` per generated file: its syntax tree is about 25 times the text it prints, and a doc
//! whose table has 40,000 value lists has 40,000 enums in one API module. Here only one top-level item, or one
//! chunk of a module's or an impl's body, is a syntax tree at any time; the text is the same prettyplease prints
//! for the whole file (regen `--check` holds that on every shipped system).

use proc_macro2::TokenStream;

use super::HEADER;

/// A generated file's text, built item by item.
pub(super) struct Source {
    text: String,
}

fn format(tokens: TokenStream) -> Result<String, String> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}

impl Source {
    pub(super) fn new() -> Self {
        Source { text: format!("{HEADER}\n") }
    }

    /// Top-level items (or a file's inner attributes).
    pub(super) fn items(&mut self, tokens: TokenStream) -> Result<(), String> {
        let text = format(tokens)?;
        self.text.push_str(&text);
        // A file of inner attributes alone ends without its line's end when the attribute fits on one line;
        // in the whole file, the items after it start on the next line.
        if !text.is_empty() && !text.ends_with('\n') {
            self.text.push('\n');
        }
        Ok(())
    }

    /// One top-level item with a body (`mod m { … }`, `impl T { … }`): `open(body)` is the item around `body`,
    /// and the body is `chunks`, each formatted inside the item on its own (its indentation and line width are
    /// the body's) and cut out of it.
    pub(super) fn block(
        &mut self,
        open: impl Fn(TokenStream) -> TokenStream,
        chunks: impl IntoIterator<Item = TokenStream>,
    ) -> Result<(), String> {
        let empty = format(open(TokenStream::new()))?;
        let head = empty
            .strip_suffix("{}\n")
            .map(|h| format!("{h}{{\n"))
            .ok_or_else(|| format!("an empty block does not end in `{{}}`: {empty}"))?;
        let start = self.text.len();
        self.text.push_str(&head);
        for chunk in chunks {
            if chunk.is_empty() {
                continue;
            }
            let whole = format(open(chunk))?;
            let inner = whole
                .strip_prefix(head.as_str())
                .and_then(|rest| rest.strip_suffix("}\n"))
                .ok_or_else(|| format!("a block's text does not start with its head `{head}`: {whole}"))?;
            self.text.push_str(inner);
        }
        if self.text.len() == start + head.len() {
            self.text.truncate(start);
            self.text.push_str(&empty);
        } else {
            self.text.push_str("}\n");
        }
        Ok(())
    }

    pub(super) fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn a_block_built_chunk_by_chunk_reads_as_the_whole_block_formatted_at_once() {
        let open = |body: TokenStream| quote!(#[doc = " Types."] pub mod shapes { #body });
        let chunks = [
            quote!(
                pub use super::other::Thing;
            ),
            quote! {
                #[derive(Debug)] pub struct Square { pub side_length_in_millimetres: u64, pub fill_colour_name: String, pub z: u8 }
                impl Square { pub fn area(&self) -> u64 { self.side_length_in_millimetres * self.side_length_in_millimetres } }
            },
            quote!(),
            quote!(crate::serde_through_wire!(Square);),
        ];
        let mut source = Source::new();
        source.items(quote!(#![allow(dead_code)])).unwrap();
        source.block(open, chunks.clone()).unwrap();
        source
            .items(quote!(
                pub use shapes::Square;
            ))
            .unwrap();
        let all = chunks.iter().cloned();
        let whole =
            format(quote!(#![allow(dead_code)] #[doc = " Types."] pub mod shapes { #(#all)* } pub use shapes::Square;))
                .unwrap();
        assert_eq!(source.finish(), format!("{HEADER}\n{whole}"));
    }

    #[test]
    fn a_block_without_a_body_is_the_empty_block() {
        let mut source = Source::new();
        source.block(|body| quote!(impl Thing { #body }), [quote!()]).unwrap();
        assert_eq!(source.finish(), format!("{HEADER}\nimpl Thing {{}}\n"));
    }
}
