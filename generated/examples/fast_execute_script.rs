//! Runs a shell script on hosts through JOB v3 (ESB) and prints the job instance id.
//!
//! ```sh
//! BK_PAAS_URL=https://paas.example.com BK_APP_CODE=my-app BK_APP_SECRET=… BK_USERNAME=admin \
//! BK_BIZ_ID=2 BK_HOST_IDS=101,102 cargo run -p bkapi --features jobv3 --example fast_execute_script
//! ```
//! Optional: `BK_ACCOUNT` (default `root`), `BK_SCRIPT` (default `echo hello`).

use std::env;
use std::process::ExitCode;

use bkapi::jobv3::FastExecuteScriptRequest;
use bkapi::jobv3::fast_execute_script::{BkScopeType, ScriptLanguage, Server};
use bkapi::prelude::*;

fn setting(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("set {name} (see the top of this file)"))
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(id) => {
            println!("job instance id: {id}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<i64, String> {
    let client = bkapi::Client::builder()
        .esb_base_url(setting("BK_PAAS_URL")?)
        .app_code(setting("BK_APP_CODE")?)
        .app_secret(setting("BK_APP_SECRET")?)
        .bk_username(setting("BK_USERNAME")?)
        .build()
        .map_err(|e| e.to_string())?;

    let biz: i64 = setting("BK_BIZ_ID")?.parse().map_err(|e| format!("BK_BIZ_ID: {e}"))?;
    let hosts: Vec<i64> = setting("BK_HOST_IDS")?
        .split(',')
        .map(|id| id.trim().parse().map_err(|e| format!("BK_HOST_IDS: {e}")))
        .collect::<Result<_, _>>()?;

    let request = FastExecuteScriptRequest::new(BkScopeType::Biz, biz.to_string())
        .script_content(env::var("BK_SCRIPT").unwrap_or_else(|_| "echo hello".into()))
        .script_language(ScriptLanguage::Shell)
        .account_alias(env::var("BK_ACCOUNT").unwrap_or_else(|_| "root".into()))
        .target_server(Server::default().host_id_list(hosts));

    let job = client.jobv3().fast_execute_script(request).await.map_err(|e| e.to_string())?;
    job.job_instance_id.ok_or_else(|| "the response has no job_instance_id".into())
}
