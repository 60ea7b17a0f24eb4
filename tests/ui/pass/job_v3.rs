// The gateway flavor (JOB v3 behind bk-job's API gateway): the scope is an enum, set by name.
use bkapi::job_v3::FastExecuteScriptRequest;
use bkapi::job_v3::fast_execute_script::BkScopeType;

fn main() {
    let request = FastExecuteScriptRequest::new(BkScopeType::Biz, "2").account_id(1000);
    assert_eq!(serde_json::to_value(&request).unwrap()["bk_scope_type"], "biz");
}
