// Run a script through JOB v3: required fields in `new`, optional ones set, enums by name.
use bkapi::jobv3::{FastExecuteScriptRequest, Ip, ScriptLanguage, Server};

fn main() {
    let mut request = FastExecuteScriptRequest::new(2);
    request.account_alias = Some("root".into());
    request.script_content = Some("echo hello".into());
    request.script_language = Some(ScriptLanguage::Shell);
    request.target_server = Some(Server { ip_list: Some(vec![Ip::new(0, "10.0.0.1".into())]), ..Server::default() });
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(json["script_content"], "ZWNobyBoZWxsbw==");
    assert_eq!(json["script_language"], 1);
}
