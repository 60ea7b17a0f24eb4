//! Doc model: what a markdown API page says, structurally, before any BlueKing meaning is given to it.
//!
//! Produced by [`crate::read::markdown`], consumed by [`crate::lower`]. Every element keeps its 1-based source line.

use serde::Serialize;

/// One markdown document, cut into sections at each heading.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Display path of the source file (used in diagnostics).
    pub path: String,
    /// Sections in source order. Text before the first heading forms a section with an empty title and level 0.
    pub sections: Vec<Section>,
}

/// A heading and everything up to the next heading.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub level: u8,
    pub line: u32,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Serialize)]
pub enum Block {
    Text(TextBlock),
    Table(Table),
    Code(CodeBlock),
}

/// A paragraph or list item, as plain text (markup stripped, entities decoded).
#[derive(Debug, Clone, Serialize)]
pub struct TextBlock {
    pub text: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<TableRow>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    pub cells: Vec<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeBlock {
    /// Info string of a fenced block (`json`, `python`, or empty).
    pub lang: String,
    pub text: String,
    /// Line of the first content line (the line after the opening fence).
    pub line: u32,
}

impl Document {
    /// Sections whose normalized title equals `name` (see [`normalize_title`]).
    pub fn sections_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Section> + 'a {
        self.sections.iter().filter(move |s| normalize_title(&s.title) == name)
    }
}

impl Section {
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    pub fn code_blocks(&self) -> impl Iterator<Item = &CodeBlock> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Code(c) => Some(c),
            _ => None,
        })
    }

    pub fn texts(&self) -> impl Iterator<Item = &TextBlock> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Text(t) => Some(t),
            _ => None,
        })
    }
}

/// Lower-cased title without whitespace, so `Path 参数`, `path参数` and `PATH 参数` compare equal.
pub fn normalize_title(title: &str) -> String {
    title.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}
