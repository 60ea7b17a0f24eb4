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

/// A list of objects: one row each, a column per key (in the order the keys first come). An object: its keys and
/// values. Anything else: the JSON itself.
fn table(value: &Value) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    match value {
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let mut columns: Vec<&str> = Vec::new();
            for key in items.iter().filter_map(Value::as_object).flat_map(|o| o.keys()) {
                if !columns.contains(&key.as_str()) {
                    columns.push(key);
                }
            }
            table.set_header(columns.clone());
            for item in items {
                table.add_row(columns.iter().map(|c| cell(item.get(*c))));
            }
        }
        Value::Object(map) => {
            table.set_header(["key", "value"]);
            for (k, v) in map {
                table.add_row([k.clone(), cell(Some(v))]);
            }
        }
        other => return pretty(other),
    }
    table.to_string()
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
