//! Settings BlueKing users already have: the environment variables BlueKing's own SDKs read.

use crate::{Client, ClientBuilder, Error};

/// App code: BlueKing's SDKs try these in order.
const APP_CODE: &[&str] = &["BK_APP_CODE", "BKPAAS_APP_ID", "APP_CODE"];
const APP_SECRET: &[&str] = &["BK_APP_SECRET", "BKPAAS_APP_SECRET"];
const COMPONENT_API_URL: &[&str] = &["BK_COMPONENT_API_URL"];
/// A template with the stage in it first (`…/{api_name}/{stage_name}`), then one the stage is appended to.
const GATEWAY_URL_TEMPLATE: &[&str] = &["BK_API_STAGE_URL_TMPL", "BK_API_URL_TMPL"];
const USE_TEST_ENV: &[&str] = &["BK_API_USE_TEST_ENV"];
const TENANT_ID: &[&str] = &["BKPAAS_APP_TENANT_ID", "BK_APP_TENANT_ID"];

impl ClientBuilder {
    /// A builder set from the environment as BlueKing's SDKs read it: `BK_APP_CODE` (or `BKPAAS_APP_ID`,
    /// `APP_CODE`), `BK_APP_SECRET` (or `BKPAAS_APP_SECRET`), `BK_COMPONENT_API_URL` (the ESB base URL),
    /// `BK_API_STAGE_URL_TMPL` or `BK_API_URL_TMPL` (the gateway URL template), `BK_API_USE_TEST_ENV`
    /// (`true`/`1`: ESB test environments), `BKPAAS_APP_TENANT_ID` or `BK_APP_TENANT_ID` (`X-Bk-Tenant-Id`).
    /// Unset or empty variables set nothing; the user (`bk_token`, `bk_username`, …) is yours to add.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables looked up by `lookup` (a map, a config file, a test).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: &[&str]| names.iter().find_map(|n| lookup(n).filter(|v| !v.trim().is_empty()));
        let mut builder = ClientBuilder::default();
        if let Some(v) = first(APP_CODE) {
            builder = builder.app_code(v);
        }
        if let Some(v) = first(APP_SECRET) {
            builder = builder.app_secret(v);
        }
        if let Some(v) = first(COMPONENT_API_URL) {
            builder = builder.esb_base_url(v);
        }
        if let Some(v) = first(GATEWAY_URL_TEMPLATE) {
            builder = builder.gateway_url_template(v);
        }
        if let Some(v) = first(USE_TEST_ENV) {
            builder =
                builder.use_test_env(matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"));
        }
        if let Some(v) = first(TENANT_ID) {
            builder = builder.tenant_id(v);
        }
        builder
    }
}

impl Client {
    /// A client from the environment alone ([`ClientBuilder::from_env`]), calling as the app itself (no user).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env().build()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn the_sdks_names_in_their_order_and_empty_ones_skipped() {
        let vars: BTreeMap<&str, &str> =
            [("BK_APP_CODE", " "), ("BKPAAS_APP_ID", "paas-app"), ("APP_CODE", "old"), ("BKPAAS_APP_SECRET", "s")]
                .into_iter()
                .collect();
        let debug = format!("{:?}", ClientBuilder::from_lookup(|n| vars.get(n).map(|v| v.to_string())));
        assert!(debug.contains("paas-app") && !debug.contains("old"), "{debug}");
        let err = ClientBuilder::from_lookup(|n| vars.get(n).map(|v| v.to_string())).build().unwrap_err();
        assert!(err.to_string().contains("no base URL"), "{err}");
    }
}
