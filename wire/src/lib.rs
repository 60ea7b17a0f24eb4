//! How generated types become JSON values and back: [`Wire`], implemented for every generated type and for the
//! types their fields use.
//!
//! Generated types implement `serde::Serialize` and `serde::Deserialize` through these (any serde format works),
//! but the runtime calls them directly: a response is read from its JSON value once, with the path of a value
//! that does not fit. They are hand-written rather than derived because serde's derives cost several times
//! more to compile than the small record readers below, and a bindings crate has thousands of types.
//!
//! Leniency is per field, as BlueKing sends it: a record's integer fields take numeric strings (and `""` as
//! absent when optional), its string fields take numbers as their text ([`Record::int`], [`Record::text`], …),
//! and an optional field whose type takes no text (a list, a map, a record) takes `""` as absent.
//! What is *sent* is always the documented type.
//!
//! This crate has no HTTP in it: the runtime (`bkapi-runtime`, which re-exports it as `bkapi::wire`) and the
//! generator (`bkapi-codegen`, whose model of the generated code reads JSON by these same rules) both use it.
//! [`envelope`] is the one rule of what a response's envelope is and when it says the call failed.
#![deny(missing_docs)]

pub mod envelope;
pub mod secrets;

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

/// A value that does not fit its type: where (from the value read) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    /// Innermost segment first, as the error travels outwards.
    path: Vec<Segment>,
    message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl WireError {
    /// An error at the value being read.
    pub fn new(message: impl Into<String>) -> Self {
        Self { path: Vec::new(), message: message.into() }
    }

    fn invalid(found: &Value, expected: &str) -> Self {
        Self::new(format!("invalid type: {}, expected {expected}", kind(found)))
    }

    /// A value that a closed enum does not list.
    pub fn unlisted(value: &str, type_name: &str) -> Self {
        Self::new(format!("unknown value `{value}`, expected one of the values of `{type_name}`"))
    }

    /// Text that names no value of an enum (`FromStr`): what it takes, listed.
    pub fn not_a_value(text: &str, type_name: &str, accepted: &str) -> Self {
        Self::new(format!("`{text}` is not a value of `{type_name}`; it takes {accepted}"))
    }

    /// The same error, one object key further out.
    pub fn at_key(mut self, key: &str) -> Self {
        self.path.push(Segment::Key(key.to_string()));
        self
    }

    /// The same error, one list index further out.
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.push(Segment::Index(index));
        self
    }

    /// Path of the value that did not fit, from the value read: `hosts[2].ip`; empty for the value itself.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// What is wrong with the value.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            path if path.is_empty() => f.write_str(&self.message),
            path => write!(f, "{}: at `{path}`", self.message),
        }
    }
}

impl std::error::Error for WireError {}

/// The JSON kind of a value, as serde names it in errors (without the value: it may be a secret).
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "floating point",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

/// A type read from and written as a JSON value (one trait, not two: every impl costs compile time, and
/// generated types have both directions).
pub trait Wire: Sized {
    /// Reads the value.
    fn from_wire(value: Value) -> Result<Self, WireError>;

    /// Writes the value.
    fn to_wire(&self) -> Value;

    /// The value of an absent object key: `None` (an error) except for optional types.
    fn absent() -> Option<Self> {
        None
    }

    /// What a response record that lacks this required field reads instead (see [`Record::read_response`]):
    /// the type's empty value (`0`, `""`, `false`, empty list or map, `null`); `None` where there is none (a
    /// required enum or struct is still an error).
    fn placeholder() -> Option<Self> {
        None
    }

    /// Whether a record leaves this field out (an optional field without a value).
    fn is_absent(&self) -> bool {
        false
    }
}

/// `serde::Serialize` of a generated type, through its JSON value.
pub fn serialize<T: Wire, S: serde::Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&value.to_wire(), serializer)
}

/// `serde::Deserialize` of a generated type, through a JSON value.
pub fn deserialize<'de, T: Wire, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
    T::from_wire(value).map_err(serde::de::Error::custom)
}

#[doc(hidden)]
pub use serde as __serde;

/// `serde::Serialize` and `serde::Deserialize` through [`Wire`] for each type named: what the generated code
/// calls once per system, instead of writing out two impls per type.
#[doc(hidden)]
#[macro_export]
macro_rules! serde_through_wire {
    ($($name:ident),* $(,)?) => {$(
        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::serialize(self, serializer)
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::deserialize(deserializer)
            }
        }
    )*};
}

/// The fields of an object being read into a generated struct. Keys the struct does not list are kept (see
/// [`Extra`]).
///
/// Two modes, by the side a struct is on: a response's records are *tolerant* ([`Record::read_response`]): a
/// field the doc calls required that one record lacks reads as its type's empty value and is listed in
/// [`Extra::absent`] (the docs' required flags are unreliable; one odd record must not fail a whole call). A
/// request's records are *strict* ([`Record::read`]): a missing required field is an error, and so is a key
/// that looks like a misspelling of a listed one ([`Record::finish`]).
pub struct Record {
    fields: Map<String, Value>,
    keys: &'static [&'static str],
    tolerant: bool,
    absent: Vec<&'static str>,
}

impl Record {
    /// The object, or an error naming the struct that expected it. A list is read by position, the way serde
    /// reads structs (`[]` is a struct whose fields are all absent: what PHP and some Python servers send for an
    /// empty object); `keys` are the struct's field keys in order. Strict (a request's struct).
    pub fn read(value: Value, name: &str, keys: &'static [&'static str]) -> Result<Self, WireError> {
        let fields = match value {
            Value::Object(fields) => fields,
            Value::Array(items) if items.len() <= keys.len() => keys.iter().map(|k| k.to_string()).zip(items).collect(),
            Value::Array(items) => {
                return Err(WireError::new(format!(
                    "invalid length {}, expected struct {name} with {}",
                    items.len(),
                    keys.len()
                )));
            }
            other => return Err(WireError::invalid(&other, &format!("struct {name}"))),
        };
        Ok(Self { fields, keys, tolerant: false, absent: Vec::new() })
    }

    /// [`Record::read`], tolerant of missing required fields (a response's struct).
    pub fn read_response(value: Value, name: &str, keys: &'static [&'static str]) -> Result<Self, WireError> {
        Self::read(value, name, keys).map(|r| Self { tolerant: true, ..r })
    }

    fn take<T>(&mut self, key: &str, read: impl FnOnce(Value) -> Result<T, WireError>) -> Option<Result<T, WireError>> {
        self.fields.remove(key).map(|v| read(v).map_err(|e| e.at_key(key)))
    }

    /// A required field the object lacks: its placeholder, noted, when tolerant; else an error.
    fn missing<T: Wire>(&mut self, key: &str) -> Result<T, WireError> {
        match (self.tolerant && !is_checking(), T::placeholder(), self.keys.iter().find(|k| **k == key)) {
            (true, Some(value), Some(listed)) => {
                self.absent.push(listed);
                Ok(value)
            }
            _ => Err(WireError::new(format!("missing field `{key}`"))),
        }
    }

    /// A field of any type, read strictly.
    pub fn field<T: Wire>(&mut self, key: &str) -> Result<T, WireError> {
        match self.take(key, T::from_wire) {
            Some(read) => read,
            None => match T::absent() {
                Some(absent) => Ok(absent),
                None => self.missing(key),
            },
        }
    }

    /// A required integer field: a number or a numeric string.
    pub fn int(&mut self, key: &str) -> Result<i64, WireError> {
        self.take(key, code).unwrap_or_else(|| self.missing(key))
    }

    /// An optional integer field: a number, a numeric string; `""`, null and absent are `None`.
    pub fn opt_int(&mut self, key: &str) -> Result<Option<i64>, WireError> {
        self.take(key, lenient_int).unwrap_or(Ok(None))
    }

    /// A required string field: a string, or a number as its decimal text.
    pub fn text(&mut self, key: &str) -> Result<String, WireError> {
        let read = |v| lenient_text(v)?.ok_or_else(|| WireError::new("expected a string, got null"));
        self.take(key, read).unwrap_or_else(|| self.missing(key))
    }

    /// An optional string field: a string, or a number as its decimal text; null and absent are `None`.
    pub fn opt_text(&mut self, key: &str) -> Result<Option<String>, WireError> {
        self.take(key, lenient_text).unwrap_or(Ok(None))
    }

    /// The keys the struct does not list, kept. A strict record refuses one that looks like a misspelling of a
    /// listed key (`bk_biz_idd`, `BK_BIZ_ID`): sent as it is, the server would ignore it without a word. Inside
    /// [`checking`], every unlisted key is refused.
    pub fn finish(self) -> Result<Extra, WireError> {
        if let Some(key) = self.fields.keys().next()
            && is_checking()
        {
            return Err(WireError::new("unknown field: the API does not document it").at_key(key));
        }
        if !self.tolerant
            && let Some((key, meant)) =
                self.fields.keys().find_map(|k| near_miss(k, self.keys).map(|meant| (k.as_str(), meant)))
        {
            return Err(WireError::new(format!(
                "unknown field `{key}`: did you mean `{meant}`? (a key the type does not list is sent as it is; \
                 one this close to a listed key is taken for a typo)"
            ))
            .at_key(key));
        }
        Ok(Extra { keys: self.fields, absent: self.absent })
    }
}

thread_local! {
    static CHECKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `read` as an API's own validation reads a request: what the types otherwise keep is refused — a key a
/// struct does not list, a value an enum does not list (instead of `Unknown(…)`), a missing required field
/// (even in a type responses reach). The mock reads every request so. On this thread, for the duration of
/// `read`.
pub fn checking<T>(read: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            CHECKING.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(CHECKING.with(|c| c.replace(true)));
    read()
}

/// Whether reading happens inside [`checking`] (what generated open enums ask before keeping an unlisted value).
pub fn is_checking() -> bool {
    CHECKING.with(std::cell::Cell::get)
}

/// The listed key that `key` looks like a misspelling of: the same ignoring ASCII case, `_` and `-`, or one edit
/// away (two for keys of eight characters or more; keys of under four characters are too short to judge).
/// (Public for the generator's model of the generated code.)
pub fn near_miss<'k>(key: &str, listed: &[&'k str]) -> Option<&'k str> {
    let folded =
        |k: &str| k.chars().filter(|c| !matches!(c, '_' | '-')).flat_map(|c| c.to_lowercase()).collect::<String>();
    let key_folded = folded(key);
    listed.iter().copied().find(|l| {
        let allowed = match l.chars().count().min(key.chars().count()) {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        folded(l) == key_folded || (allowed > 0 && edit_distance(l, key) <= allowed)
    })
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let next = (diagonal + usize::from(ca != *cb)).min(above.saturating_add(1)).min(left.saturating_add(1));
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = next;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// What a generated struct holds besides its listed fields: the keys of the object it was read from that its doc
/// does not list (CMDB's host attributes that a request's `fields` asks for, an installation's own attributes),
/// written back as they came; and, for a response, the required fields the object lacked.
///
/// `Debug` shows the values of keys named as credentials as `[redacted]`.
#[derive(Clone, Default, PartialEq)]
pub struct Extra {
    keys: Map<String, Value>,
    absent: Vec<&'static str>,
}

impl Extra {
    /// An unlisted key's value, read as `T` (`host.extra.get::<String>("bk_host_name")`): `None` when absent,
    /// an error (with the key) when it does not fit.
    pub fn get<T: Wire>(&self, key: &str) -> Option<Result<T, WireError>> {
        self.keys.get(key).map(|v| T::from_wire(v.clone()).map_err(|e| e.at_key(key)))
    }

    /// An unlisted key's value as it came.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.keys.get(key)
    }

    /// Adds a key to send (a request's attribute the doc does not list); returns the value it replaces.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Wire) -> Option<Value> {
        self.keys.insert(key.into(), value.to_wire())
    }

    /// Removes a key.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.keys.remove(key)
    }

    /// The unlisted keys and their values.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.keys.iter()
    }

    /// How many unlisted keys there are.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// No unlisted key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The required fields (wire names) the object lacked: they read as their type's empty value. Empty for
    /// what was not read from a response.
    pub fn absent(&self) -> &[&'static str] {
        &self.absent
    }

    /// Whether a required field was missing from the object (its value is then a placeholder, not data).
    pub fn was_absent(&self, key: &str) -> bool {
        self.absent.contains(&key)
    }

    /// Writes the unlisted keys into an object being written, after its listed fields (which win), and leaves out
    /// the required fields that were absent (their values are placeholders, not data): written back as it came.
    pub fn write_into(&self, record: &mut RecordWriter) {
        for key in &self.absent {
            record.fields.remove(*key);
        }
        for (k, v) in &self.keys {
            if !record.fields.contains_key(k) {
                record.fields.insert(k.clone(), v.clone());
            }
        }
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in &self.keys {
            if secrets::is_secret_name(k) {
                map.entry(k, &"[redacted]");
            } else {
                map.entry(k, v);
            }
        }
        if !self.absent.is_empty() {
            map.entry(&"(absent)", &self.absent);
        }
        map.finish()
    }
}

/// The fields of a generated struct being written, in order; optional fields without a value are left out.
#[derive(Default)]
pub struct RecordWriter {
    fields: Map<String, Value>,
}

impl RecordWriter {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field unless it is absent.
    pub fn field<T: Wire>(&mut self, key: &str, value: &T) {
        if !value.is_absent() {
            self.fields.insert(key.to_string(), value.to_wire());
        }
    }

    /// The object.
    pub fn finish(self) -> Value {
        Value::Object(self.fields)
    }
}

/// An integer from a number, a whole float in range or numeric text; `""` and null are `None`.
pub fn lenient_int(value: Value) -> Result<Option<i64>, WireError> {
    let expected = "an integer, a numeric string, \"\" or null";
    match &value {
        Value::Null => Ok(None),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(Some(i)),
            // Only whole numbers that fit: 3.0 is 3, 3.5 is an error.
            #[allow(clippy::cast_possible_truncation)]
            (None, Some(f)) if n.is_f64() && f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
                Ok(Some(f as i64))
            }
            _ => Err(WireError::new(format!("invalid value: number {n}, expected {expected}"))),
        },
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| WireError::new(format!("invalid value: a string that is no integer, expected {expected}"))),
        other => Err(WireError::invalid(other, expected)),
    }
}

/// The code of an enum sent as integers: as [`lenient_int`], but required.
pub fn code(value: Value) -> Result<i64, WireError> {
    lenient_int(value)?.ok_or_else(|| WireError::new("expected an integer, got an empty value"))
}

/// A string, or a number as its decimal text (floats with Rust's `f64` formatting); null is `None`.
pub fn lenient_text(value: Value) -> Result<Option<String>, WireError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(match n.as_f64() {
            Some(f) if n.is_f64() => f.to_string(),
            _ => n.to_string(),
        })),
        other => Err(WireError::invalid(&other, "a string or a number")),
    }
}

impl<T: Wire> Wire for Option<T> {
    /// Null is `None`; so is `""` where `T` takes no text (a list, a map, a record, a number): what BlueKing's
    /// Python servers send for "nothing" in such a field, as an optional integer's `""` is `None`. Inside
    /// [`checking`], `""` is refused as `T` refuses it: an API's own validation would.
    fn from_wire(value: Value) -> Result<Self, WireError> {
        match value {
            Value::Null => Ok(None),
            Value::String(s) if s.is_empty() => match T::from_wire(Value::String(s)) {
                Ok(v) => Ok(Some(v)),
                Err(_) if !is_checking() => Ok(None),
                Err(e) => Err(e),
            },
            v => T::from_wire(v).map(Some),
        }
    }

    fn absent() -> Option<Self> {
        Some(None)
    }

    fn to_wire(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_wire)
    }

    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn from_wire(value: Value) -> Result<Self, WireError> {
        match value {
            Value::Array(items) => {
                // Sized up front: a `Result` iterator's size hint is 0, and growing a list of large records
                // copies them again at each doubling.
                let mut list = Vec::with_capacity(items.len());
                for (i, v) in items.into_iter().enumerate() {
                    list.push(T::from_wire(v).map_err(|e| e.at_index(i))?);
                }
                Ok(list)
            }
            other => Err(WireError::invalid(&other, "a sequence")),
        }
    }

    fn placeholder() -> Option<Self> {
        Some(Vec::new())
    }

    fn to_wire(&self) -> Value {
        Value::Array(self.iter().map(T::to_wire).collect())
    }
}

impl<T: Wire> Wire for BTreeMap<String, T> {
    fn from_wire(value: Value) -> Result<Self, WireError> {
        match value {
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| T::from_wire(v).map(|t| (k.clone(), t)).map_err(|e| e.at_key(&k)))
                .collect(),
            other => Err(WireError::invalid(&other, "a map")),
        }
    }

    fn placeholder() -> Option<Self> {
        Some(BTreeMap::new())
    }

    fn to_wire(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.to_wire())).collect())
    }
}

impl Wire for Map<String, Value> {
    fn from_wire(value: Value) -> Result<Self, WireError> {
        match value {
            Value::Object(map) => Ok(map),
            other => Err(WireError::invalid(&other, "a map")),
        }
    }

    fn placeholder() -> Option<Self> {
        Some(Map::new())
    }

    fn to_wire(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl Wire for Value {
    fn from_wire(value: Value) -> Result<Self, WireError> {
        Ok(value)
    }

    fn placeholder() -> Option<Self> {
        Some(Value::Null)
    }

    fn to_wire(&self) -> Value {
        self.clone()
    }
}

impl Wire for i64 {
    fn from_wire(value: Value) -> Result<Self, WireError> {
        match &value {
            Value::Number(n) if !n.is_f64() => {
                n.as_i64().ok_or_else(|| WireError::new(format!("invalid value: integer `{n}`, expected i64")))
            }
            other => Err(WireError::invalid(other, "i64")),
        }
    }

    fn placeholder() -> Option<Self> {
        Some(0)
    }

    fn to_wire(&self) -> Value {
        Value::from(*self)
    }
}

impl Wire for f64 {
    fn from_wire(value: Value) -> Result<Self, WireError> {
        match &value {
            Value::Number(n) => n.as_f64().ok_or_else(|| WireError::new("invalid value: a number that is no f64")),
            other => Err(WireError::invalid(other, "f64")),
        }
    }

    fn placeholder() -> Option<Self> {
        Some(0.0)
    }

    fn to_wire(&self) -> Value {
        Value::from(*self)
    }
}

impl Wire for bool {
    fn from_wire(value: Value) -> Result<Self, WireError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(WireError::invalid(&other, "a boolean")),
        }
    }

    fn placeholder() -> Option<Self> {
        Some(false)
    }

    fn to_wire(&self) -> Value {
        Value::Bool(*self)
    }
}

impl Wire for String {
    fn from_wire(value: Value) -> Result<Self, WireError> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(WireError::invalid(&other, "a string")),
        }
    }

    fn placeholder() -> Option<Self> {
        Some(String::new())
    }

    fn to_wire(&self) -> Value {
        Value::String(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(v: Value) -> Record {
        Record::read(v, "T", &[]).unwrap()
    }

    #[test]
    fn integers_accept_numbers_numeric_strings_empty_and_null() {
        let mut r = record(json!({"a": 5, "b": "42", "c": "", "d": null, "e": 3.0}));
        assert_eq!(r.opt_int("a"), Ok(Some(5)));
        assert_eq!(r.opt_int("b"), Ok(Some(42)));
        assert_eq!(r.opt_int("c"), Ok(None));
        assert_eq!(r.opt_int("d"), Ok(None));
        assert_eq!(r.int("e"), Ok(3));
        assert_eq!(r.opt_int("absent"), Ok(None));
        assert_eq!(r.int("absent").unwrap_err().message(), "missing field `absent`");
        let mut r = record(json!({"a": "", "b": 3.5, "c": "abc", "d": true, "e": u64::MAX}));
        assert!(r.int("a").is_err(), "required: empty is an error");
        for key in ["b", "c", "d", "e"] {
            assert_eq!(r.opt_int(key).unwrap_err().path(), key);
        }
    }

    #[test]
    fn strings_accept_numbers_as_their_text() {
        let mut r = record(json!({"s": 7, "o": 1.5, "n": null, "b": true}));
        assert_eq!(r.text("s").as_deref(), Ok("7"));
        assert_eq!(r.opt_text("o"), Ok(Some("1.5".into())));
        assert_eq!(r.opt_text("n"), Ok(None));
        assert!(r.text("b").is_err());
        let mut r = record(json!({"n": null}));
        assert!(r.text("n").is_err(), "required: null is an error");
    }

    #[test]
    fn other_fields_are_strict_and_errors_carry_their_path() {
        let mut r = record(json!({"list": [1, "2"], "map": {"k": [true, 3]}}));
        let err = r.field::<Vec<i64>>("list").unwrap_err();
        assert_eq!(err.path(), "list[1]");
        let err = r.field::<BTreeMap<String, Vec<bool>>>("map").unwrap_err();
        assert_eq!(err.path(), "map.k[1]");
        assert_eq!(err.to_string(), "invalid type: integer, expected a boolean: at `map.k[1]`");
        assert_eq!(r.field::<Option<Vec<i64>>>("gone"), Ok(None));
        assert!(r.field::<Vec<i64>>("gone").is_err());
        assert!(Record::read(json!(7), "T", &["a"]).is_err());
        // A list is read by position; longer than the struct is an error.
        let mut r = Record::read(json!(["1", null]), "T", &["a", "b"]).unwrap();
        assert_eq!((r.int("a"), r.opt_text("b")), (Ok(1), Ok(None)));
        assert!(Record::read(json!([1, 2]), "T", &["a"]).is_err());
    }

    #[test]
    fn unlisted_keys_are_kept_typed_on_demand_and_written_back() {
        // CMDB returns the attributes a request's `fields` asks for: the struct lists `bk_host_id` only.
        let v = json!({"bk_host_id": 1, "bk_host_name": "web-1", "operator": ["admin"], "bk_app_secret": "s3cr3t"});
        let mut r = Record::read_response(v.clone(), "Host", &["bk_host_id"]).unwrap();
        assert_eq!(r.int("bk_host_id"), Ok(1));
        let extra = r.finish().unwrap();
        assert_eq!(extra.len(), 3);
        assert_eq!(extra.get::<String>("bk_host_name"), Some(Ok("web-1".to_string())));
        assert_eq!(extra.get::<Vec<String>>("operator"), Some(Ok(vec!["admin".to_string()])));
        assert_eq!(extra.get::<i64>("bk_host_name").map(|r| r.map_err(|e| e.path())), Some(Err("bk_host_name".into())));
        assert_eq!(extra.get::<String>("absent"), None);
        // Written back as they came, after the listed fields.
        let mut w = RecordWriter::new();
        w.field("bk_host_id", &1i64);
        extra.write_into(&mut w);
        assert_eq!(w.finish(), v);
        // A credential among them is not in `Debug`.
        let shown = format!("{extra:?}");
        assert!(shown.contains("bk_host_name") && !shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn a_response_record_lacking_a_required_field_reads_its_empty_value_and_says_so() {
        let keys: &'static [&'static str] = &["bk_host_id", "bk_host_innerip", "tags", "status"];
        let mut r = Record::read_response(json!({"bk_host_id": 7}), "Host", keys).unwrap();
        assert_eq!((r.int("bk_host_id"), r.text("bk_host_innerip")), (Ok(7), Ok(String::new())));
        assert_eq!(r.field::<Vec<String>>("tags"), Ok(Vec::new()));
        let extra = r.finish().unwrap();
        assert_eq!(extra.absent(), ["bk_host_innerip", "tags"]);
        assert!(extra.was_absent("tags") && !extra.was_absent("bk_host_id"));
        // Written back as it came: the placeholders are not data.
        let mut w = RecordWriter::new();
        w.field("bk_host_id", &7i64);
        w.field("bk_host_innerip", &String::new());
        w.field("tags", &Vec::<String>::new());
        extra.write_into(&mut w);
        assert_eq!(w.finish(), json!({"bk_host_id": 7}));
        // A request's record is strict: the same object is an error.
        let mut r = Record::read(json!({"bk_host_id": 7}), "Host", keys).unwrap();
        assert_eq!(r.text("bk_host_innerip").unwrap_err().message(), "missing field `bk_host_innerip`");
        // A type without an empty value (an enum, a struct with required fields) is still an error.
        struct NoEmpty;
        impl Wire for NoEmpty {
            fn from_wire(_: Value) -> Result<Self, WireError> {
                Ok(NoEmpty)
            }
            fn to_wire(&self) -> Value {
                Value::Null
            }
        }
        let mut r = Record::read_response(json!({}), "Host", keys).unwrap();
        assert!(r.field::<NoEmpty>("status").is_err());
    }

    #[test]
    fn a_request_refuses_a_key_that_looks_like_a_typo_of_a_listed_one_and_keeps_others() {
        let keys: &'static [&'static str] = &["bk_biz_id", "script_content", "ip"];
        let finish = |v: Value| {
            let mut r = Record::read(v, "Req", keys).unwrap();
            let _ = (r.opt_int("bk_biz_id"), r.opt_text("script_content"), r.opt_text("ip"));
            r.finish()
        };
        for typo in ["bk_biz_idd", "BK_BIZ_ID", "bkbizid", "script_contnet", "scrpt_contnt"] {
            let err = finish(json!({ typo: 1 })).unwrap_err().message().to_string();
            assert!(err.starts_with(&format!("unknown field `{typo}`: did you mean")), "{typo}: {err}");
        }
        // An installation's own attribute is far from every listed key: kept, and sent.
        let extra = finish(json!({"bk_biz_id": 2, "custom_owner": "ops", "ipv6": "::1"})).unwrap();
        assert_eq!(extra.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["custom_owner", "ipv6"]);
        // A response's record never refuses what a server sends.
        assert!(Record::read_response(json!({"bk_biz_idd": 1}), "Req", keys).unwrap().finish().is_ok());
    }

    #[test]
    fn an_optional_field_takes_empty_text_as_absent_where_its_type_takes_no_text() {
        // monitor's `get_event_log` sends `"extend_info": ""` for an event without details (an object).
        let mut r = record(json!({"map": "", "list": "", "n": "", "s": "", "any": "", "bad": "x"}));
        assert_eq!(r.field::<Option<Map<String, Value>>>("map"), Ok(None));
        assert_eq!(r.field::<Option<Vec<i64>>>("list"), Ok(None));
        assert_eq!(r.field::<Option<f64>>("n"), Ok(None));
        // Text is a value where the type takes text.
        assert_eq!(r.field::<Option<String>>("s"), Ok(Some(String::new())));
        assert_eq!(r.field::<Option<Value>>("any"), Ok(Some(json!(""))));
        // Only empty text: other text is still an error, with its path; and a required field is still strict.
        assert_eq!(r.field::<Option<Vec<i64>>>("bad").unwrap_err().path(), "bad");
        assert!(record(json!({"list": ""})).field::<Vec<i64>>("list").is_err());
        // An API's own validation refuses it.
        let checked = checking(|| record(json!({"map": ""})).field::<Option<Map<String, Value>>>("map"));
        assert_eq!(checked.unwrap_err().path(), "map");
    }

    #[test]
    fn writer_leaves_out_absent_fields_and_values_round_trip() {
        let mut w = RecordWriter::new();
        w.field("a", &Some(1i64));
        w.field("b", &None::<String>);
        w.field("c", &vec![1.5f64]);
        w.field("d", &Value::Null);
        assert_eq!(w.finish(), json!({"a": 1, "c": [1.5], "d": null}));
        let v = json!({"x": [{"y": true}]});
        assert_eq!(BTreeMap::<String, Value>::from_wire(v.clone()).map(|m| m.to_wire()), Ok(v));
    }
}
