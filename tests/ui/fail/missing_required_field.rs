// `bk_biz_id` is required: there is no way to build the request without it.
fn main() {
    let _ = bkapi::jobv3::FastExecuteScriptRequest::new();
}
