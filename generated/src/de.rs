//! Lenient decoders used by generated types (as `deserialize_with` functions, and as the field types of their
//! `wire` twins): BlueKing sends ids as numbers or numeric strings, and `""` where
//! a failed call has no id. They only widen what is *read*; what is sent is always the documented type.

use serde::de::{self, Deserializer, Unexpected, Visitor};
use std::fmt;

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, a numeric string, \"\" or null")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v).map(Some).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // Only whole numbers that fit: 3.0 is 3, 3.5 is an error.
        if v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64 {
            Ok(Some(v as i64))
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse().map(Some).map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

/// An optional integer: number, numeric string, `""` (→ `None`) or null.
pub fn lenient_opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(IntVisitor)
}

/// A required integer: number or numeric string.
pub fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntVisitor)?.ok_or_else(|| de::Error::custom("expected an integer, got an empty value"))
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// An optional string: a string, or a number as its decimal text (`1` → `"1"`); null is `None`.
pub fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor)
}

/// A required string: a string, or a number as its decimal text.
pub fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)?.ok_or_else(|| de::Error::custom("expected a string, got null"))
}

/// A required integer, read leniently (see [`lenient_i64`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LenientI64(pub i64);

/// An optional integer, read leniently (see [`lenient_opt_i64`]); absent is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LenientOptI64(pub Option<i64>);

/// A required string, read leniently (see [`lenient_string`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LenientString(pub String);

/// An optional string, read leniently (see [`lenient_opt_string`]); absent is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LenientOptString(pub Option<String>);

impl<'de> serde::Deserialize<'de> for LenientI64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_i64(d).map(Self)
    }
}

impl<'de> serde::Deserialize<'de> for LenientOptI64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_opt_i64(d).map(Self)
    }
}

impl<'de> serde::Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_string(d).map(Self)
    }
}

impl<'de> serde::Deserialize<'de> for LenientOptString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_opt_string(d).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug, PartialEq)]
    struct T {
        #[serde(default, deserialize_with = "super::lenient_opt_i64")]
        a: Option<i64>,
    }

    fn a(v: serde_json::Value) -> Result<Option<i64>, serde_json::Error> {
        serde_json::from_value::<T>(json!({ "a": v })).map(|t| t.a)
    }

    #[test]
    fn accepts_numbers_numeric_strings_empty_and_null() {
        assert_eq!(a(json!(5)).ok(), Some(Some(5)));
        assert_eq!(a(json!("42")).ok(), Some(Some(42)));
        assert_eq!(a(json!("")).ok(), Some(None));
        assert_eq!(a(json!(null)).ok(), Some(None));
        assert_eq!(serde_json::from_value::<T>(json!({})).ok(), Some(T { a: None }));
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct S {
        #[serde(deserialize_with = "super::lenient_string")]
        s: String,
        #[serde(default, deserialize_with = "super::lenient_opt_string")]
        o: Option<String>,
    }

    #[test]
    fn strings_accept_numbers_as_their_text() {
        let s = serde_json::from_value::<S>(json!({"s": 7, "o": "x"})).unwrap();
        assert_eq!(s, S { s: "7".into(), o: Some("x".into()) });
        let s = serde_json::from_value::<S>(json!({"s": "a", "o": 1.5})).unwrap();
        assert_eq!(s.o.as_deref(), Some("1.5"));
        assert!(serde_json::from_value::<S>(json!({"s": true})).is_err());
        assert!(serde_json::from_value::<S>(json!({"s": null})).is_err());
    }

    #[test]
    fn rejects_words_and_fractions() {
        assert!(a(json!("abc")).is_err());
        assert!(a(json!(1.5)).is_err());
        assert!(a(json!(true)).is_err());
    }
}
