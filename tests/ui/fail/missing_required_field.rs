// `bk_scope_type` and `bk_scope_id` are required: there is no way to build the request without them.
fn main() {
    let _ = bkapi::jobv3::FastExecuteScriptRequest::new();
}
