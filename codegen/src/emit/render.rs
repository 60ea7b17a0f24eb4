//! Token streams → formatted text (syn + prettyplease), an item at a time.
//!
//! Why not one `syn::File` per generated file: its syntax tree is about 25 times the text it prints, and a doc
//! whose table has 40,000 value lists has 40,000 enums in one API module. Here only one top-level item, or one
//! chunk of a module's or an impl's body, is a syntax tree at any time; the text is the same prettyplease prints
//! for the whole file (regen `--check` holds that on every shipped system).

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::HEADER;

/// A generated file's text, built item by item.
pub(super) struct Source<'m> {
    text: String,
    memo: Option<&'m mut FormatMemo>,
}

fn format(tokens: TokenStream) -> Result<String, String> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}

/// Members (fields, methods) of one item formatted together at most: an item of 100,000 setters formatted whole
/// takes time and memory that grow faster than its size.
const PIECE: usize = 256;

/// A part of a block's body: tokens formatted whole, or an item whose own body comes in pieces (a struct of 40,000
/// fields, an impl of 40,000 setters), each formatted inside the item on its own. The text is the same.
pub(super) enum Chunk<'c> {
    Whole(TokenStream),
    Pieces { open: Box<dyn Fn(TokenStream) -> TokenStream + 'c>, pieces: Box<dyn Iterator<Item = TokenStream> + 'c> },
}

impl From<TokenStream> for Chunk<'_> {
    fn from(tokens: TokenStream) -> Self {
        Chunk::Whole(tokens)
    }
}

impl<'c> Chunk<'c> {
    /// The item `open(members)` of `count` members: whole when it has few, else in pieces of [`PIECE`] members,
    /// each built when its turn comes.
    pub(super) fn item(
        open: impl Fn(TokenStream) -> TokenStream + 'c,
        count: usize,
        members: impl Iterator<Item = TokenStream> + 'c,
    ) -> Self {
        let mut members = members.peekable();
        let pieces = std::iter::from_fn(move || {
            members.peek()?;
            Some(members.by_ref().take(PIECE).collect::<TokenStream>())
        });
        Self::whole_or_pieces(open, count <= PIECE, pieces)
    }

    /// The item `open(fns)` whose functions each have about `size` members (statements, fields): whole when they
    /// are small, else a function at a time.
    pub(super) fn fns(
        open: impl Fn(TokenStream) -> TokenStream + 'c,
        size: usize,
        fns: impl Iterator<Item = TokenStream> + 'c,
    ) -> Self {
        Self::whole_or_pieces(open, size <= PIECE, fns)
    }

    /// `open` around all of `pieces` when `whole`, else the pieces one at a time.
    fn whole_or_pieces(
        open: impl Fn(TokenStream) -> TokenStream + 'c,
        whole: bool,
        pieces: impl Iterator<Item = TokenStream> + 'c,
    ) -> Self {
        match whole {
            true => Chunk::Whole(open(pieces.collect())),
            false => Chunk::Pieces { open: Box::new(open), pieces: Box::new(pieces) },
        }
    }

    /// The whole item's tokens (what the pieces are formatted as).
    #[cfg(test)]
    pub(super) fn tokens(self) -> TokenStream {
        match self {
            Chunk::Whole(tokens) => tokens,
            Chunk::Pieces { open, pieces } => open(pieces.collect()),
        }
    }
}

/// Texts formatted before, by the SHA-256 of their tokens' text. Formatting (syn's parse and prettyplease) is
/// most of emitting and depends on the tokens alone, so a system emitted again after one of its docs changed
/// formats only what that doc's items became. Regen keeps one per system in its cache.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FormatMemo {
    formatted: HashMap<String, String>,
    /// The entries this emission asked for: what is kept for the next one.
    #[serde(skip)]
    used: HashSet<String>,
}

impl FormatMemo {
    fn format(&mut self, tokens: TokenStream) -> Result<String, String> {
        let key: String = Sha256::digest(tokens.to_string().as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let text = match self.formatted.get(&key) {
            Some(text) => text.clone(),
            None => {
                let text = format(tokens)?;
                self.formatted.insert(key.clone(), text.clone());
                text
            }
        };
        self.used.insert(key);
        Ok(text)
    }

    /// Drops the entries the last emission did not ask for (items that are gone).
    pub fn keep_used(&mut self) {
        let used = std::mem::take(&mut self.used);
        self.formatted.retain(|key, _| used.contains(key));
    }

    /// How many texts it holds.
    pub fn len(&self) -> usize {
        self.formatted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.formatted.is_empty()
    }
}

impl<'m> Source<'m> {
    pub(super) fn new() -> Self {
        Source { text: format!("{HEADER}\n"), memo: None }
    }

    /// A source whose items are formatted through `memo`, when there is one.
    pub(super) fn with_memo(memo: Option<&'m mut FormatMemo>) -> Self {
        Source { memo, ..Source::new() }
    }

    fn format(&mut self, tokens: TokenStream) -> Result<String, String> {
        match self.memo.as_deref_mut() {
            Some(memo) => memo.format(tokens),
            None => format(tokens),
        }
    }

    /// Top-level items (or a file's inner attributes).
    pub(super) fn items(&mut self, tokens: TokenStream) -> Result<(), String> {
        let text = self.format(tokens)?;
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
    pub(super) fn block<'c, C: Into<Chunk<'c>>>(
        &mut self,
        open: impl Fn(TokenStream) -> TokenStream,
        chunks: impl IntoIterator<Item = C>,
    ) -> Result<(), String> {
        let empty = self.format(open(TokenStream::new()))?;
        let head = empty
            .strip_suffix("{}\n")
            .map(|h| format!("{h}{{\n"))
            .ok_or_else(|| format!("an empty block does not end in `{{}}`: {empty}"))?;
        let start = self.text.len();
        self.text.push_str(&head);
        for chunk in chunks {
            match chunk.into() {
                Chunk::Whole(tokens) if tokens.is_empty() => {}
                Chunk::Whole(tokens) => {
                    let inner = self.inside(&open, &head, tokens)?;
                    self.text.push_str(&inner);
                }
                Chunk::Pieces { open: item, pieces } => self.item_in_pieces(&open, &head, &item, pieces)?,
            }
        }
        if self.text.len() == start + head.len() {
            self.text.truncate(start);
            self.text.push_str(&empty);
        } else {
            self.text.push_str("}\n");
        }
        Ok(())
    }

    /// `body` formatted inside `open`, whose text starts with `head`: the text between `head` and the closing brace.
    fn inside(
        &mut self,
        open: &dyn Fn(TokenStream) -> TokenStream,
        head: &str,
        body: TokenStream,
    ) -> Result<String, String> {
        let whole = self.format(open(body))?;
        whole
            .strip_prefix(head)
            .and_then(|rest| rest.strip_suffix("}\n"))
            .map(str::to_string)
            .ok_or_else(|| format!("a block's text does not start with its head `{head}`: {whole}"))
    }

    /// An item of a block's body (`open` around it, its text starting with `head`) whose own body comes in
    /// `pieces`: the item's head, each piece formatted inside the item on its own, the item's closing brace.
    fn item_in_pieces(
        &mut self,
        open: &dyn Fn(TokenStream) -> TokenStream,
        head: &str,
        item: &dyn Fn(TokenStream) -> TokenStream,
        pieces: Box<dyn Iterator<Item = TokenStream> + '_>,
    ) -> Result<(), String> {
        let around = |body: TokenStream| open(item(body));
        let empty = self.inside(&around, head, TokenStream::new())?;
        let item_head = empty
            .strip_suffix("{}\n")
            .map(|h| format!("{h}{{\n"))
            .ok_or_else(|| format!("an empty item does not end in `{{}}`: {empty}"))?;
        let indent: String = item_head.lines().last().unwrap_or_default().chars().take_while(|c| *c == ' ').collect();
        let close = format!("{indent}}}\n");
        let start = self.text.len();
        self.text.push_str(&item_head);
        for piece in pieces.filter(|p| !p.is_empty()) {
            let text = self.inside(&around, head, piece)?;
            let inner = text
                .strip_prefix(item_head.as_str())
                .and_then(|rest| rest.strip_suffix(close.as_str()))
                .ok_or_else(|| format!("an item's text does not start with its head `{item_head}`: {text}"))?;
            self.text.push_str(inner);
        }
        if self.text.len() == start + item_head.len() {
            self.text.truncate(start);
            self.text.push_str(&empty);
        } else {
            self.text.push_str(&close);
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

    /// The test's file, built with or without a memo.
    fn shapes(memo: Option<&mut FormatMemo>, side: &str) -> String {
        let side = quote::format_ident!("{side}");
        let mut source = Source::with_memo(memo);
        let open = |body: TokenStream| quote!(#[doc = " Types."] pub mod shapes { #body });
        let chunks = [
            quote!(#[derive(Debug)] pub struct Square { pub #side: u64 }),
            quote!(impl Square { pub fn area(&self) -> u64 { self.#side * self.#side } }),
        ];
        source.block(open, chunks).unwrap();
        source
            .items(quote!(
                pub use shapes::Square;
            ))
            .unwrap();
        source.finish()
    }

    #[test]
    fn a_memo_gives_the_text_formatted_without_it_and_keeps_what_was_asked_for() {
        let plain = shapes(None, "side");
        let mut memo = FormatMemo::default();
        assert_eq!(shapes(Some(&mut memo), "side"), plain, "filling the memo");
        memo.keep_used();
        let filled = memo.len();
        assert!(filled >= 4, "the block's head, its two chunks and the items: {filled}");
        assert_eq!(shapes(Some(&mut memo), "side"), plain, "from the memo");
        // What the memo holds is what comes out: it is read, not only written.
        for text in memo.formatted.values_mut() {
            *text = text.replace("area", "poisoned");
        }
        assert!(shapes(Some(&mut memo), "side").contains("poisoned"));
        // Items that are gone are dropped; the block's head and the items that did not change stay.
        let mut memo = FormatMemo::default();
        shapes(Some(&mut memo), "side");
        memo.keep_used();
        shapes(Some(&mut memo), "edge");
        memo.keep_used();
        assert_eq!(memo.len(), filled, "the old chunks gone, the new ones in");
        assert_eq!(shapes(Some(&mut memo), "edge"), shapes(None, "edge"));
    }

    #[test]
    fn a_block_without_a_body_is_the_empty_block() {
        let mut source = Source::new();
        source.block(|body| quote!(impl Thing { #body }), [quote!()]).unwrap();
        assert_eq!(source.finish(), format!("{HEADER}\nimpl Thing {{}}\n"));
    }
}
