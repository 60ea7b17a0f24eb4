// Monitor: the table's `config_id`, not the example's `script_collector_id`.
use bkapi::monitor::DeployScriptCollectorRequest;

fn main() {
    let request = DeployScriptCollectorRequest::new(Vec::new(), 8);
    assert_eq!(serde_json::to_value(&request).unwrap()["config_id"], 8);
}
