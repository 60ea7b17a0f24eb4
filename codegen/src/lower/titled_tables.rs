//! Tables titled by a line of text instead of a heading: IAM's `#### Parameters` holds the request's table, then
//! `action`, `subject`, `Elements in related_resource_types` — each a line of its own followed by a table that
//! defines the field the line names. Structure decides, not the words: such a line starts a definition of its
//! own only when the section already had its table and the name it gives is a field some table lists (a row name)
//! or a type refers to (`Array(action)`). Each such table becomes a section one level below, titled by the line,
//! so that every rule for definition headings applies to it.

use std::collections::HashSet;

use super::heading_names::definition_names;
use super::tables::{columns, row_names};
use crate::read::doc::{Block, Document, Section};

/// Longest line read as a table's title; longer ones are prose.
const MAX_TITLE_CHARS: usize = 80;

/// The doc with its text-titled tables as sections of their own; `None` when it has none.
pub(super) fn split_titled_tables(doc: &Document) -> Option<Document> {
    let referable = referable_names(doc);
    let mut changed = false;
    let mut sections = Vec::with_capacity(doc.sections.len());
    for section in &doc.sections {
        let mut current =
            Section { title: section.title.clone(), level: section.level, line: section.line, blocks: Vec::new() };
        let mut had_table = false;
        let mut blocks = section.blocks.iter().peekable();
        while let Some(block) = blocks.next() {
            if let Block::Text(text) = block
                && had_table
                && matches!(blocks.peek(), Some(Block::Table(_)))
                && titles_a_definition(&text.text, &referable)
            {
                let title = text.text.trim().to_string();
                let level = section.level.saturating_add(1);
                sections.push(std::mem::replace(
                    &mut current,
                    Section { title, level, line: text.line, blocks: Vec::new() },
                ));
                changed = true;
                continue;
            }
            had_table |= matches!(block, Block::Table(_));
            current.blocks.push(block.clone());
        }
        sections.push(current);
    }
    changed.then(|| Document { path: doc.path.clone(), sections })
}

/// A short single line whose name (its last dotted segment) is one the doc's tables use.
fn titles_a_definition(text: &str, referable: &HashSet<String>) -> bool {
    let text = text.trim();
    if text.contains('\n') || text.chars().count() > MAX_TITLE_CHARS {
        return false;
    }
    definition_names(text).any(|name| name.rsplit('.').next().is_some_and(|last| referable.contains(last)))
}

/// Row names of every table (last dotted segment, lower-cased), and the identifiers type cells refer to
/// (`Array(action)`, `list[resource_node]`).
fn referable_names(doc: &Document) -> HashSet<String> {
    let mut names = HashSet::new();
    for table in doc.sections.iter().flat_map(Section::tables) {
        for name in row_names(table) {
            if let Some(last) = name.rsplit('.').next() {
                names.insert(without_list_marker(last).to_lowercase());
            }
        }
        let Some(ty) = columns(&table.header).ty else { continue };
        for row in &table.rows {
            let Some(cell) = row.cells.get(ty) else { continue };
            for word in cell.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()) {
                names.insert(word.to_lowercase());
            }
        }
    }
    names
}

fn without_list_marker(name: &str) -> &str {
    name.split('[').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::markdown::parse;

    fn titles(doc: &Document) -> Vec<(String, u8, usize)> {
        doc.sections.iter().map(|s| (s.title.clone(), s.level, s.tables().count())).collect()
    }

    #[test]
    fn a_line_naming_a_listed_field_titles_the_table_after_it() {
        let md = "#### Parameters\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| actions | Array(action) | x |\n| subject | string | y |\n\naction\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| id | string | z |\n\nsubject\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| type | string | t |\n\nElements in related_resource_types\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| id | string | z |\n";
        let doc = parse("a.md", md);
        let split = split_titled_tables(&doc).expect("split");
        // `related_resource_types` is no field of any table: its line stays text of the section before.
        assert_eq!(
            titles(&split),
            [
                ("".to_string(), 0, 0),
                ("Parameters".to_string(), 4, 1),
                ("action".to_string(), 5, 1),
                ("subject".to_string(), 5, 2)
            ]
        );
    }

    #[test]
    fn prose_and_a_section_s_first_table_stay_where_they_are() {
        // A line before the section's own table introduces it; a line that names no listed field is prose.
        let md = "### 请求参数\n\nsubject\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| subject | string | y |\n\nthe subject table:\n\n| 字段 | 类型 | 描述 |\n|---|---|---|\n| id | string | z |\n";
        assert!(split_titled_tables(&parse("a.md", md)).is_none());
    }
}
