//! Secrets out of everything an error shows: a server or a proxy may echo the request (an HTML error page with
//! the query string, a JSON body sent back), and what it echoes is text the client puts into `Error`'s Display,
//! its Debug and the `bkapi.call` debug log. Every secret the client holds and every value of a request field
//! whose name says it is a credential ([`bkapi_wire::secrets::is_secret_name`]) is replaced, in each form a
//! server may echo it: as sent, JSON-escaped, percent-encoded.

use std::sync::OnceLock;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

/// Values shorter than this are not looked for.
const MIN_SECRET_CHARS: usize = 4;

/// What replaces a secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// The secrets of one call. Every call has them, few need them (only an error scrubs): the forms to look for —
/// each value as sent, JSON-escaped and percent-encoded, longest first (a form may contain a shorter one) — are
/// made the first time a text is scrubbed.
#[derive(Debug, Default)]
pub(crate) struct Secrets {
    values: Vec<String>,
    forms: OnceLock<Vec<String>>,
}

impl Secrets {
    /// The client's own secrets and those the request carries in fields named as credentials.
    pub(crate) fn of_call<'a>(held: impl IntoIterator<Item = &'a str>, request: &Value) -> Self {
        let mut values: Vec<String> = held.into_iter().map(str::to_string).collect();
        secret_values(request, &mut values);
        // A value of a few characters is no secret worth the name, and replacing every `s` of a message would
        // leave nothing readable (`Connection refu[redacted]ed`).
        values.retain(|v| v.chars().count() >= MIN_SECRET_CHARS);
        Secrets { values, forms: OnceLock::new() }
    }

    fn forms(&self) -> &[String] {
        self.forms.get_or_init(|| {
            let mut forms = Vec::new();
            for value in &self.values {
                forms.push(value.clone());
                if let Ok(json) = serde_json::to_string(value) {
                    forms.push(json.trim_matches('"').to_string());
                }
                forms.push(utf8_percent_encode(value, NON_ALPHANUMERIC).to_string());
                forms.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
            }
            forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            forms.dedup();
            forms
        })
    }

    /// The text with every secret replaced by `[redacted]`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_string();
        for form in self.forms() {
            if text.contains(form.as_str()) {
                text = text.replace(form.as_str(), REDACTED);
            }
        }
        text
    }

    /// The same for every string of a JSON value (an error's permission data).
    pub(crate) fn scrub_value(&self, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.scrub(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.scrub_value(v)).collect()),
            Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, self.scrub_value(v))).collect()),
            other => other,
        }
    }
}

/// The string values of fields named as credentials, anywhere in a request.
fn secret_values(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::String(s) if bkapi_wire::secrets::is_secret_name(key) => out.push(s.clone()),
                    other => secret_values(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| secret_values(v, out)),
        _ => {}
    }
}

/// At most this many characters of a body go into an error.
const EXCERPT_CHARS: usize = 512;

/// A body as an error shows it: secrets scrubbed first (so that a cut cannot leave half a secret), on one line
/// (an HTML page's line breaks and indentation collapsed to single spaces), at most 512 characters.
pub(crate) fn excerpt(body: &str, secrets: &Secrets) -> String {
    let scrubbed = secrets.scrub(body);
    let one_line = scrubbed.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", one_line.get(..i).unwrap_or(&one_line)),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_echoed_form_of_a_secret_is_replaced() {
        let request = json!({"host": {"password": "p@ss word/1"}, "items": [{"bk_token": "tok3n"}], "name": "x"});
        let secrets = Secrets::of_call(["app-s3cret\"q"], &request);
        let echoed = r#"query bk_app_secret=app%2Ds3cret%22q&pw=p%40ss+word%2F1 json {"bk_app_secret":"app-s3cret\"q","password":"p@ss word/1"} raw app-s3cret"q tok3n name x"#;
        let scrubbed = secrets.scrub(echoed);
        for leaked in ["s3cret", "p@ss", "p%40ss", "ss word", "ss+word", "tok3n"] {
            assert!(!scrubbed.contains(leaked), "{leaked} in {scrubbed}");
        }
        assert!(scrubbed.ends_with("name x"), "{scrubbed}");
        // A one-letter "secret" would blank every `s` of the message.
        let short = Secrets::of_call(["s"], &Value::Null);
        assert_eq!(short.scrub("Connection refused (os error 111)"), "Connection refused (os error 111)");
    }

    #[test]
    fn an_excerpt_is_one_line_of_at_most_512_characters_cut_after_scrubbing() {
        let secret = "0123456789abcdef";
        let secrets = Secrets::of_call([secret], &Value::Null);
        // The secret straddles the cut at 512 characters: scrubbing after the cut would leave its first half.
        let body = format!("<html>\n  <body>{}{secret}\n</body>", "x".repeat(495));
        let shown = excerpt(&body, &secrets);
        assert!(!shown.contains('\n') && !shown.contains("01234567"), "{shown}");
        // The cut falls inside the replacement, never inside the secret.
        assert!(shown.chars().count() <= 513 && shown.ends_with("[red…"), "{shown}");
    }
}
