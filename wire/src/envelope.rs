//! The response envelope BlueKing wraps around an API's data, as one rule for everybody who reads it: the
//! runtime deciding whether a call failed, and the generator deciding which part of a doc's response example
//! is the data its types describe.
//!
//! ESB and most gateway APIs answer `{"result": true, "code": 0, "message": "", "data": …, "request_id": …}`;
//! gateway errors are `{"error": {"code", "message", "data"}}`.

use serde_json::{Map, Value};

/// The keys an envelope may have around `data`.
pub const KEYS: &[&str] =
    &["result", "code", "message", "data", "request_id", "permission", "error", "errors", "trace_id", "_meta"];

/// Whether an object is an envelope: only envelope keys, or `data` beside `result` or `code`.
pub fn is_envelope(map: &Map<String, Value>) -> bool {
    map.keys().all(|k| KEYS.contains(&k.as_str()))
        || (map.contains_key("data") && (map.contains_key("result") || map.contains_key("code")))
}

/// Whether a body says the call failed: `result: false`; or, in an envelope ([`is_envelope`]), a gateway `error`
/// object, else (no boolean `result`) a `code` other than 0 — `"0"` and a missing or null code are success.
pub fn is_failure(map: &Map<String, Value>) -> bool {
    // A gateway API's data answered bare (`{"code": "batman", "name": …}`, an app whose code is its name) is no
    // envelope: its `code` or `error` says nothing about the call. `result: false` always does.
    if !is_envelope(map) && map.get("result") != Some(&Value::Bool(false)) {
        return false;
    }
    if map.get("error").is_some_and(Value::is_object) {
        return true;
    }
    match map.get("result") {
        Some(Value::Bool(ok)) => !ok,
        _ => map.get("code").is_some_and(|code| !code_is_success(code)),
    }
}

/// Whether an envelope's `code` means success: 0, as a number or as text; null too.
pub fn code_is_success(code: &Value) -> bool {
    match code {
        Value::Number(n) => n.as_i64() == Some(0),
        Value::String(s) => s.trim().parse::<i64>() == Ok(0),
        Value::Null => true,
        _ => false,
    }
}

/// The data of a response body: `data` of an envelope; nothing (null) for an envelope of a call that returns
/// no data (`result` and `code` without `data`); the body itself when it is no envelope (a gateway API
/// answering its data bare).
pub fn data(body: &Value) -> &Value {
    const NOTHING: &Value = &Value::Null;
    match body {
        Value::Object(map) if map.contains_key("data") && is_envelope(map) => map.get("data").unwrap_or(NOTHING),
        Value::Object(map) if map.contains_key("result") && map.contains_key("code") && is_envelope(map) => NOTHING,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failed(body: Value) -> bool {
        body.as_object().is_some_and(is_failure)
    }

    #[test]
    fn failure_is_an_error_object_a_false_result_or_a_code_other_than_zero() {
        assert!(failed(json!({"error": {"code": "UNAUTHENTICATED", "message": "no"}})));
        assert!(failed(json!({"result": false, "code": 0})));
        assert!(failed(json!({"code": 1306000})));
        assert!(failed(json!({"code": "1306000"})));
        assert!(failed(json!({"code": [0]})));
        // A boolean result decides over the code.
        assert!(!failed(json!({"result": true, "code": 9})));
        assert!(!failed(json!({"code": " 0 ", "data": 1})));
        assert!(!failed(json!({"code": null, "data": 1})));
        assert!(!failed(json!({"data": 1})));
        assert!(!failed(json!({"error": "a string is no gateway error"})));
        // Data answered bare: its own `code` or `error` is no status of the call; `result: false` always is.
        assert!(!failed(json!({"code": "batman", "name": "蝙蝠侠"})));
        assert!(!failed(json!({"id": 1, "error": {"reason": "disk full"}})));
        assert!(failed(json!({"result": false, "detail": "no"})));
    }

    #[test]
    fn data_is_the_envelope_s_data_nothing_or_the_bare_body() {
        assert_eq!(data(&json!({"result": true, "code": 0, "data": {"a": 1}})), &json!({"a": 1}));
        assert_eq!(data(&json!({"result": true, "code": 0, "message": "ok"})), &Value::Null);
        // Keys no envelope has: the body is the data.
        assert_eq!(data(&json!({"count": 1, "info": []})), &json!({"count": 1, "info": []}));
        assert_eq!(data(&json!([1, 2])), &json!([1, 2]));
    }
}
