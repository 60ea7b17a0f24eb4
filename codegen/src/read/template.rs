//! Jinja doc templates (`.md.j2`): the markdown a template renders to, as far as it is knowable without
//! rendering. Statements (`{% if %}`, `{# … #}`) become blank lines; `{% include '_x.md.j2' %}` becomes the
//! fragment's own text (its tables are the including doc's: IAM's `system_create` tables its request only in
//! `_api_v1_model_system.md.j2`). Every line of the result remembers the file and line it came from, so what is
//! reported about it points at the fragment, and what the IR records points at the include in the doc itself.

/// How deep includes nest before the rest is left out (a fragment including itself, or a chain of them).
const MAX_DEPTH: usize = 8;

/// A template with its includes spliced in.
#[derive(Debug, Clone, Default)]
pub struct Composed {
    pub text: String,
    origins: Vec<Origin>,
}

#[derive(Debug, Clone)]
struct Origin {
    /// The fragment the line comes from (its display path); `None`: the doc itself.
    fragment: Option<String>,
    /// Its line in that file.
    line: u32,
    /// The doc's own line that brought it in: the line itself, or the include statement.
    doc_line: u32,
}

impl Composed {
    /// The doc's own line for a line of the composed text: itself, or the include statement that brought it in.
    pub fn doc_line(&self, composed: u32) -> u32 {
        self.origin(composed).map_or(composed, |o| o.doc_line)
    }

    /// Where a line of the composed text was written: the fragment's display path (`None` when in the doc
    /// itself) and its line there.
    pub fn source(&self, composed: u32) -> (Option<&str>, u32) {
        self.origin(composed).map_or((None, composed), |o| (o.fragment.as_deref(), o.line))
    }

    /// Whether any fragment was spliced in.
    pub fn includes_any(&self) -> bool {
        self.origins.iter().any(|o| o.fragment.is_some())
    }

    fn origin(&self, composed: u32) -> Option<&Origin> {
        self.origins.get(usize::try_from(composed).ok()?.checked_sub(1)?)
    }

    fn push(&mut self, text: &str, origin: Origin) {
        if !self.origins.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(text);
        self.origins.push(origin);
    }
}

/// The markdown `text` renders to. `fragment` finds an included file by the name the statement gives (its file
/// name): its display path and text. An include that names no file it finds, or nests too deep, is left out like
/// any other statement.
pub fn compose<'a>(text: &str, fragment: &dyn Fn(&str) -> Option<(String, &'a str)>) -> Composed {
    let mut out = Composed::default();
    let mut open: Vec<String> = Vec::new();
    compose_into(text, None, fragment, &mut open, &mut out);
    out
}

/// `text`, with statements blanked and includes spliced, appended to `out`. `within`: the fragment's display path
/// and the doc's include line, when `text` is a fragment.
fn compose_into<'a>(
    text: &str,
    within: Option<(&str, u32)>,
    fragment: &dyn Fn(&str) -> Option<(String, &'a str)>,
    open: &mut Vec<String>,
    out: &mut Composed,
) {
    for (i, line) in text.lines().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let doc_line = within.map_or(number, |(_, at)| at);
        let origin = Origin { fragment: within.map(|(f, _)| f.to_string()), line: number, doc_line };
        let target = include_target(line).filter(|name| open.len() < MAX_DEPTH && !open.iter().any(|o| o == name));
        if let Some(name) = target
            && let Some((display, included)) = fragment(name)
        {
            // Blank lines around the fragment: its first heading or table starts a block of its own.
            out.push("", origin.clone());
            open.push(name.to_string());
            compose_into(included, Some((&display, doc_line)), fragment, open, out);
            open.pop();
            out.push("", origin);
            continue;
        }
        out.push(if is_statement(line) { "" } else { line }, origin);
    }
}

/// A line that is a whole Jinja statement or comment.
fn is_statement(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("{%") && t.ends_with("%}")) || (t.starts_with("{#") && t.ends_with("#}"))
}

/// The file name a `{% include '…' %}` line names.
pub fn include_target(line: &str) -> Option<&str> {
    let statement = line.trim().strip_prefix("{%")?.strip_suffix("%}")?.trim();
    let statement = statement.trim_start_matches('-').trim_end_matches('-').trim();
    let target = statement.strip_prefix("include")?.trim();
    let target = target.split_whitespace().next()?.trim_matches(|c| c == '\'' || c == '"');
    let name = target.rsplit('/').next().unwrap_or(target);
    (!name.is_empty()).then_some(name)
}

/// The file names a template's include statements name.
pub fn included_names(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(include_target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fragments(name: &str) -> Option<(String, &'static str)> {
        match name {
            "_model.md.j2" => Some(("docs/_model.md.j2".into(), "#### Parameters\n\n| id | string | 是 | x |")),
            "_loop.md.j2" => Some(("docs/_loop.md.j2".into(), "a\n{% include '_loop.md.j2' %}\nb")),
            _ => None,
        }
    }

    #[test]
    fn an_include_is_replaced_by_the_fragment_and_its_lines_point_back() {
        let doc = "### 新增 system\n{% include '_model.md.j2' %}\n#### Request\n{% if x %}\n```json\n{}\n```";
        let c = compose(doc, &fragments);
        assert!(c.text.contains("#### Parameters\n\n| id | string"), "{}", c.text);
        assert!(!c.text.contains("{%"), "{}", c.text);
        let table = c.text.lines().position(|l| l.starts_with("| id")).map(|i| i as u32 + 1).unwrap_or(0);
        assert_eq!(c.source(table), (Some("docs/_model.md.j2"), 3));
        assert_eq!(c.doc_line(table), 2, "the IR points at the include statement");
        let request = c.text.lines().position(|l| l == "#### Request").map(|i| i as u32 + 1).unwrap_or(0);
        assert_eq!((c.source(request), c.doc_line(request)), ((None, 3), 3), "the doc's own lines keep their numbers");
        assert!(c.includes_any());
    }

    #[test]
    fn an_include_of_itself_or_of_a_missing_file_is_left_out() {
        let c = compose("{% include '_loop.md.j2' %}\n{% include \"missing.md.j2\" %}", &fragments);
        assert_eq!(c.text.matches('a').count(), 1, "the fragment once, not again inside itself: {}", c.text);
        assert!(!c.text.contains("{%"), "{}", c.text);
    }

    #[test]
    fn include_targets_are_file_names() {
        assert_eq!(include_target("{% include 'a/_x.md.j2' %}"), Some("_x.md.j2"));
        assert_eq!(include_target("{%- include \"_y.md.j2\" with context -%}"), Some("_y.md.j2"));
        assert_eq!(include_target("{% if x %}"), None);
    }
}
