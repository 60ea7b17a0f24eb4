//! Which fields carry credentials: one rule for the generator (it types them `Secret`, kept out of `Debug`)
//! and the runtime (it keeps their values out of error messages and logs, even when a server echoes them).

/// Field names that carry credentials (`password`, `key`, `bk_token`, `*_secret`, …).
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "password"
            | "passwd"
            | "pwd"
            | "key"
            | "secret"
            | "token"
            | "private_key"
            | "secret_key"
            | "access_token"
            | "bk_token"
            | "app_secret"
            | "bk_app_secret"
    ) || ["_password", "_passwd", "_secret", "_token"].iter().any(|s| n.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn credentials_by_name() {
        for name in ["password", "Password", "bk_app_secret", "db_passwd", "refresh_token", "key"] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["bk_username", "keyword", "token_type", "bk_biz_id", "secretary"] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
