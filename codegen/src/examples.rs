//! Reading doc examples: strict JSON first, then a lenient reading that records every repair.
//!
//! Repairs done here (outside string literals): Python literals (`True`/`False`/`None`), full-width `，` `：`,
//! `#` comments. jsonc-parser then accepts `//` comments, trailing commas and single quotes; we note those too.

use jsonc_parser::ParseOptions;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct ReadExample {
    pub value: Option<Value>,
    pub repairs: Vec<String>,
    /// Error message with a 1-based line relative to the start of the example.
    pub error: Option<(u32, String)>,
}

/// Reads an example's text. `None` value means unreadable; `error` says where and why.
pub fn read(text: &str) -> ReadExample {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return ReadExample { value: Some(value), repairs: Vec::new(), error: None };
    }
    let (repaired, repairs) = repair(text);
    match jsonc_parser::parse_to_serde_value::<Value>(&repaired, &ParseOptions::default()) {
        Ok(value) => ReadExample { value: Some(value), repairs, error: None },
        Err(err) => {
            let line = u32::try_from(err.line_display()).unwrap_or(1);
            ReadExample { value: None, repairs, error: Some((line, err.kind().to_string())) }
        }
    }
}

/// Token-level rewrite of what jsonc-parser does not accept; returns the new text and a note per kind of repair.
fn repair(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut notes: Vec<String> = Vec::new();
    let mut note = |what: &str, line: u32| {
        let msg = format!("{what} (line {line} of the example)");
        if !notes.iter().any(|n| n.starts_with(what)) {
            notes.push(msg);
        }
    };
    let mut line = 1u32;
    let mut last_significant = ' ';
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' | '\'' => {
                // Copy the string literal verbatim.
                out.push(c);
                let mut escaped = false;
                for (_, s) in chars.by_ref() {
                    out.push(s);
                    if s == '\n' {
                        line += 1;
                    }
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == c {
                        break;
                    }
                }
                if c == '\'' {
                    note("single-quoted strings", line);
                }
                last_significant = c;
            }
            '#' => {
                note("`#` comments removed", line);
                while chars.peek().is_some_and(|&(_, n)| n != '\n') {
                    chars.next();
                }
            }
            '/' if matches!(chars.peek(), Some((_, '/' | '*'))) => {
                note("comments removed", line);
                out.push(c);
            }
            '，' | '：' => {
                note("full-width punctuation replaced", line);
                let ascii = if c == '，' { ',' } else { ':' };
                out.push(ascii);
                last_significant = ascii;
            }
            '}' | ']' => {
                if last_significant == ',' {
                    note("trailing comma", line);
                }
                out.push(c);
                last_significant = c;
            }
            c if c.is_ascii_alphabetic() => {
                let rest = text.get(i..).unwrap_or("");
                let word: String = rest.chars().take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_').collect();
                let replacement = match word.as_str() {
                    "True" => Some("true"),
                    "False" => Some("false"),
                    "None" => Some("null"),
                    _ => None,
                };
                for _ in 1..word.chars().count() {
                    chars.next();
                }
                if let Some(r) = replacement {
                    note("Python literals", line);
                    out.push_str(r);
                } else {
                    out.push_str(&word);
                }
                last_significant = 'a';
            }
            '\n' => {
                line += 1;
                out.push(c);
            }
            c => {
                out.push(c);
                if !c.is_whitespace() {
                    last_significant = c;
                }
            }
        }
    }
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_json_needs_no_repair() {
        let r = read(r#"{"a": 1}"#);
        assert_eq!(r.value, Some(json!({"a": 1})));
        assert!(r.repairs.is_empty());
    }

    #[test]
    fn trailing_comma_is_repaired_and_recorded() {
        let r = read("{\n  \"a\": [1, 2,],\n  \"b\": \"x\",\n}\n");
        assert_eq!(r.value, Some(json!({"a": [1, 2], "b": "x"})));
        assert_eq!(r.repairs, vec!["trailing comma (line 2 of the example)"]);
    }

    #[test]
    fn python_literals_comments_and_full_width_punctuation() {
        let r = read("{'a': True, # yes\n \"b\"： None， \"c\": \"True，\" // end\n}");
        assert_eq!(r.value, Some(json!({"a": true, "b": null, "c": "True，"})));
        assert_eq!(r.repairs.len(), 5, "{:?}", r.repairs);
    }

    #[test]
    fn unreadable_example_reports_line() {
        let r = read("{\n \"a\": 1,\n \"b\": }\n");
        assert!(r.value.is_none());
        let (line, message) = r.error.expect("error");
        assert_eq!(line, 3, "{message}");
    }
}
