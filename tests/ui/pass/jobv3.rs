// Run a script through JOB v3: required fields in `new`, optional ones by setters, enums by name, the types
// an API reaches in its own module.
use bkapi::jobv3::FastExecuteScriptRequest;
use bkapi::jobv3::fast_execute_script::{BkScopeType, ScriptLanguage, Server};

fn main() {
    let request = FastExecuteScriptRequest::new(BkScopeType::Biz, "2")
        .account_alias("root")
        .script_content("echo hello")
        .script_language(ScriptLanguage::Shell)
        .target_server(Server::default().host_id_list(vec![101]));
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(json["script_content"], "ZWNobyBoZWxsbw==");
    assert_eq!(json["script_language"], 1);
}
