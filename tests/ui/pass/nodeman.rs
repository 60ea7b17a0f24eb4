// Node manager: enums from the corrections (`os_type`), a secret password.
use bkapi::nodeman::{AuthType, Hosts, JobInstallRequest, JobType, OsType};

fn main() {
    let mut host = Hosts::new(2, 0);
    host.os_type = Some(OsType::Linux);
    host.auth_type = Some(AuthType::Password);
    host.password = Some("s3cret".into());
    let request = JobInstallRequest::new(JobType::InstallAgent, vec![host]);
    assert!(!format!("{request:?}").contains("s3cret"));
    assert_eq!(serde_json::to_value(&request).unwrap()["hosts"][0]["password"], "s3cret");
}
