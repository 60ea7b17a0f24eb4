//! Reading doc examples: strict JSON first, then a lenient reading that records every repair.
//!
//! Repairs done here (outside string literals): Python literals (`True`/`False`/`None`), full-width `，` `：`,
//! curly quotes, `#` comments, `...` / `……` ellipses, a comma missing at a line break, a colon missing after
//! a key (`"name" "aws"`), a bare word where a value goes (`"scope": cmdb_biz`, read as a string), and a bare
//! `"key": value` fragment (wrapped in braces). jsonc-parser then accepts `//` comments, trailing commas and
//! single quotes; we note those too. What still fails is unreadable, with its line: nothing is guessed further.

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
    let (mut repaired, mut repairs) = repair(text);
    if is_fragment(&repaired) {
        repaired = format!("{{{repaired}\n}}");
        repairs.push("a `\"key\": value` fragment wrapped in braces".into());
    }
    match jsonc_parser::parse_to_serde_value::<Value>(&repaired, &ParseOptions::default()) {
        Ok(value) => ReadExample { value: Some(value), repairs, error: None },
        Err(err) => {
            let line = u32::try_from(err.line_display()).unwrap_or(1);
            ReadExample { value: None, repairs, error: Some((line, err.kind().to_string())) }
        }
    }
}

/// `"config": {…}`: a member shown without its object.
fn is_fragment(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix('"') else { return false };
    let Some(end) = rest.find('"') else { return false };
    rest.get(end + 1..).is_some_and(|after| after.trim_start().starts_with(':'))
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
    // A line break since the last value: where a missing comma can be told apart from an error.
    let mut newline_since = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let starts_value = matches!(c, '"' | '\'' | '“' | '{' | '[') || c.is_ascii_digit() || c == '-';
        if starts_value && newline_since && matches!(last_significant, '"' | '\'' | '}' | ']' | 'a' | '0') {
            note("missing comma at a line break inserted", line);
            out.push(',');
        }
        if !c.is_whitespace() {
            newline_since = false;
        }
        match c {
            '“' => {
                // A curly-quoted string: “key” or “value”.
                note("curly quotes replaced", line);
                out.push('"');
                for (_, s) in chars.by_ref() {
                    if s == '”' || s == '"' {
                        break;
                    }
                    if s == '\n' {
                        line += 1;
                    }
                    if s == '"' {
                        out.push('\\');
                    }
                    out.push(s);
                }
                out.push('"');
                last_significant = '"';
            }
            '.' | '…' if is_ellipsis(c, &mut chars) => {
                note("`...` ellipsis removed", line);
                // `a, ..., b` would leave two commas: drop the one after the ellipsis.
                while chars.peek().is_some_and(|&(_, n)| n == ' ' || n == '\t') {
                    chars.next();
                }
                if matches!(last_significant, ',' | '[' | '{') && chars.peek().is_some_and(|&(_, n)| n == ',') {
                    chars.next();
                }
            }
            // `"type": "user".` at a line's end: a comma a translation turned into a full stop.
            '.' | '。' if matches!(last_significant, '"' | '\'' | '}' | ']' | 'a' | '0') && line_ends_here(&chars) => {
                note("a full stop after a value at a line's end read as a comma", line);
                out.push(',');
                last_significant = ',';
            }
            '"' | '\'' => {
                // Copy the string literal verbatim.
                let key_position = matches!(last_significant, '{' | ',');
                line += copy_string(c, &mut chars, &mut out);
                if c == '\'' {
                    note("single-quoted strings", line);
                }
                last_significant = c;
                // `"bk_cloud_name" "aws"`: a key followed on its line by a value, without the colon.
                if key_position && value_follows_on_line(&chars) {
                    note("missing colon after a key inserted", line);
                    out.push(':');
                    last_significant = ':';
                }
            }
            '#' => {
                note("`#` comments removed", line);
                while chars.peek().is_some_and(|&(_, n)| n != '\n') {
                    chars.next();
                }
            }
            '/' if matches!(chars.peek(), Some((_, '/' | '*'))) => {
                // Copied for jsonc-parser, but it is no value: `last_significant` stays.
                note("comments removed", line);
                line += copy_comment(&mut chars, &mut out);
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
                let literal = matches!(word.as_str(), "true" | "false" | "null");
                if let Some(r) = replacement {
                    note("Python literals", line);
                    out.push_str(r);
                } else if last_significant == ':' && !literal {
                    // `"scope": cmdb_biz`: a bare word where a value goes stands for that text.
                    note("unquoted word read as a string", line);
                    out.push('"');
                    out.push_str(&word);
                    out.push('"');
                } else {
                    out.push_str(&word);
                }
                last_significant = 'a';
            }
            '\n' => {
                line += 1;
                newline_since = true;
                out.push(c);
            }
            c if c.is_ascii_digit() => {
                out.push(c);
                while let Some(&(_, n)) = chars.peek() {
                    if !(n.is_ascii_alphanumeric() || matches!(n, '.' | '+' | '-')) {
                        break;
                    }
                    out.push(n);
                    chars.next();
                }
                last_significant = '0';
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

/// Copies a `//` or `/* */` comment (its first `/` just read) for jsonc-parser; returns the line breaks it held.
fn copy_comment(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, out: &mut String) -> u32 {
    out.push('/');
    let block = chars.next().is_some_and(|(_, n)| n == '*');
    out.push(if block { '*' } else { '/' });
    let mut lines = 0;
    let mut prev = ' ';
    while let Some(&(_, n)) = chars.peek() {
        if !block && n == '\n' {
            break;
        }
        chars.next();
        out.push(n);
        if n == '\n' {
            lines += 1;
        }
        if block && prev == '*' && n == '/' {
            break;
        }
        prev = n;
    }
    lines
}

/// Copies the rest of a string literal opened by `quote` verbatim; returns the line breaks it held.
fn copy_string(quote: char, chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, out: &mut String) -> u32 {
    out.push(quote);
    let mut lines = 0;
    let mut escaped = false;
    for (_, s) in chars.by_ref() {
        out.push(s);
        if s == '\n' {
            lines += 1;
        }
        if escaped {
            escaped = false;
        } else if s == '\\' {
            escaped = true;
        } else if s == quote {
            break;
        }
    }
    lines
}

/// The next character past those `skip` accepts, without consuming anything.
fn next_past(chars: &std::iter::Peekable<std::str::CharIndices<'_>>, skip: impl Fn(char) -> bool) -> Option<char> {
    chars.clone().map(|(_, c)| c).find(|c| !skip(*c))
}

/// Whether nothing but spaces follows on this line.
fn line_ends_here(chars: &std::iter::Peekable<std::str::CharIndices<'_>>) -> bool {
    next_past(chars, |c| matches!(c, ' ' | '\t' | '\r')).is_none_or(|n| n == '\n')
}

/// Whether a value starts next on this line (past spaces): after a key, its colon is missing.
fn value_follows_on_line(chars: &std::iter::Peekable<std::str::CharIndices<'_>>) -> bool {
    next_past(chars, |c| matches!(c, ' ' | '\t'))
        .is_some_and(|n| matches!(n, '"' | '\'' | '{' | '[') || n.is_ascii_digit())
}

/// Consumes the rest of an ellipsis (`...`, `......`, `…`, `……`) after its first character `c`.
fn is_ellipsis(c: char, chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> bool {
    if c == '…' {
        while chars.peek().is_some_and(|&(_, n)| n == '…') {
            chars.next();
        }
        return true;
    }
    let mut lookahead = chars.clone();
    let dots = std::iter::from_fn(|| lookahead.next_if(|&(_, n)| n == '.')).count();
    if dots < 2 {
        return false;
    }
    for _ in 0..dots {
        chars.next();
    }
    true
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
    fn ellipses_curly_quotes_missing_commas_and_fragments() {
        let r = read("{\n  \"a\": [\n    {\"id\": 1},\n    ......\n  ]\n  \"b\": 2,\n  “c”: “x”\n}");
        assert_eq!(r.value, Some(json!({"a": [{"id": 1}], "b": 2, "c": "x"})), "{:?}", r.error);
        assert_eq!(r.repairs.len(), 4, "{:?}", r.repairs);
        let r = read("{\n  \"a\": 1,\n  // the next one\n  \"b\": 2 /* two */\n}");
        assert_eq!(r.value, Some(json!({"a": 1, "b": 2})));
        let r = read("[1, ..., 3]");
        assert_eq!(r.value, Some(json!([1, 3])));
        let r = read("\"config\": {\n  \"port\": 3306\n}");
        assert_eq!(r.value, Some(json!({"config": {"port": 3306}})));
        // A quote inside a string is not repaired: that example stays unreadable.
        assert!(read("{\"v\": \"([0]=\"abc\")\"}").value.is_none());
    }

    #[test]
    fn missing_colons_and_bare_words_are_repaired_and_recorded() {
        let r = read("{\n  \"name\" \"aws\",\n  \"scope\": cmdb_biz,\n  \"ok\": true\n}");
        assert_eq!(r.value, Some(serde_json::json!({"name": "aws", "scope": "cmdb_biz", "ok": true})));
        assert!(
            r.repairs.iter().any(|n| n.starts_with("missing colon after a key inserted (line 2")),
            "{:?}",
            r.repairs
        );
        assert!(r.repairs.iter().any(|n| n.starts_with("unquoted word read as a string (line 3")), "{:?}", r.repairs);
        // A string value followed by another string on its line is no key: nothing is inserted.
        let r = read("{\"a\": \"x\" \"y\"}");
        assert!(!r.repairs.iter().any(|n| n.starts_with("missing colon")), "{:?}", r.repairs);
    }

    #[test]
    fn a_full_stop_ending_a_line_after_a_value_is_a_comma() {
        let r = read("{\n  \"type\": \"user\".\n  \"ids\": [1, 2].\n  \"id\": \"admin\"\n}");
        assert_eq!(r.value, Some(json!({"type": "user", "ids": [1, 2], "id": "admin"})), "{:?}", r.error);
        assert_eq!(
            r.repairs,
            vec!["a full stop after a value at a line's end read as a comma (line 2 of the example)"]
        );
        // Inside a string, or in a number, a full stop stays.
        let r = read("{\"a\": \"x.\",\n \"b\": 1.5}");
        assert_eq!(r.value, Some(json!({"a": "x.", "b": 1.5})));
    }

    #[test]
    fn unreadable_example_reports_line() {
        let r = read("{\n \"a\": 1,\n \"b\": }\n");
        assert!(r.value.is_none());
        let (line, message) = r.error.expect("error");
        assert_eq!(line, 3, "{message}");
    }
}
