//! A string that never shows itself in `Debug` output.

use std::fmt;

use serde::{Deserialize, Serialize};

/// App secret, `bk_token`, passwords and keys in requests: `Debug` prints `[redacted]`; on the wire it is the
/// plain string.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for putting it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

impl crate::wire::Wire for Secret {
    fn from_wire(value: serde_json::Value) -> Result<Self, crate::wire::WireError> {
        String::from_wire(value).map(Secret)
    }

    fn to_wire(&self) -> serde_json::Value {
        serde_json::Value::String(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(serde_json::to_string(&s).ok().as_deref(), Some("\"hunter2\""));
    }
}
