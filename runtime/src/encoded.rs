//! Values that travel as Base64 (`script_content`, `script_param`, file contents…).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes that BlueKing takes or returns Base64-encoded. Build it from plain text or bytes; the wire gets
/// Base64, and a response's Base64 is decoded back.
///
/// A received value that is not valid Base64 (docs are not always right about which fields are encoded, and
/// their examples say `"xxx"`) is kept verbatim rather than refused: [`Base64::to_text`] returns it,
/// [`Base64::was_encoded`] is `false`, and it is sent back unchanged.
///
/// ```
/// let script = bkapi_runtime::Base64::from("echo hello");
/// assert_eq!(serde_json::to_string(&script).unwrap(), r#""ZWNobyBoZWxsbw==""#);
/// assert_eq!(script.to_text().as_deref(), Some("echo hello"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64 {
    bytes: Vec<u8>,
    /// Received as text that is not Base64: kept and sent as that text.
    verbatim: bool,
}

impl Base64 {
    /// The decoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The decoded bytes as text, when they are UTF-8.
    pub fn to_text(&self) -> Option<String> {
        String::from_utf8(self.bytes.clone()).ok()
    }

    /// The text as it goes on the wire: Base64, or the verbatim text of a value received unencoded.
    pub fn encoded(&self) -> String {
        if self.verbatim { String::from_utf8_lossy(&self.bytes).into_owned() } else { STANDARD.encode(&self.bytes) }
    }

    /// Decodes Base64 text (for values that are already encoded).
    pub fn from_encoded(text: &str) -> Result<Self, base64::DecodeError> {
        STANDARD.decode(text.trim()).map(|bytes| Base64 { bytes, verbatim: false })
    }

    /// Whether the value was Base64 on the wire (always, for values built from text or bytes).
    pub fn was_encoded(&self) -> bool {
        !self.verbatim
    }
}

impl From<&str> for Base64 {
    fn from(text: &str) -> Self {
        Base64 { bytes: text.as_bytes().to_vec(), verbatim: false }
    }
}

impl From<String> for Base64 {
    fn from(text: String) -> Self {
        Base64 { bytes: text.into_bytes(), verbatim: false }
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64 { bytes, verbatim: false }
    }
}

impl From<&[u8]> for Base64 {
    fn from(bytes: &[u8]) -> Self {
        Base64 { bytes: bytes.to_vec(), verbatim: false }
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (std::str::from_utf8(&self.bytes), self.verbatim) {
            (Ok(text), false) => write!(f, "Base64({text:?})"),
            (Ok(text), true) => write!(f, "Base64(verbatim {text:?})"),
            (Err(_), _) => write!(f, "Base64({} bytes)", self.bytes.len()),
        }
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::wire::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::wire::deserialize(deserializer)
    }
}

impl crate::wire::Wire for Base64 {
    fn from_wire(value: serde_json::Value) -> Result<Self, crate::wire::WireError> {
        let text = String::from_wire(value)?;
        Ok(Base64::from_encoded(&text).unwrap_or(Base64 { bytes: text.into_bytes(), verbatim: true }))
    }

    fn to_wire(&self) -> serde_json::Value {
        serde_json::Value::String(self.encoded())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_in_base64_on_the_wire_and_back() {
        let v = Base64::from("echo $1");
        assert_eq!(serde_json::to_value(&v).unwrap(), serde_json::json!("ZWNobyAkMQ=="));
        let back: Base64 = serde_json::from_value(serde_json::json!("ZWNobyAkMQ==")).unwrap();
        assert_eq!(back, v);
        assert_eq!(format!("{back:?}"), "Base64(\"echo $1\")");
        // Not Base64: kept verbatim, and sent back as it came.
        let raw: Base64 = serde_json::from_value(serde_json::json!("xxx")).unwrap();
        assert!(!raw.was_encoded());
        assert_eq!(raw.to_text().as_deref(), Some("xxx"));
        assert_eq!(serde_json::to_value(&raw).unwrap(), serde_json::json!("xxx"));
        assert!(serde_json::from_value::<Base64>(serde_json::json!(7)).is_err());
        assert_eq!(format!("{:?}", Base64::from(vec![0xff, 0xfe])), "Base64(2 bytes)");
    }
}
