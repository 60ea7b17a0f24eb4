// The gateway flavor: the scope is an enum, the target a struct with a Default.
use bkapi::job_gateway::{BkScopeType, ExecuteTarget, FastExecuteScriptRequest};

fn main() {
    let mut request = FastExecuteScriptRequest::new(BkScopeType::Biz, "2".into(), ExecuteTarget::default());
    request.account_id = Some(1000);
    assert_eq!(serde_json::to_value(&request).unwrap()["bk_scope_type"], "biz");
}
