// Node manager: enums from the corrections (`os_type`, `auth_type`), a secret password.
use bkapi::nodeman::JobInstallRequest;
use bkapi::nodeman::job_install::{AuthType, Hosts, JobType, OsType};

fn main() {
    let host = Hosts::new(2, 0, OsType::Linux).auth_type(AuthType::Password).password("s3cret");
    let request = JobInstallRequest::new(JobType::InstallAgent, vec![host]);
    assert!(!format!("{request:?}").contains("s3cret"));
    assert_eq!(serde_json::to_value(&request).unwrap()["hosts"][0]["password"], "s3cret");
}
