//! Per-system metadata (`api-docs/<system>/bkapi.toml`): what the docs cannot say, and overrides (corrections)
//! of what they say wrongly. The docs themselves are never edited. Drift that maintainers accept as it is goes
//! into `api-docs/<system>/drift-baseline.toml` ([`crate::check::baseline`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ir::Flavor;

pub const FILE_NAME: &str = "bkapi.toml";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemMeta {
    pub flavor: Option<Flavor>,
    /// API-gateway name (`bk-job`), for gateway systems.
    pub gateway: Option<String>,
    /// Every API path of this system starts with this prefix (checked).
    pub path_prefix: Option<String>,
    /// The ESB system (`cc`) whose path convention locates the APIs that no manifest beside the docs names.
    pub esb_system: Option<String>,
    /// Where the docs came from, when `cargo xtask import` brought them in.
    pub provenance: Option<Provenance>,
    /// Keyed by API name (the doc's file stem).
    #[serde(default)]
    pub apis: BTreeMap<String, ApiMeta>,
    /// Waiters, by method name (`wait_for_job`): call an API again until a field of its answer says done.
    #[serde(default)]
    pub waiters: BTreeMap<String, WaiterMeta>,
}

/// `[waiters.wait_for_job]`: `api = "get_job_instance_status"`, `done_when = "finished"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterMeta {
    /// The API polled.
    pub api: String,
    /// A boolean field of its response that is `true` once the answer is final.
    pub done_when: String,
    /// What the waiter waits for, for its rustdoc.
    pub doc: Option<String>,
    /// A field of the final answer (a dotted path through its objects, `job_instance.status`) whose value says
    /// whether it ended well; with `success_values`, any other value ends the wait with `Error::Unsuccessful`.
    pub success_field: Option<String>,
    /// The values of `success_field` that are success (`[3]`: JOB's 执行成功).
    #[serde(default)]
    pub success_values: Vec<serde_json::Value>,
}

/// The tree a system's docs were imported from, and what each file was then.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The folders imported from, as given to `cargo xtask import` (one per language and publication).
    pub sources: Vec<String>,
    /// `git rev-parse HEAD` of the tree, when it is a git checkout.
    pub commit: Option<String>,
    /// Date of the import (UTC, `YYYY-MM-DD`).
    pub imported: String,
    /// Path in the system's folder → `sha256:<hex>` of every file copied (docs, manifests, components).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Docs of the tree left out because another publication documents the same API in a newer revision:
    /// doc → which doc won, and why.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub superseded: BTreeMap<String, String>,
    /// Docs of the tree left out because nothing in it gives their route (no manifest or resource definition
    /// names them, and they state none: SOPS documents APIs its gateway does not publish): doc → why.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unlocated: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiMeta {
    /// Why this doc is no API (a page about the protocol, say): it is left out, and said so.
    pub not_an_api: Option<String>,
    /// HTTP method, when the doc has none or a wrong one.
    pub method: Option<String>,
    /// Path, when the doc has none or a wrong one.
    pub path: Option<String>,
    /// Why method/path are given here.
    pub reason: Option<String>,
    /// The manifest entry (ESB component, gateway `operationId`) this doc documents, when the doc's file name
    /// spells it otherwise and no rule finds it (a write whose backend path only has the doc's words): its
    /// route and name are used. `reason` says why it is that API.
    pub component: Option<String>,
    /// Why calling the API again is safe (a read the docs publish as POST): it is then retried like a GET.
    pub idempotent: Option<String>,
    /// Path parameters of the doc that the real API takes in the body (the doc's path is wrong).
    #[serde(default)]
    pub path_params_to_body: bool,
    /// Doc path placeholder → parameter name, when they differ (`scopeType` → `bk_scope_type`); used to read
    /// parameter values from the doc's request-line example.
    #[serde(default)]
    pub path_param_aliases: BTreeMap<String, String>,
    #[serde(default)]
    pub corrections: Vec<FieldCorrection>,
    /// The summary readers see, where the doc's is wrong (JOB v3's English `fast_execute_script` doc copies
    /// `execute_job_plan`'s "Start Job Plan"). Drift still reports the doc.
    pub summary: Option<SummaryCorrection>,
    /// Read and ignored: accepted drift lives in `drift-baseline.toml` now. Older docs trees (`cargo xtask diff`
    /// against an old commit) still have it.
    #[serde(default, skip_serializing)]
    pub accepted_drift: Option<toml::Value>,
}

/// `[apis.<name>.summary]`: the summary as readers see it, every language's (apart by an empty line, Chinese first),
/// and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryCorrection {
    pub text: String,
    pub reason: String,
}

/// A correction of one field. `field` is `request.<path>` or `response.<path>` (`response` alone is the data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldCorrection {
    pub field: String,
    /// New type word, in the docs' own vocabulary (`int`, `string`, `object`, `list[int]`).
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// The field's real wire name.
    pub rename: Option<String>,
    pub required: Option<bool>,
    /// The field's real values: the field becomes a string enum.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    pub reason: String,
}

/// Parses metadata text. The error string carries toml's line/column and the offending key.
pub fn parse(text: &str) -> Result<SystemMeta, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}
