//! Stage 1: markdown text → [`Document`]. Knows pulldown-cmark, knows nothing about BlueKing.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::read::doc::{Block, CodeBlock, Document, Section, Table, TableRow, TextBlock};

/// Maps byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> u32 {
        let idx = self.starts.partition_point(|&s| s <= offset);
        u32::try_from(idx).unwrap_or(u32::MAX)
    }
}

/// What the parser is currently collecting text for.
enum Open {
    None,
    Heading { level: u8, line: u32, text: String },
    Text { line: u32, text: String },
    Code { lang: String, line: u32, text: String },
    Table { table: Table, row: Option<TableRow>, cell: Option<String>, in_head: bool },
}

/// `**title**` or `__title__` alone on its line(s).
fn is_bold_line(raw: &str) -> bool {
    let t = raw.trim();
    ["**", "__"].iter().any(|m| {
        t.strip_prefix(m)
            .and_then(|r| r.strip_suffix(m))
            .is_some_and(|inner| !inner.trim().is_empty() && !inner.contains(m) && !inner.contains('\n'))
    })
}

/// Parses markdown into sections, tables, code blocks and text. Never fails: markdown has no syntax errors.
pub fn parse(path: &str, text: &str) -> Document {
    let lines = LineIndex::new(text);
    let mut sections = vec![Section { title: String::new(), level: 0, line: 1, blocks: Vec::new() }];
    let mut open = Open::None;
    // Nesting depth of list items / block quotes that hold text outside a paragraph (tight lists).
    let mut item_depth = 0usize;
    // Level of the last real heading, for bold-paragraph headings under it.
    let mut heading_level = 0u8;

    let push_block = |sections: &mut Vec<Section>, block: Block| {
        if let Some(last) = sections.last_mut() {
            last.blocks.push(block);
        }
    };

    let parser = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    for (event, range) in parser.into_offset_iter() {
        let line = lines.line(range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                open = Open::Heading { level: level as u8, line, text: String::new() };
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Open::Heading { level, line, text } = std::mem::replace(&mut open, Open::None) {
                    heading_level = level;
                    sections.push(Section { title: clean(&text), level, line, blocks: Vec::new() });
                }
            }
            Event::Start(Tag::Paragraph) if !matches!(open, Open::Text { .. }) => {
                open = Open::Text { line, text: String::new() };
            }
            // A paragraph that is only bold text (`__单据变量（callback_data）__`) is a heading in BlueKing's docs:
            // one level below the last real heading.
            Event::End(TagEnd::Paragraph) if item_depth == 0 && text.get(range.clone()).is_some_and(is_bold_line) => {
                if let Open::Text { line, text } = std::mem::replace(&mut open, Open::None) {
                    let level = heading_level.saturating_add(1).min(6);
                    sections.push(Section { title: clean(&text), level, line, blocks: Vec::new() });
                }
            }
            Event::End(TagEnd::Paragraph) => flush_text(&mut open, &mut sections, item_depth > 0),
            Event::Start(Tag::Item) => {
                flush_text(&mut open, &mut sections, false);
                item_depth += 1;
                open = Open::Text { line, text: String::new() };
            }
            Event::End(TagEnd::Item) => {
                item_depth = item_depth.saturating_sub(1);
                flush_text(&mut open, &mut sections, false);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                flush_text(&mut open, &mut sections, false);
                let (lang, first) = match kind {
                    CodeBlockKind::Fenced(info) => (info.trim().to_string(), line + 1),
                    CodeBlockKind::Indented => (String::new(), line),
                };
                open = Open::Code { lang, line: first, text: String::new() };
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Open::Code { lang, line, text } = std::mem::replace(&mut open, Open::None) {
                    push_block(&mut sections, Block::Code(CodeBlock { lang, text, line }));
                }
            }
            Event::Start(Tag::Table(_)) => {
                flush_text(&mut open, &mut sections, false);
                open = Open::Table {
                    table: Table { header: Vec::new(), rows: Vec::new(), line },
                    row: None,
                    cell: None,
                    in_head: false,
                };
            }
            Event::End(TagEnd::Table) => {
                if let Open::Table { table, .. } = std::mem::replace(&mut open, Open::None) {
                    push_block(&mut sections, Block::Table(table));
                }
            }
            Event::Start(Tag::TableHead) => {
                if let Open::Table { in_head, .. } = &mut open {
                    *in_head = true;
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Open::Table { in_head, .. } = &mut open {
                    *in_head = false;
                }
            }
            Event::Start(Tag::TableRow) => {
                if let Open::Table { row, .. } = &mut open {
                    *row = Some(TableRow { cells: Vec::new(), line });
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Open::Table { table, row, .. } = &mut open
                    && let Some(r) = row.take()
                {
                    table.rows.push(r);
                }
            }
            Event::Start(Tag::TableCell) => {
                if let Open::Table { cell, .. } = &mut open {
                    *cell = Some(String::new());
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Open::Table { table, row, cell, in_head } = &mut open
                    && let Some(c) = cell.take()
                {
                    let c = clean(&c);
                    if *in_head {
                        table.header.push(c);
                    } else if let Some(r) = row {
                        r.cells.push(c);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => append(&mut open, &t),
            Event::SoftBreak | Event::HardBreak => append(&mut open, " "),
            // `<br>` separates words; other tags (`<div style=…>`) are presentation only and dropped.
            Event::Html(html) | Event::InlineHtml(html)
                if html.trim_start().to_ascii_lowercase().starts_with("<br") =>
            {
                append(&mut open, " ");
            }
            _ => {}
        }
    }
    flush_text(&mut open, &mut sections, false);
    Document { path: path.to_string(), sections }
}

fn append(open: &mut Open, text: &str) {
    match open {
        Open::Heading { text: t, .. } | Open::Text { text: t, .. } | Open::Code { text: t, .. } => t.push_str(text),
        Open::Table { cell: Some(c), .. } => c.push_str(text),
        Open::Table { .. } | Open::None => {}
    }
}

/// Ends the current text block. Inside a list item, paragraphs are joined into the item's one text block.
fn flush_text(open: &mut Open, sections: &mut [Section], keep_open: bool) {
    if keep_open {
        if let Open::Text { text, .. } = open {
            text.push(' ');
        }
        return;
    }
    if let Open::Text { line, text } = std::mem::replace(open, Open::None) {
        let text = clean(&text);
        if !text.is_empty()
            && let Some(last) = sections.last_mut()
        {
            last.blocks.push(Block::Text(TextBlock { text, line }));
        }
    }
}

/// Collapses whitespace (including non-breaking and full-width spaces) and drops a stray full-width `｜`
/// that some docs use as a row terminator.
fn clean(text: &str) -> String {
    let collapsed = text
        .split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    collapsed.trim_end_matches(['｜', '|']).trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_keep_lines_and_strip_html_and_entities() {
        let md = "# T\n\n| 字段 | <div style=\"width: 50pt\">必选</div> |\n|---|---|\n| a &#34;x&#34; | 是 ｜\n";
        let doc = parse("t.md", md);
        let table = doc.sections[1].tables().next().expect("table");
        assert_eq!(table.header, vec!["字段", "必选"]);
        assert_eq!(table.rows[0].cells, vec!["a \"x\"", "是"]);
        assert_eq!(table.rows[0].line, 5);
        assert_eq!(table.line, 3);
    }

    #[test]
    fn a_bold_paragraph_alone_is_a_heading_below_the_last_one() {
        let md = "#### 接口参数\n\n| a | b |\n|---|---|\n\n__单据变量（callback_data ）__\n\n| c | d |\n|---|---|\n\n\
                  说明 **不是** 标题\n";
        let doc = parse("t.md", md);
        let titles: Vec<(&str, u8, u32)> = doc.sections.iter().map(|s| (s.title.as_str(), s.level, s.line)).collect();
        assert_eq!(titles, [("", 0, 1), ("接口参数", 4, 1), ("单据变量（callback_data ）", 5, 6)]);
        assert_eq!(doc.sections[2].tables().count(), 1);
        assert_eq!(doc.sections[2].texts().count(), 1, "bold inside a sentence stays text");
    }

    #[test]
    fn code_blocks_record_first_content_line_and_lang() {
        let doc = parse("t.md", "### 示例\n\n```json\n{}\n```\n");
        let code: Vec<_> = doc.sections[1].code_blocks().collect();
        assert_eq!(code.len(), 1);
        assert_eq!(code[0].lang, "json");
        assert_eq!(code[0].line, 4);
        assert_eq!(code[0].text.trim(), "{}");
    }

    #[test]
    fn row_without_trailing_pipe_or_newline_is_kept() {
        let doc = parse("t.md", "#### d\n\n| 字段 | 类型 | 描述 |\n| - | - | - |\n| message     | string");
        let rows = &doc.sections[1].tables().next().expect("table").rows;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].cells[..2], ["message".to_string(), "string".to_string()]);
    }
}
