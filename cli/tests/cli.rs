//! The `bkapi` binary against a mock BlueKing running in the test process: a call per flavor, `--all`, a waiter,
//! `--dry-run`, settings from a profile, and bad input, each checked for its output, its exit code and what the
//! mock received (bad input: nothing).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;
use bkapi::mock::{MockAnswer, MockBlueKing};
use serde_json::{Value, json};

const SECRET: &str = "s3cr3t-app-secret";
const TOKEN: &str = "t0k3n-of-the-user";

/// A mock BlueKing of the systems the tests call, on a runtime of its own (the binary blocks the test thread).
struct Mock {
    runtime: tokio::runtime::Runtime,
    server: MockBlueKing,
    home: tempfile::TempDir,
}

impl Mock {
    fn start() -> Mock {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let server = runtime.block_on(MockBlueKing::start(bkapi::mock_routes(), None)).unwrap();
        Mock { runtime, server, home: tempfile::tempdir().unwrap() }
    }

    /// `bkapi` with the mock's URLs and credentials in the environment, nothing from the user's own settings.
    fn bkapi(&self) -> Command {
        let mut command = Command::cargo_bin("bkapi").unwrap();
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LANG", "en_US.UTF-8")
            .env("BKAPI_CONFIG", self.home.path().join("no-config.toml"))
            .env("BK_COMPONENT_API_URL", self.server.url())
            .env("BK_API_URL_TMPL", self.server.gateway_url_template())
            .env("BK_APP_CODE", "cli-test")
            .env("BK_APP_SECRET", SECRET)
            .env("BK_USERNAME", "admin");
        command
    }

    fn received(&self) -> Vec<(String, Value)> {
        self.runtime
            .block_on(self.server.received())
            .into_iter()
            .map(|r| (r.url.path().to_string(), serde_json::from_slice(&r.body).unwrap_or(Value::Null)))
            .collect()
    }
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_esb_call_sends_typed_flags_at_their_places_and_prints_the_data() {
    let mock = Mock::start();
    let output = mock
        .bkapi()
        // No `--page.start`: a page's size alone asks for the first page.
        .args(["cc", "search-business", "--fields", "bk_biz_id,bk_biz_name", "--page.limit", "10"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let data: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(data.get("info").is_some_and(Value::is_array), "the doc's data: {data}");
    let received = mock.received();
    assert_eq!(received.len(), 1);
    let (path, body) = &received[0];
    assert_eq!(path, "/api/c/compapi/v2/cc/search_business/");
    assert_eq!(body["fields"], json!(["bk_biz_id", "bk_biz_name"]));
    assert_eq!(body["page"]["limit"], json!(10), "an integer, not text: {body}");
    assert_eq!(body["page"]["start"], json!(0), "the first page: {body}");
    assert_eq!(body["bk_username"], json!("admin"));
}

#[test]
fn a_gateway_call_goes_to_its_gateway_and_a_blueking_name_finds_the_command_too() {
    let mock = Mock::start();
    let output = mock
        .bkapi()
        .args(["bk_cmdb", "search_business", "--bk-supplier-account", "0", "--json", r#"{"fields": ["bk_biz_id"]}"#])
        .args(["--output", "jsonl"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let received = mock.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0, "/api/bk-cmdb/prod/api/v3/biz/search/0", "the gateway's path, its placeholder filled");
    assert_eq!(stdout(&output).lines().count(), 1, "one JSON line: {}", stdout(&output));
}

#[test]
fn all_streams_every_item_of_every_page_one_json_line_each() {
    let mock = Mock::start();
    let page = |ids: &[i64]| {
        MockAnswer::Data(json!({"count": 3, "info": ids.iter().map(|id| json!({"bk_biz_id": id})).collect::<Vec<_>>()}))
    };
    mock.server.answer::<bkapi::cc::endpoints::SearchBusiness>([page(&[1, 2]), page(&[3])]);
    let output = mock
        .bkapi()
        // No `--page.start`: `--all` starts at the first page.
        .args(["cc", "search-business", "--all", "--page.limit", "2"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let ids: Vec<Value> =
        stdout(&output).lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["bk_biz_id"].clone()).collect();
    assert_eq!(ids, [json!(1), json!(2), json!(3)]);
    let starts: Vec<Value> = mock.received().iter().map(|(_, b)| b["page"]["start"].clone()).collect();
    assert_eq!(starts, [json!(0), json!(2)]);
}

#[test]
fn a_waiter_polls_until_the_job_ends_and_prints_its_final_status() {
    let mock = Mock::start();
    let status = |finished: bool, status: i64| {
        MockAnswer::Data(json!({"finished": finished, "job_instance": {"job_instance_id": 7, "status": status}}))
    };
    mock.server.answer::<bkapi::jobv3::endpoints::GetJobInstanceStatus>([status(false, 2), status(true, 3)]);
    let output = mock
        .bkapi()
        .args(["jobv3", "wait-for-job", "--bk-scope-type", "biz", "--bk-scope-id", "2", "--job-instance-id", "7"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let last: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(last["job_instance"]["status"], json!(3));
    assert_eq!(mock.received().len(), 2);
}

#[test]
fn a_job_that_ends_badly_prints_its_final_status_and_exits_as_an_api_error() {
    let mock = Mock::start();
    let failed = MockAnswer::Data(json!({"finished": true, "job_instance": {"job_instance_id": 7, "status": 4}}));
    mock.server.answer::<bkapi::jobv3::endpoints::GetJobInstanceStatus>([failed]);
    let output = mock
        .bkapi()
        .args(["jobv3", "wait-for-job", "--bk-scope-type", "biz", "--bk-scope-id", "2", "--job-instance-id", "7"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"status\":4"), "{}", stdout(&output));
    assert!(stderr(&output).contains("not 3"), "{}", stderr(&output));
}

#[test]
fn a_script_run_takes_the_label_of_its_language_and_plain_text_for_its_base64_content() {
    let mock = Mock::start();
    let output = mock
        .bkapi()
        .args(["jobv3", "fast-execute-script", "--bk-scope-type", "biz", "--bk-scope-id", "2"])
        .args(["--script-language", "shell", "--script-content", "echo hi", "--account-alias", "root"])
        .args(["--json", r#"{"target_server": {"host_id_list": [101]}}"#])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let received = mock.received();
    let body = &received[0].1;
    assert_eq!(body["script_language"], json!(1), "the wire value of `shell`: {body}");
    assert_eq!(body["script_content"], json!("ZWNobyBoaQ=="), "Base64 of the text: {body}");
    assert_eq!(body["target_server"]["host_id_list"], json!([101]));
}

#[test]
fn dry_run_prints_the_request_with_every_secret_redacted_and_sends_nothing() {
    let mock = Mock::start();
    let output = mock
        .bkapi()
        .env("BK_TOKEN", TOKEN)
        .args(["cc", "search-business", "--fields", "bk_biz_id", "--dry-run"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("POST http://127.0.0.1:"), "{text}");
    assert!(text.contains("/api/c/compapi/v2/cc/search_business/"), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
    for secret in [SECRET, TOKEN] {
        assert!(!text.contains(secret) && !stderr(&output).contains(secret), "{secret} leaked: {text}");
    }
    assert!(mock.received().is_empty(), "a dry run sends nothing");
}

#[test]
fn bad_input_is_a_usage_error_that_says_what_is_wrong_and_sends_nothing() {
    let mock = Mock::start();
    let file = mock.home.path().join("request.json");
    std::fs::write(&file, "{not json").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["cc".into(), "search-business".into(), "--no-such-flag".into()], "--no-such-flag"),
        (vec!["cc".into(), "search-business".into(), "--page.limit".into(), "abc".into()], "abc"),
        (vec!["jobv3".into(), "fast-execute-script".into(), "--script-language".into(), "cobol".into()], "cobol"),
        (vec!["jobv3".into(), "get-job-instance-status".into(), "--bk-scope-type".into(), "biz".into()], "missing"),
        (vec!["cc".into(), "search-business".into(), "--json".into(), format!("@{}", file.display())], "not JSON"),
        (vec!["cc".into(), "search-business".into(), "--json".into(), r#"{"fieldz": []}"#.into()], "fieldz"),
    ];
    for (args, said) in cases {
        let output = mock.bkapi().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(said), "{args:?} should say `{said}`: {}", stderr(&output));
    }
    assert!(mock.received().is_empty(), "bad input sends nothing: {:?}", mock.received());
}

#[test]
fn an_api_error_exits_3_with_its_code_and_message_and_a_dead_server_exits_4() {
    let mock = Mock::start();
    let refusal = MockAnswer::Refuse { code: 1_306_404, message: "business not found".into() };
    mock.server.answer::<bkapi::cc::endpoints::SearchBusiness>([refusal]);
    let output = mock.bkapi().args(["cc", "search-business"]).output().unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("1306404") && stderr(&output).contains("business not found"));

    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let output = mock
        .bkapi()
        .env("BK_COMPONENT_API_URL", format!("http://{dead}"))
        .args(["cc", "search-business"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(!stderr(&output).contains(SECRET));
}

fn write_config(path: &Path, mode: u32, url: &str) {
    let text = format!(
        "default_profile = \"test\"\n[profiles.test]\nBK_COMPONENT_API_URL = \"{url}\"\nBK_APP_CODE = \"from-file\"\n\
         BK_APP_SECRET = \"{SECRET}\"\nBK_USERNAME = \"admin\"\n"
    );
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn a_profile_holding_a_secret_is_used_only_when_others_cannot_read_it() {
    let mock = Mock::start();
    let config = mock.home.path().join("config.toml");
    let from_file = |mock: &Mock| {
        let mut command = mock.bkapi();
        command.env_remove("BK_COMPONENT_API_URL").env_remove("BK_APP_CODE").env("BKAPI_CONFIG", &config);
        command
    };
    write_config(&config, 0o600, &mock.server.url());
    let output = from_file(&mock).args(["cc", "search-business"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(mock.received()[0].1["bk_app_code"], json!("from-file"));

    if cfg!(unix) {
        write_config(&config, 0o644, &mock.server.url());
        let output = from_file(&mock).args(["cc", "search-business"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("chmod 600"), "{}", stderr(&output));
        assert!(!stderr(&output).contains(SECRET));
        assert_eq!(mock.received().len(), 1, "the refused call sent nothing");
    }
}

#[test]
fn help_shows_the_summary_fields_and_example_in_the_user_s_language() {
    let mock = Mock::start();
    for lang in ["en", "zh"] {
        let output = mock.bkapi().args(["--lang", lang, "jobv3", "fast-execute-script", "--help"]).output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        insta::assert_snapshot!(format!("fast_execute_script_help_{lang}"), stdout(&output));
    }
}

#[test]
fn completions_are_printed_for_a_shell() {
    let mock = Mock::start();
    let output = mock.bkapi().args(["completions", "bash"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("fast-execute-script"));
}
