//! An independent check of where the docs say ESB APIs live: BlueKing's own ESB SDK binds each operation to a
//! method and path (`esb-sdk-operations.tsv`: system, api_name, method, path, description). Every located ESB
//! API of a doc tree is compared with the SDK's binding of the same system and name.

use serde::Serialize;

use crate::ir::ESB_PREFIX;
use crate::ir::{Flavor, HttpMethod, Ir};

/// One operation the SDK binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkOperation {
    pub system: String,
    pub api: String,
    pub method: HttpMethod,
    /// With the SDK's `{bk_api_ver}` placeholder replaced by `/v2`, the version every ESB doc uses.
    pub path: String,
    /// Line of the TSV file, for the report.
    pub line: u32,
}

/// Where a doc and the SDK disagree about one API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdkDisagreement {
    pub doc: String,
    pub system: String,
    pub api: String,
    pub doc_method: String,
    pub doc_path: String,
    pub sdk_method: String,
    pub sdk_path: String,
    pub sdk_line: u32,
}

/// How the located ESB APIs compare with the SDK's operations.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SdkCheck {
    /// Operations in the SDK file.
    pub operations: usize,
    /// Located ESB APIs (one per doc) that the SDK binds too.
    pub matched: usize,
    /// Of those, the ones whose method or path differs.
    pub disagreements: Vec<SdkDisagreement>,
}

/// Reads the SDK's operations. A line that does not read is an error with its line number.
pub fn parse_operations(text: &str) -> Result<Vec<SdkOperation>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(system), Some(api), Some(method), Some(path)) = (cols.first(), cols.get(1), cols.get(2), cols.get(3))
        else {
            return Err(format!("line {line_no}: expected system, api_name, method and path separated by tabs"));
        };
        let Some(method) = HttpMethod::parse(method) else {
            return Err(format!("line {line_no}: `{method}` is not an HTTP method"));
        };
        out.push(SdkOperation {
            system: system.trim().to_string(),
            api: api.trim().to_string(),
            method,
            path: path.trim().replace("{bk_api_ver}", "/v2"),
            line: line_no,
        });
    }
    Ok(out)
}

/// The ESB system an API's path names: `/api/c/compapi/v2/<system>/…`.
fn esb_system(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(ESB_PREFIX)?.strip_prefix("/v2/")?;
    rest.split('/').next().filter(|s| !s.is_empty())
}

/// Compares every located ESB API of the IR with the SDK's binding of the same system and API name.
pub fn check(ir: &Ir, operations: &[SdkOperation]) -> SdkCheck {
    let mut result = SdkCheck { operations: operations.len(), ..SdkCheck::default() };
    let same_path = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
    for api in ir.systems.iter().filter(|s| s.flavor == Flavor::Esb).flat_map(|s| &s.apis) {
        let Some(system) = esb_system(&api.path) else { continue };
        let Some(op) = operations.iter().find(|op| op.system == system && op.api == api.name) else { continue };
        result.matched += 1;
        if op.method != api.method || !same_path(&op.path, &api.path) {
            result.disagreements.push(SdkDisagreement {
                doc: api.source.clone(),
                system: system.to_string(),
                api: api.name.clone(),
                doc_method: api.method.as_str().to_string(),
                doc_path: api.path.clone(),
                sdk_method: op.method.as_str().to_string(),
                sdk_path: op.path.clone(),
                sdk_line: op.line,
            });
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Api, Paging, System, Type};

    fn api(name: &str, method: HttpMethod, path: &str) -> Api {
        Api {
            name: name.into(),
            aliases: Vec::new(),
            source: format!("esb/cc/apidocs/zh_hans/{name}.md"),
            summary: String::new(),
            method,
            path: path.into(),
            request: String::new(),
            response: Type::Json,
            envelope: Vec::new(),
            examples: Vec::new(),
            corrections: Vec::new(),
            one_of: Vec::new(),
            table_keys: Vec::new(),
            request_section: None,
            paging: Paging::default(),
            translations: Vec::new(),
            names: Default::default(),
            unconfirmed_route: None,
            list_body: None,
            idempotent: false,
        }
    }

    #[test]
    fn disagreements_name_both_sources() {
        let tsv = "system\tapi_name\tmethod\tpath\tdescription\n\
                   cc\tsearch_business\tPOST\t/api/c/compapi{bk_api_ver}/cc/search_business/\tx\n\
                   cc\tget_host\tGET\t/api/c/compapi{bk_api_ver}/cc/get_host/\ty\n\
                   cc\tunbound_here\tGET\t/api/c/compapi{bk_api_ver}/cc/unbound_here/\tz\n";
        let ops = parse_operations(tsv).unwrap();
        assert_eq!(ops[0].path, "/api/c/compapi/v2/cc/search_business/");
        let system = System {
            name: "cc".into(),
            flavor: Flavor::Esb,
            gateway: None,
            waiters: Vec::new(),
            apis: vec![
                api("search_business", HttpMethod::Post, "/api/c/compapi/v2/cc/search_business/"),
                api("get_host", HttpMethod::Post, "/api/c/compapi/v2/cc/get_host/"),
                api("only_in_docs", HttpMethod::Get, "/api/c/compapi/v2/cc/only_in_docs/"),
            ],
            types: Vec::new(),
        };
        let result = check(&Ir { systems: vec![system] }, &ops);
        assert_eq!((result.operations, result.matched), (3, 2));
        let [d] = result.disagreements.as_slice() else { panic!("{:?}", result.disagreements) };
        assert_eq!(
            (d.api.as_str(), d.doc_method.as_str(), d.sdk_method.as_str(), d.sdk_line),
            ("get_host", "POST", "GET", 3)
        );
        assert!(parse_operations("h\ncc\tx\n").unwrap_err().starts_with("line 2"));
        assert!(parse_operations("h\ncc\tx\tFETCH\t/p\n").unwrap_err().contains("`FETCH`"));
    }
}
