//! Type words of parameter tables (`string`, `long`, `list[int]`, `对象`, …) → a shape the lowering resolves.

/// What a type cell says, before nested sections are looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    /// An array; `None` when the element type is not stated.
    Array(Option<Box<Shape>>),
    /// A map whose values the word types (`string map`, `map<string, bool>`, `dict[str, int]`).
    Map(Box<Shape>),
    /// Anything goes (`json`, `any`, or a union such as `string/list`).
    Any,
}

/// Longest type cell read as a type word; BlueKing's longest are under 60 bytes.
const MAX_TYPE_WORD_BYTES: usize = 256;

/// Parses a type cell. `None` means the word is not understood: the caller reports it and uses untyped JSON.
pub fn parse_type_word(word: &str) -> Option<Shape> {
    // Each bracket or separator is a level of recursion: a cell this long is no type word (and a hostile one,
    // `[][][]…` or `list[list[…`, must not exhaust the reading thread's stack).
    if word.len() > MAX_TYPE_WORD_BYTES {
        return None;
    }
    let w = word.trim().to_lowercase().replace(['（', '〔'], "(").replace(['）', '〕'], ")");
    let w = w.trim_matches(|c: char| c == '`' || c == '*');
    if w.is_empty() {
        return None;
    }
    let fixed: Vec<&str> = w.split(' ').map(|t| if known_word(t) { t } else { corrected(t).unwrap_or(t) }).collect();
    let fixed = fixed.join(" ");
    let w = fixed.as_str();
    // `string or null`, `int/null`, `string，可为空`: nullability is Option's job.
    for sep in [" or ", "/", "|", ",", "，", "、", "或者", "或"] {
        if let Some((a, b)) = split_outside_brackets(w, sep) {
            let (a, b) = (a.trim(), b.trim());
            let is_null = |s: &str| matches!(s, "null" | "none" | "nil") || s.contains("空");
            return match (parse_type_word(a), parse_type_word(b)) {
                (Some(x), _) if is_null(b) => Some(x),
                (_, Some(y)) if is_null(a) => Some(y),
                (Some(x), Some(y)) if x == y => Some(x),
                (Some(_), Some(_)) => Some(Shape::Any),
                _ => None,
            };
        }
    }
    // Go: `[]string`, `[]object`, `[]Filter` (a section), `map[string]string`.
    if let Some(elem) = w.strip_prefix("[]") {
        return Some(Shape::Array(Some(Box::new(parse_type_word(elem).unwrap_or(Shape::Object)))));
    }
    if let Some((key, value)) = w.strip_prefix("map[").and_then(|rest| rest.split_once(']'))
        && !key.is_empty()
    {
        return Some(parse_type_word(value).map_or(Shape::Object, |v| Shape::Map(Box::new(v))));
    }
    // `array of strings`, `list of int`: the element after `of`, singular or plural.
    for prefix in ["array of ", "list of "] {
        if let Some(elem) = w.strip_prefix(prefix) {
            let elem = elem.trim();
            let one = parse_type_word(elem).or_else(|| elem.strip_suffix('s').and_then(parse_type_word));
            return Some(Shape::Array(one.map(Box::new)));
        }
    }
    // A format in parentheses (`string(date-time)`, `string(uuid)`, OpenAPI's): the type before it.
    if let Some((base, format)) = w.split_once('(')
        && format.ends_with(')')
        && !is_array_word(base.trim())
        && !is_map_word(base.trim())
        && let Some(shape) = scalar_word(base.trim())
    {
        return Some(shape);
    }
    // list[int], list(int), array<object>, array[object]
    for open in ['[', '(', '<'] {
        if let Some((outer, rest)) = w.split_once(open) {
            let inner = rest.trim_end_matches([']', ')', '>']);
            if is_array_word(outer.trim()) {
                // `list[duty_arrange]`: the element is a section, resolved by the caller.
                let elem = parse_type_word(inner).unwrap_or(Shape::Object);
                return Some(Shape::Array(Some(Box::new(elem))));
            }
            if is_map_word(outer.trim()) {
                // `map<string, bool>`: the value's type follows the key's.
                return Some(match inner.split_once(',').and_then(|(_, value)| parse_type_word(value)) {
                    Some(value) => Shape::Map(Box::new(value)),
                    None => Shape::Object,
                });
            }
        }
    }
    // `int array`, `object array`, `int64 array`, `string数组`, `int[]`
    if let Some(elem) = w.strip_suffix("[]") {
        return Some(Shape::Array(parse_type_word(elem).map(Box::new)));
    }
    for suffix in [" array", " list", "array", "数组", "列表"] {
        if let Some(elem) = w.strip_suffix(suffix)
            && !elem.trim().is_empty()
            && let Some(e) = parse_type_word(elem)
        {
            return Some(Shape::Array(Some(Box::new(e))));
        }
    }
    // `string map`: a map of strings.
    if let Some(value) = w.strip_suffix(" map")
        && let Some(v) = parse_type_word(value)
    {
        return Some(Shape::Map(Box::new(v)));
    }
    // `array string`, `list int`: the element after the container word.
    for prefix in ["array ", "list "] {
        if let Some(elem) = w.strip_prefix(prefix)
            && let Some(e) = parse_type_word(elem)
        {
            return Some(Shape::Array(Some(Box::new(e))));
        }
    }
    scalar_word(w)
}

/// A type word as it is, or as the plural of one (`objects`: left alone, not read as `object`).
fn known_word(t: &str) -> bool {
    scalar_word(t).is_some() || t.strip_suffix('s').is_some_and(|one| scalar_word(one).is_some())
}

/// One slip of the keyboard in a long type word (`stirng`, `arary`, `int arrray`'s `arrray`): a letter swapped
/// with the next, missing, doubled or wrong. Short words (`int`, `str`) are too close to each other to guess.
fn corrected(w: &str) -> Option<&'static str> {
    const WORDS: &[&str] = &["string", "array", "object", "integer", "boolean", "number", "double"];
    let near = |a: &str, b: &str| -> bool {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let rest = |v: &[char], skip: usize| v.get(prefix + skip..).map(<[char]>::to_vec);
        match a.len().abs_diff(b.len()) {
            0 => {
                rest(&a, 1) == rest(&b, 1)
                    || (a.get(prefix) == b.get(prefix + 1)
                        && a.get(prefix + 1) == b.get(prefix)
                        && rest(&a, 2) == rest(&b, 2))
            }
            1 if a.len() > b.len() => rest(&a, 1) == rest(&b, 0),
            1 => rest(&a, 0) == rest(&b, 1),
            _ => false,
        }
    };
    WORDS.iter().copied().find(|known| w.chars().count() >= 5 && w != *known && near(w, known))
}

/// `w.split_once(sep)` at the first `sep` not inside brackets (`map<string, int>` is no union).
fn split_outside_brackets<'w>(w: &'w str, sep: &str) -> Option<(&'w str, &'w str)> {
    let mut depth = 0i32;
    for (i, c) in w.char_indices() {
        match c {
            '[' | '(' | '<' => depth += 1,
            ']' | ')' | '>' => depth -= 1,
            _ if depth == 0 && w[i..].starts_with(sep) => return Some((&w[..i], &w[i + sep.len()..])),
            _ => {}
        }
    }
    None
}

fn is_array_word(w: &str) -> bool {
    matches!(w, "array" | "list" | "arr" | "数组" | "列表" | "set" | "tuple")
}

fn is_map_word(w: &str) -> bool {
    matches!(w, "dict" | "map" | "object" | "hash")
}

fn scalar_word(w: &str) -> Option<Shape> {
    Some(match w {
        "string" | "str" | "字符串" | "字符" | "text" | "char" | "varchar" | "datetime" | "date" | "time"
        | "timestamp" | "email" | "uuid" => Shape::String,
        // A value from the list the description gives (`可选值："mobile_game"(手游)、…`): its names are strings,
        // and a string field reads numeric codes too.
        "enum" | "枚举" => Shape::String,
        "int" | "integer" | "long" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16" | "uint32"
        | "uint64" | "i64" | "整数" | "整型" | "数字" | "short" => Shape::Integer,
        "number" | "float" | "double" | "decimal" | "浮点" | "浮点数" | "float32" | "float64" | "数值" => {
            Shape::Number
        }
        "bool" | "boolean" | "布尔" | "布尔值" | "布尔型" => Shape::Boolean,
        "dict" | "object" | "map" | "json" | "json object" | "对象" | "字典" | "obj" | "hash" | "struct" => {
            Shape::Object
        }
        // A JSON document sent as text.
        "json string" | "json object string" => Shape::String,
        "any" | "mixed" | "任意" => Shape::Any,
        w if is_array_word(w) => Shape::Array(None),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr(s: Shape) -> Shape {
        Shape::Array(Some(Box::new(s)))
    }

    #[test]
    fn go_java_and_openapi_spellings() {
        // Go: slices (of a scalar, of an object, of a section named by the caller) and maps.
        assert_eq!(parse_type_word("[]string"), Some(arr(Shape::String)));
        assert_eq!(parse_type_word("[]object"), Some(arr(Shape::Object)));
        assert_eq!(parse_type_word("[]Filter"), Some(arr(Shape::Object)));
        assert_eq!(parse_type_word("map[string]string"), Some(Shape::Map(Box::new(Shape::String))));
        assert_eq!(parse_type_word("uint8"), Some(Shape::Integer));
        // Java.
        assert_eq!(parse_type_word("Long"), Some(Shape::Integer));
        assert_eq!(parse_type_word("List<String>"), Some(arr(Shape::String)));
        // OpenAPI formats and prose.
        assert_eq!(parse_type_word("string(date-time)"), Some(Shape::String));
        assert_eq!(parse_type_word("string(uuid)"), Some(Shape::String));
        assert_eq!(parse_type_word("Array of strings"), Some(arr(Shape::String)));
        assert_eq!(parse_type_word("json object"), Some(Shape::Object));
        assert_eq!(parse_type_word("json object string"), Some(Shape::String));
        // Nested without end: no type, and no stack overflow.
        assert_eq!(parse_type_word(&"[]".repeat(100_000)), None);
        assert!(parse_type_word(&format!("{}int", "[]".repeat(20))).is_some());
        // Still no type: a placeholder, a description.
        assert_eq!(parse_type_word("-"), None);
        assert_eq!(parse_type_word("随bk_property_type字段类型"), None);
    }

    #[test]
    fn scalar_words_in_english_and_chinese() {
        assert_eq!(parse_type_word("long"), Some(Shape::Integer));
        assert_eq!(parse_type_word(" String "), Some(Shape::String));
        assert_eq!(parse_type_word("布尔"), Some(Shape::Boolean));
        assert_eq!(parse_type_word("对象"), Some(Shape::Object));
        assert_eq!(parse_type_word("double"), Some(Shape::Number));
        assert_eq!(parse_type_word("array"), Some(Shape::Array(None)));
        assert_eq!(parse_type_word("enum"), Some(Shape::String));
    }

    #[test]
    fn compound_words() {
        assert_eq!(parse_type_word("list[int]"), Some(arr(Shape::Integer)));
        assert_eq!(parse_type_word("list（int）"), Some(arr(Shape::Integer)));
        assert_eq!(parse_type_word("int64 array"), Some(arr(Shape::Integer)));
        assert_eq!(parse_type_word("array[object]"), Some(arr(Shape::Object)));
        assert_eq!(parse_type_word("string or null"), Some(Shape::String));
        assert_eq!(parse_type_word("string/list"), Some(Shape::Any));
        assert_eq!(parse_type_word("int[]"), Some(arr(Shape::Integer)));
        assert_eq!(parse_type_word("string 或者 null"), Some(Shape::String));
        assert_eq!(parse_type_word("string、int、bool"), Some(Shape::Any));
        // A list of a named section's objects.
        assert_eq!(parse_type_word("list[duty_arrange]"), Some(arr(Shape::Object)));
    }

    #[test]
    fn typed_maps() {
        let map = |s: Shape| Shape::Map(Box::new(s));
        assert_eq!(parse_type_word("string map"), Some(map(Shape::String)));
        assert_eq!(parse_type_word("map<string, int>"), Some(map(Shape::Integer)));
        assert_eq!(parse_type_word("Map<string, Map<string, boolean>>"), Some(map(map(Shape::Boolean))));
        assert_eq!(parse_type_word("dict[str, list[int]]"), Some(map(arr(Shape::Integer))));
        // A map the word does not type is an object, resolved (or not) by its section.
        assert_eq!(parse_type_word("map"), Some(Shape::Object));
        assert_eq!(parse_type_word("dict(foo)"), Some(Shape::Object));
    }

    #[test]
    fn prefixed_plural_and_misspelled_words() {
        assert_eq!(parse_type_word("array string"), Some(arr(Shape::String)));
        // A plural is not a slip of `object`.
        assert_eq!(parse_type_word("objects"), None);
        assert_eq!(parse_type_word("stirng"), Some(Shape::String));
        assert_eq!(parse_type_word("string arary"), Some(arr(Shape::String)));
        assert_eq!(parse_type_word("int arrray"), Some(arr(Shape::Integer)));
        assert_eq!(parse_type_word("objet"), Some(Shape::Object));
        assert_eq!(parse_type_word("数值"), Some(Shape::Number));
        // Too short to guess, or two slips away.
        assert_eq!(parse_type_word("itn"), None);
        assert_eq!(parse_type_word("strnig"), Some(Shape::String));
        assert_eq!(parse_type_word("stnirg"), None);
        assert_eq!(parse_type_word("status"), None);
    }

    #[test]
    fn unknown_words_are_none() {
        assert_eq!(parse_type_word("frobnicator"), None);
        assert_eq!(parse_type_word(""), None);
    }
}
