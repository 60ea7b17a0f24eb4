//! Runs a shell script on hosts through JOB v3 (ESB) and prints the job instance id.
//!
//! ```sh
//! BK_PAAS_URL=https://paas.example.com BK_APP_CODE=my-app BK_APP_SECRET=… BK_USERNAME=admin \
//! BK_BIZ_ID=2 BK_HOST_IPS=10.0.0.1,10.0.0.2 cargo run -p bkapi --example fast_execute_script
//! ```
//! Optional: `BK_CLOUD_ID` (default 0), `BK_ACCOUNT` (default `root`), `BK_SCRIPT` (default `echo hello`).

use std::env;
use std::process::ExitCode;

use bkapi::jobv3::{BkScopeType, FastExecuteScriptRequest, FastExecuteScriptScriptLanguage, Ip, Server};

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
    let cloud: i64 = env::var("BK_CLOUD_ID").ok().and_then(|c| c.parse().ok()).unwrap_or(0);
    let ips = setting("BK_HOST_IPS")?.split(',').map(|ip| Ip::new(cloud, ip.trim().to_string())).collect::<Vec<_>>();

    let request = FastExecuteScriptRequest::new(BkScopeType::Biz, biz.to_string())
        .script_content(env::var("BK_SCRIPT").unwrap_or_else(|_| "echo hello".into()))
        .script_language(FastExecuteScriptScriptLanguage::Shell)
        .account_alias(env::var("BK_ACCOUNT").unwrap_or_else(|_| "root".into()))
        .target_server(Server::default().ip_list(ips));

    let job = client.jobv3().fast_execute_script(request).await.map_err(|e| e.to_string())?;
    job.job_instance_id.ok_or_else(|| "the response has no job_instance_id".into())
}
