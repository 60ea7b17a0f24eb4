//! The doc's examples: JSON in the example sections (read strictly, then leniently with recorded repairs by
//! [`crate::read::example_json`]), stray JSON elsewhere when the doc has no example of that kind, request examples written
//! as query strings, and request lines (`GET /api/x/1/`) whose path gives path parameter values.

use std::collections::BTreeMap;

use serde_json::Value;

use super::doc_context::DocContext;
use super::endpoint::request_line;
use super::sections::SectionKind;
use super::tree::{FieldNode, Ty};
use crate::diagnostics::Diagnostic;
use crate::ir::{Example, ExampleKind, HttpMethod, Type};
use crate::read::example_json;

/// What [`DocContext::find_examples`] finds.
pub(super) struct FoundExamples {
    pub(super) examples: Vec<Example>,
    /// Paths of request lines in request example sections, with their lines: path parameter values.
    pub(super) request_lines: Vec<(String, u32)>,
    /// Whether a request example is a query string (the method is then GET, when nothing else says).
    pub(super) query_examples: bool,
}

impl DocContext<'_> {
    /// The doc's examples, in doc order; `request_fields` type the values of query-string examples.
    pub(super) fn find_examples(&mut self, request_fields: &[FieldNode]) -> FoundExamples {
        let mut found = FoundExamples { examples: Vec::new(), request_lines: Vec::new(), query_examples: false };
        let mut strays: Vec<StrayExample> = Vec::new();
        let doc = self.doc;
        for (i, s) in doc.sections.iter().enumerate() {
            let kind = self.kinds.get(i).copied().unwrap_or(SectionKind::Definition);
            for code in s.code_blocks() {
                let text = code.text.trim();
                if kind == SectionKind::RequestExample
                    && let Some(command) = crate::read::request_commands::read(text)
                {
                    self.command_example(command, code.line, request_fields, &mut found);
                    continue;
                }
                let is_request_line = request_line(text).is_some_and(|(_, p)| !p.contains('?'));
                if kind == SectionKind::RequestExample
                    && !is_request_line
                    && let Some(pairs) = query_example(text)
                {
                    found.query_examples = true;
                    found.examples.push(Example {
                        kind: ExampleKind::Request,
                        line: code.line,
                        value: Some(query_object(request_fields, pairs)),
                        repairs: vec!["read from a query string; values typed by the parameter table".into()],
                        error: None,
                    });
                    continue;
                }
                if let Some((_, p)) = request_line(text) {
                    if kind == SectionKind::RequestExample {
                        found.request_lines.push((p, code.line));
                    }
                    continue;
                }
                let in_example_section = matches!(kind, SectionKind::RequestExample | SectionKind::ResponseExample);
                let literal = text.starts_with('{') || text.starts_with('[');
                if !(in_example_section || literal) {
                    continue;
                }
                // `### SDK 调用示例` › ```python client.api.get_apis({...})```: a block the doc tags as program code
                // that none of the readers above understood, and that is no literal, is a call or a script, not an
                // example of the API's JSON.
                if !literal && is_program_code(&code.lang) {
                    continue;
                }
                let read = example_json::read(text);
                let (example_kind, stray) = match kind {
                    SectionKind::RequestExample => (ExampleKind::Request, false),
                    SectionKind::ResponseExample => (ExampleKind::Response, false),
                    // `#### Request` › a table and a JSON sample: the sample is of the section's side, whatever
                    // its keys look like (`{message: "pong"}` under `#### Response`).
                    k if k.is_request_params() => (ExampleKind::Request, true),
                    SectionKind::ResponseParams => (ExampleKind::Response, true),
                    _ => {
                        let looks_like_response = matches!(&read.value, Some(Value::Object(m)) if m.contains_key("result") || (m.contains_key("data") && crate::ir::is_envelope(m)));
                        (if looks_like_response { ExampleKind::Response } else { ExampleKind::Request }, true)
                    }
                };
                let example = Example {
                    kind: example_kind,
                    line: code.line,
                    value: read.value,
                    repairs: read.repairs,
                    error: None,
                };
                let error = read.error.map(|(l, m)| (code.line + l.saturating_sub(1), m));
                if stray {
                    strays.push(StrayExample { example, error, section: s.title.clone() });
                } else {
                    found.examples.push(read_example(&mut self.diags, self.file, example, error));
                }
            }
        }
        self.adopt_strays(strays, &mut found.examples);
        self.drop_fragments(&mut found.examples);
        found
    }

    /// A response example without the envelope (`data`, `result`, `code`) where another response example of the
    /// doc has one is a sample of some part of the response (`### http任务返回的config示例`), not a response:
    /// reading it as one would retype the whole response after that part.
    fn drop_fragments(&mut self, examples: &mut Vec<Example>) {
        let enveloped = |e: &Example| e.value.as_ref().and_then(Value::as_object).is_some_and(has_envelope_key);
        let Some(whole) = examples.iter().find(|e| e.kind == ExampleKind::Response && enveloped(e)).map(|e| e.line)
        else {
            return;
        };
        let file = self.file;
        let diags = &mut self.diags;
        examples.retain(|e| {
            let fragment =
                e.kind == ExampleKind::Response && e.value.as_ref().is_some_and(Value::is_object) && !enveloped(e);
            if fragment {
                diags.push(
                    Diagnostic::warning(
                        file,
                        e.line,
                        format!(
                            "this response example has no `data`/`result`/`code` while the one at line {whole} has: \
                             read as a sample of a part of the response, not as a response"
                        ),
                    )
                    .with_help("give the part's example under its field's section, or the whole response"),
                );
            }
            !fragment
        });
    }

    /// A request example given as a `curl` command or a Python `requests` call: its body (read like any
    /// example) with its URL's query parameters, and its path as a request line (path parameter values).
    fn command_example(
        &mut self,
        command: crate::read::request_commands::Command,
        line: u32,
        request_fields: &[FieldNode],
        found: &mut FoundExamples,
    ) {
        if let Some(path) = &command.path {
            found.request_lines.push((path.clone(), line));
        }
        let note = format!("read from a {} command", command.tool);
        let (mut value, mut repairs, error) = match &command.body {
            Some(body) => {
                let read = example_json::read(body);
                (read.value, read.repairs, read.error.map(|(l, m)| (line + l.saturating_sub(1), m)))
            }
            None => (Some(Value::Object(serde_json::Map::new())), Vec::new(), None),
        };
        repairs.insert(0, note);
        if !command.query.is_empty() {
            found.query_examples |= command.body.is_none();
            if let (Some(Value::Object(map)), Value::Object(query)) =
                (&mut value, query_object(request_fields, command.query))
            {
                for (k, v) in query {
                    map.entry(k).or_insert(v);
                }
            }
        }
        let example = Example { kind: ExampleKind::Request, line, value, repairs, error: None };
        found.examples.push(read_example(&mut self.diags, self.file, example, error));
    }

    /// JSON in other sections (`#### Target` with a sample of its object) is the API's example only when the doc
    /// has none of that kind in its example sections.
    fn adopt_strays(&mut self, strays: Vec<StrayExample>, examples: &mut Vec<Example>) {
        for StrayExample { example, error, section } in strays {
            if examples.iter().any(|e| e.kind == example.kind) {
                continue;
            }
            self.diags.push(
                Diagnostic::warning(
                    self.file,
                    example.line,
                    format!(
                        "example outside an example section (in `{section}`); taken as the {} example",
                        kind_word(example.kind)
                    ),
                )
                .with_help("put it under `### 请求参数示例` / `### 返回结果示例`"),
            );
            examples.push(read_example(&mut self.diags, self.file, example, error));
        }
    }
}

/// Keys only a response envelope has.
fn has_envelope_key(map: &serde_json::Map<String, Value>) -> bool {
    ["data", "result", "code", "error"].iter().any(|k| map.contains_key(*k))
}

/// The first response example that carries data, with its line: an error envelope (`{"error": …}`,
/// `result: false`) describes none.
pub(super) fn first_data_example(examples: &[Example]) -> Option<(&Value, u32)> {
    examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response)
        .filter_map(|e| e.value.as_ref().map(|v| (v, e.line)))
        .find(|(v, _)| !crate::ir::is_error_response(v))
}

/// Request-line examples give path parameter values: merged into the request example (or made one). `template` is
/// the doc's path; `aliases` rename its placeholders to parameter names.
pub(super) fn merge_request_lines(
    template: &str,
    aliases: Option<&BTreeMap<String, String>>,
    request_lines: &[(String, u32)],
    examples: &mut Vec<Example>,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for (line_path, line) in request_lines {
        let Some(values) = match_template(template, line_path) else {
            diags.push(Diagnostic::warning(
                file,
                *line,
                format!("request line `{line_path}` does not match the path `{template}`"),
            ));
            continue;
        };
        let values: Vec<(String, String)> =
            values.into_iter().map(|(k, v)| (aliases.and_then(|a| a.get(&k)).cloned().unwrap_or(k), v)).collect();
        // A request line without placeholders gives no values.
        if values.is_empty() {
            continue;
        }
        let names = values.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ");
        let note = format!("path parameters {names} taken from the request line at line {line}");
        match examples.iter_mut().find(|e| e.kind == ExampleKind::Request) {
            Some(Example { value: Some(Value::Object(map)), repairs, .. }) => {
                for (k, v) in values {
                    map.entry(k).or_insert(Value::String(v));
                }
                repairs.push(note);
            }
            Some(_) => {}
            None => examples.push(Example {
                kind: ExampleKind::Request,
                line: *line,
                value: Some(Value::Object(values.into_iter().map(|(k, v)| (k, Value::String(v))).collect())),
                repairs: vec![note],
                error: None,
            }),
        }
    }
}

/// A fence's info string that names a programming language (`python`, `go`, `bash` …).
fn is_program_code(lang: &str) -> bool {
    let word = lang.split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
    matches!(
        word.as_str(),
        "python"
            | "py"
            | "go"
            | "golang"
            | "java"
            | "javascript"
            | "js"
            | "typescript"
            | "ts"
            | "bash"
            | "sh"
            | "shell"
            | "php"
            | "ruby"
            | "rust"
    )
}

/// A request example written as a query string: `/api/v3/get_x?a=1&b=2`, `GET {{API_URL}}/?a=1`, `?a=1`,
/// `a=1&b=2`, or a bare path (no parameters), on one line; comment lines around it (`// URL Query 参数`) are no
/// part of it. Pairs are percent-decoded.
fn query_example(text: &str) -> Option<Vec<(String, String)>> {
    let mut lines =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with('#'));
    let (Some(line), None) = (lines.next(), lines.next()) else { return None };
    let mut rest = line;
    if let Some((word, after)) = rest.split_once(' ')
        && HttpMethod::parse(word).is_some()
    {
        rest = after.trim();
    }
    let query = match rest.split_once('?') {
        Some((before, query)) if !before.contains(char::is_whitespace) => query,
        Some(_) => return None,
        None if rest.starts_with('/') && !rest.contains(char::is_whitespace) && !rest.contains('=') => "",
        None => rest,
    };
    if query.is_empty() {
        return Some(Vec::new());
    }
    let key_ok = |k: &str| {
        k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
    };
    if !query.split('&').all(|pair| pair.split_once('=').is_some_and(|(k, _)| key_ok(k))) {
        return None;
    }
    Some(form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
}

/// Query strings carry no types: a value becomes a number or boolean where the table types the parameter so
/// (and the text is one), else a string. A repeated key becomes an array.
fn query_object(fields: &[FieldNode], pairs: Vec<(String, String)>) -> Value {
    let mut map = serde_json::Map::new();
    for (key, raw) in pairs {
        let ty = fields.iter().find(|f| f.name == key).map(|f| &f.ty);
        let scalar_ty = match ty {
            Some(Ty::Array(inner)) => Some(inner.as_ref()),
            other => other,
        };
        let value = match scalar_ty {
            Some(Ty::Scalar(Type::Integer)) => raw.parse::<i64>().map(Value::from).ok(),
            Some(Ty::Scalar(Type::Number)) => {
                raw.parse::<f64>().ok().and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            }
            Some(Ty::Scalar(Type::Boolean)) => raw.parse::<bool>().map(Value::Bool).ok(),
            _ => None,
        }
        .unwrap_or(Value::String(raw));
        match map.get_mut(&key) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None if matches!(ty, Some(Ty::Array(_))) => {
                map.insert(key, Value::Array(vec![value]));
            }
            None => {
                map.insert(key, value);
            }
        }
    }
    Value::Object(map)
}

/// JSON found outside the example sections, with its reading error and the section it sits in.
struct StrayExample {
    example: Example,
    error: Option<(u32, String)>,
    section: String,
}

/// An example as the IR keeps it; an unreadable one is also an error diagnostic at its line.
fn read_example(
    diags: &mut Vec<Diagnostic>,
    file: &str,
    mut example: Example,
    error: Option<(u32, String)>,
) -> Example {
    if let Some((line, message)) = error {
        diags.push(
            Diagnostic::error(file, line, format!("unreadable {} example: {message}", kind_word(example.kind)))
                .with_help("fix the JSON in the doc's example")
                // The subject of drift about the whole example (`request example: `).
                .with_code(crate::diagnostics::codes::BAD_JSON, format!("{} example: ", kind_word(example.kind))),
        );
        example.error = Some(format!("line {line}: {message}"));
    }
    example
}

fn kind_word(kind: ExampleKind) -> &'static str {
    match kind {
        ExampleKind::Request => "request",
        ExampleKind::Response => "response",
    }
}

/// Matches `/a/{x}/b` against `/a/1/b`: placeholder → value.
pub(super) fn match_template(template: &str, actual: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let a: Vec<&str> = actual.trim_matches('/').split('/').collect();
    if t.len() != a.len() {
        return None;
    }
    let mut out = Vec::new();
    for (ts, as_) in t.iter().zip(&a) {
        if let Some(name) = ts.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            out.push((name.to_string(), (*as_).to_string()));
        } else if ts != as_ {
            return None;
        }
    }
    Some(out)
}

/// What the examples send, by side: each request example's parameters (without the auth keys) and each
/// successful response example's data. Read once for the passes that settle types by examples.
pub(super) struct ExampleSides {
    /// Each request example's parameters (without the auth keys), with the example's line.
    pub(super) requests: Vec<(Value, u32)>,
    /// Each response example's `data` (error envelopes carry none), with the example's line.
    pub(super) responses: Vec<(Value, u32)>,
}

/// What the examples send on each side: the one place that tells a request's parameters and a response's data.
/// `credential_parameters`: the request's fields named like credentials (see [`crate::ir::request_params`]).
pub(super) fn example_sides(examples: &[Example], credential_parameters: &[String]) -> ExampleSides {
    let (mut requests, mut responses) = (Vec::new(), Vec::new());
    for e in examples {
        let Some(v) = &e.value else { continue };
        match e.kind {
            ExampleKind::Request => requests.push((crate::ir::request_params(v, credential_parameters), e.line)),
            // An error envelope carries no data: the runtime turns it into an error.
            ExampleKind::Response if crate::ir::is_error_response(v) => {}
            ExampleKind::Response => responses.push((crate::ir::response_data(v).clone(), e.line)),
        }
    }
    ExampleSides { requests, responses }
}
