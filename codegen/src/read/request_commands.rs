//! Request examples written as a command instead of JSON: a `curl` call (`curl -X POST URL -H … -d '{…}'`) or a
//! Python `requests` call (`requests.post(URL, json={…})`). What they send is read out of them: the method, the
//! URL's path and query, and the body, whose text [`crate::read::example_json::read`] then reads like any example.

use crate::ir::HttpMethod;

/// What a command sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// `curl`, or `requests` for a Python call: named in the repair note.
    pub tool: &'static str,
    pub method: Option<HttpMethod>,
    /// The URL's path, without its query string (`None` when the URL has no path, or is a variable).
    pub path: Option<String>,
    /// `key=value` pairs of the URL's query string, in order.
    pub query: Vec<(String, String)>,
    /// The body's text (JSON, or a Python dict literal), when the command sends one.
    pub body: Option<String>,
}

/// Reads a `curl` command or a Python `requests` call; `None` when the text is neither.
pub fn read(text: &str) -> Option<Command> {
    let trimmed = text.trim_start();
    if trimmed.starts_with("curl ") || trimmed.starts_with("$ curl ") {
        return curl(trimmed.trim_start_matches("$ "));
    }
    python_requests(text)
}

/// Splits a shell command line into words: quotes group, backslash-newline continues the line.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' if chars.peek() == Some(&'\n') => {
                chars.next();
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    word.push(n);
                    in_word = true;
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn curl(text: &str) -> Option<Command> {
    let words = shell_words(text);
    let mut command = Command { tool: "curl", method: None, path: None, query: Vec::new(), body: None };
    let mut it = words.iter().skip(1);
    while let Some(w) = it.next() {
        match w.as_str() {
            "-X" | "--request" => command.method = it.next().and_then(|m| HttpMethod::parse(m)),
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--json" => command.body = it.next().cloned(),
            // Options whose value is not what is sent: headers, users, output files.
            "-H" | "--header" | "-u" | "--user" | "-o" | "--output" | "-A" | "--user-agent" | "-b" | "--cookie" => {
                it.next();
            }
            w if w.starts_with("http://") || w.starts_with("https://") || w.starts_with('/') => url(w, &mut command),
            _ => {}
        }
    }
    if command.method.is_none() {
        command.method = Some(if command.body.is_some() { HttpMethod::Post } else { HttpMethod::Get });
    }
    Some(command)
}

/// `requests.post("https://…/api/x/", json={…})`, `requests.get(url, params={…})`, `data=json.dumps({…})`.
fn python_requests(text: &str) -> Option<Command> {
    let at = text.find("requests.")?;
    let rest = text.get(at + "requests.".len()..)?;
    let verb: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
    let method = HttpMethod::parse(&verb)?;
    let args = rest.get(verb.len()..)?.strip_prefix('(')?;
    let mut command = Command { tool: "requests", method: Some(method), path: None, query: Vec::new(), body: None };
    let first = args.trim_start();
    if let Some(quote) = first.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let literal = first.get(1..)?.split(quote).next()?;
        url(literal, &mut command);
    }
    for key in ["json=", "data=", "params="] {
        let Some(i) = args.find(key) else { continue };
        let value = args.get(i + key.len()..)?;
        let Some(open) = value.find('{') else { continue };
        // `data=json.dumps({…})` or a dict literal; anything else (a variable) sends nothing we can read.
        let before = value.get(..open)?.trim();
        if !(before.is_empty() || before == "json.dumps(") {
            continue;
        }
        command.body = balanced(value.get(open..)?).map(str::to_string);
        break;
    }
    Some(command)
}

/// The `{…}` at the start of `text`, braces balanced outside string literals.
fn balanced(text: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' => depth += 1,
                '}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return text.get(..=i);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

/// Path and query of a URL (`https://host/api/x/?a=1` → `/api/x/`, `a=1`).
fn url(text: &str, command: &mut Command) {
    let without_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
    let path_and_query = if text.contains("://") {
        without_scheme.find('/').and_then(|i| without_scheme.get(i..)).unwrap_or("")
    } else {
        without_scheme
    };
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    if path.starts_with('/') {
        command.path = Some(path.to_string());
    }
    command.query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_commands_give_method_path_query_and_body() {
        let c = read(
            "curl -X POST 'https://bkapi.example.com/api/v3/fast_execute_script/?debug=1' \\\n  \
             -H 'X-Bkapi-Authorization: {\"bk_app_code\": \"x\"}' \\\n  -d '{\"bk_biz_id\": 1, \"name\": \"a b\"}'",
        )
        .unwrap();
        assert_eq!(c.method, Some(HttpMethod::Post));
        assert_eq!(c.path.as_deref(), Some("/api/v3/fast_execute_script/"));
        assert_eq!(c.query, [("debug".to_string(), "1".to_string())]);
        assert_eq!(c.body.as_deref(), Some("{\"bk_biz_id\": 1, \"name\": \"a b\"}"));
        let get = read("curl https://x.example.com/api/c/compapi/v2/cc/get_host/?bk_biz_id=2").unwrap();
        assert_eq!((get.method, get.body), (Some(HttpMethod::Get), None));
    }

    #[test]
    fn python_requests_calls_give_their_dict() {
        let c = read(
            "import requests\nresp = requests.post(\"https://paas.example.com/api/c/compapi/v2/cc/search_host/\", \
             json={\"bk_biz_id\": 2, \"page\": {\"start\": 0, \"limit\": 10}, \"note\": \"{x}\"}, headers=h)\n",
        )
        .unwrap();
        assert_eq!(c.method, Some(HttpMethod::Post));
        assert_eq!(c.path.as_deref(), Some("/api/c/compapi/v2/cc/search_host/"));
        assert_eq!(
            c.body.as_deref(),
            Some("{\"bk_biz_id\": 2, \"page\": {\"start\": 0, \"limit\": 10}, \"note\": \"{x}\"}")
        );
        let dumps = read("requests.post(url, data=json.dumps({'a': True}))").unwrap();
        assert_eq!(dumps.body.as_deref(), Some("{'a': True}"));
        assert!(read("{\"a\": 1}").is_none());
        assert!(read("requests.fetch(url)").is_none());
    }
}
