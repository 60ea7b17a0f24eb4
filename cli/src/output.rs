//! How answers are printed: JSON (pretty on a terminal), JSON lines, or a table.

use std::io::{self, IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde_json::Value;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Output {
    /// The answer's `data` as JSON: pretty on a terminal, one line otherwise.
    Json,
    /// One JSON value per line: the items of a list, or the value itself.
    Jsonl,
    /// A table: a list of objects as rows, an object as its keys and values.
    Table,
}

pub(crate) fn print_value(out: &mut impl Write, value: &Value, output: Output) -> io::Result<()> {
    match output {
        Output::Json if io::stdout().is_terminal() => writeln!(out, "{}", pretty(value)),
        Output::Json => writeln!(out, "{value}"),
        Output::Jsonl => match value {
            Value::Array(items) => print_items(out, items),
            other => writeln!(out, "{other}"),
        },
        Output::Table => writeln!(out, "{}", table(value)),
    }
}

/// One line per item.
pub(crate) fn print_items(out: &mut impl Write, items: &[Value]) -> io::Result<()> {
    for item in items {
        writeln!(out, "{item}")?;
    }
    out.flush()
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// A list of objects: one row each, a column per key (in the order the keys first come). A page (scalars and
/// one list of objects): the scalars, then the list. An object: its keys and values. Anything else: the JSON.
fn table(value: &Value) -> String {
    let mut grid = Table::new();
    grid.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    match value {
        Value::Array(items) if is_rows(value) => {
            let mut columns: Vec<&str> = Vec::new();
            for key in items.iter().filter_map(Value::as_object).flat_map(|o| o.keys()) {
                if !columns.contains(&key.as_str()) {
                    columns.push(key);
                }
            }
            grid.set_header(columns.clone());
            for item in items {
                grid.add_row(columns.iter().map(|c| cell(item.get(*c))));
            }
        }
        // A page (`{count, info: [{…}]}`): its scalars above, its one list of objects as the table.
        Value::Object(map)
            if map.values().filter(|v| is_rows(v)).count() == 1
                && map.values().all(|v| is_rows(v) || !(v.is_array() || v.is_object())) =>
        {
            let mut above = String::new();
            for (k, v) in map.iter().filter(|(_, v)| !is_rows(v)) {
                above.push_str(&format!("{k}: {}\n", cell(Some(v))));
            }
            let rows = map.values().find(|v| is_rows(v)).cloned().unwrap_or(Value::Null);
            return format!("{above}{}", table(&rows));
        }
        Value::Object(map) => {
            grid.set_header(["key", "value"]);
            for (k, v) in map {
                grid.add_row([k.clone(), cell(Some(v))]);
            }
        }
        other => return pretty(other),
    }
    grid.to_string()
}

fn is_rows(value: &Value) -> bool {
    value.as_array().is_some_and(|items| !items.is_empty() && items.iter().all(Value::is_object))
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_page_shows_its_count_and_its_items_as_rows() {
        let text = table(&serde_json::json!({"count": 2, "info": [{"bk_biz_id": 1}, {"bk_biz_id": 2}]}));
        assert!(text.starts_with("count: 2\n"), "{text}");
        assert!(text.contains("bk_biz_id") && !text.contains("info"), "{text}");
    }

    #[test]
    fn a_list_of_objects_is_a_table_with_a_column_per_key_and_jsonl_a_line_per_item() {
        let value = serde_json::json!([{"id": 1, "name": "a"}, {"id": 2, "extra": {"x": 1}}]);
        let text = table(&value);
        for word in ["id", "name", "extra", "{\"x\":1}"] {
            assert!(text.contains(word), "{text}");
        }
        let mut out = Vec::new();
        print_value(&mut out, &value, Output::Jsonl).unwrap();
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
    }
}
