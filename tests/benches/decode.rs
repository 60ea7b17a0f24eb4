//! `cargo bench -p bkapi-tests --bench decode`: large responses decoded through the generated types, against
//! serde's derive on the same shapes and against parsing into a `serde_json::Value` alone, in one run
//! (medians, interleaved so that all three see the same machine). Reported as ratios; nothing asserts a time.
//!
//! - CMDB `cc.list_biz_hosts`: 20,000 hosts, each sending 5 of the 33 fields its doc tables (a request's `fields`
//!   picks them), both types having all 33;
//! - JOB v3 `get_job_instance_ip_log`: one host's 10 MB script log;
//! - SOPS `get_task_status`: a task tree of 250 × 200 nodes below its root, every node typed in both (the
//!   generated type leaves a third level untyped: those nodes' children are empty here).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const RUNS: usize = 15;

#[derive(Deserialize)]
#[allow(dead_code)]
struct HostPage {
    count: Option<i64>,
    info: Option<Vec<Host>>,
}

/// `Host`, with the fields of the generated `cc::list_biz_hosts::Info`, all of them (a derive with fewer fields
/// would time a smaller shape, not the same decode), from one list that also holds the two shapes equal:
/// `same_shape` destructures the generated type naming every field (a field added to it does not compile) and
/// builds `Host` from exactly those.
macro_rules! host_with_the_fields_of_info {
    ($($field:ident: $ty:ty,)*) => {
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Host {
            $($field: $ty,)*
        }

        #[allow(dead_code)]
        fn same_shape(host: bkapi::cc::list_biz_hosts::Info) -> Host {
            let bkapi::cc::list_biz_hosts::Info { $($field,)* extra: _ } = host;
            Host { $($field,)* }
        }
    };
}

host_with_the_fields_of_info! {
    bk_host_name: Option<String>,
    bk_host_innerip: Option<String>,
    bk_host_id: Option<i64>,
    bk_cloud_id: Option<i64>,
    import_from: Option<String>,
    bk_asset_id: Option<String>,
    bk_cloud_inst_id: Option<String>,
    bk_cloud_vendor: Option<String>,
    bk_cloud_host_status: Option<String>,
    bk_comment: Option<String>,
    bk_cpu: Option<i64>,
    bk_cpu_architecture: Option<String>,
    bk_cpu_module: Option<String>,
    bk_disk: Option<i64>,
    bk_host_outerip: Option<String>,
    bk_host_innerip_v6: Option<String>,
    bk_host_outerip_v6: Option<String>,
    bk_isp_name: Option<String>,
    bk_mac: Option<String>,
    bk_mem: Option<i64>,
    bk_os_bit: Option<String>,
    bk_os_name: Option<String>,
    bk_os_type: Option<String>,
    bk_os_version: Option<String>,
    bk_outer_mac: Option<String>,
    bk_province_name: Option<String>,
    bk_service_term: Option<i64>,
    bk_sla: Option<String>,
    bk_sn: Option<String>,
    bk_state: Option<String>,
    bk_state_name: Option<String>,
    operator: Option<String>,
    bk_bak_operator: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct IpLog {
    bk_host_id: Option<i64>,
    bk_cloud_id: Option<i64>,
    ip: Option<String>,
    log_type: Option<i64>,
    log_content: Option<String>,
    file_logs: Option<Vec<Value>>,
}

/// One node of a SOPS task tree; `Children` is the next level's type (the last typed level keeps a map of
/// JSON, as the generated `GetTaskStatusChildren` does).
#[derive(Deserialize)]
#[allow(dead_code)]
struct TaskNode<Children> {
    id: Option<String>,
    name: Option<String>,
    state: Option<String>,
    start_time: Option<String>,
    finish_time: Option<String>,
    state_refresh_at: Option<String>,
    elapsed_time: Option<i64>,
    retry: Option<i64>,
    skip: Option<bool>,
    error_ignorable: Option<bool>,
    version: Option<String>,
    children: Option<BTreeMap<String, Children>>,
    // The generated types' other fields (the task's own ex_data and childrenkey/value at the top): absent here.
    r#loop: Option<i64>,
    ex_data: Option<BTreeMap<String, String>>,
    childrenkey: Option<Value>,
    childrenvalue: Option<Value>,
}

type TaskTree = TaskNode<TaskNode<TaskNode<Value>>>;

fn host_page() -> Value {
    let info: Vec<Value> = (0..20_000)
        .map(|i| {
            json!({
                "bk_os_type": "1",
                "bk_mac": format!("00:16:3e:{:02x}:{:02x}:{:02x}", i % 256, (i / 256) % 256, i % 7),
                "bk_host_innerip": format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256),
                "bk_host_id": 1000 + i,
                "bk_cloud_id": i % 3,
            })
        })
        .collect();
    json!({"count": 20_000, "info": info})
}

fn ip_log() -> Value {
    let line = "[2026-12-05 10:00:00] Disk usage: /dev/vda1 40G 12G 28G 30% / \n";
    let log = line.repeat(10 * 1024 * 1024 / line.len());
    json!({"bk_host_id": 101, "bk_cloud_id": 0, "ip": "10.0.0.1", "log_type": 1, "log_content": log})
}

fn task_node(id: String, children: Value) -> Value {
    json!({
        "id": id, "name": format!("node {id}"), "state": "FINISHED", "start_time": "2026-12-05 10:00:00 +0800",
        "finish_time": "2026-12-05 10:00:07 +0800", "state_refresh_at": "2026-12-05T02:00:07Z", "elapsed_time": 7,
        "retry": 0, "skip": false, "error_ignorable": false, "version": "v1", "children": children,
    })
}

fn task_tree() -> Value {
    let level = |prefix: &str, count: usize, children: &dyn Fn(&str) -> Value| -> Value {
        (0..count)
            .map(|i| format!("{prefix}n{i}"))
            .map(|id| (id.clone(), task_node(id.clone(), children(&id))))
            .collect()
    };
    let middle = |p: &str| level(p, 200, &|_| json!({}));
    task_node("root".into(), level("", 250, &middle))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn time<T>(bytes: &[u8], decode: impl Fn(&[u8]) -> serde_json::Result<T>) -> Duration {
    let start = Instant::now();
    let value = decode(bytes);
    let took = start.elapsed();
    drop(std::hint::black_box(value));
    took
}

/// How much of an answer bkapi's decode (first) and serde's derive (second) kept.
type Kept<B, D> = (fn(&B) -> usize, fn(&D) -> usize);

/// bkapi's type `B` and serde's derive `D` on the same bytes, and `Value` alone. `read` says how much of the
/// answer each kept (items, bytes): both must keep it all, or the comparison would time a decode that drops data.
fn compare<B: DeserializeOwned, D: DeserializeOwned>(what: &str, value: &Value, read: Kept<B, D>, expected: usize) {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let decoded = |kept: Option<usize>| kept.unwrap_or_else(|| panic!("{what}: the benchmark's JSON does not decode"));
    let ours = decoded(serde_json::from_slice::<B>(&bytes).ok().map(|b| read.0(&b)));
    let theirs = decoded(serde_json::from_slice::<D>(&bytes).ok().map(|d| read.1(&d)));
    assert_eq!((ours, theirs), (expected, expected), "{what}: what each decode kept");
    let (mut ours, mut derived, mut values) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..=RUNS {
        let (b, d, v) = (
            time(&bytes, |b| serde_json::from_slice::<B>(b)),
            time(&bytes, |b| serde_json::from_slice::<D>(b)),
            time(&bytes, |b| serde_json::from_slice::<Value>(b)),
        );
        // The first round warms caches and the allocator.
        if run > 0 {
            ours.push(b);
            derived.push(d);
            values.push(v);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (b, d, v) = (median(ours), median(derived), median(values));
    println!(
        "decode {what} ({:.1} MB): bkapi {:.1} ms, serde derive {:.1} ms, Value alone {:.1} ms; bkapi ÷ derive = \
         {:.2} (median of {RUNS})",
        bytes.len() as f64 / 1e6,
        ms(b),
        ms(d),
        ms(v),
        b.as_secs_f64() / d.as_secs_f64().max(1e-9)
    );
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench`-less arguments; only `cargo bench` measures.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // Hosts with their id, and none if the page kept a key aside (`extra`) that the derive would read.
    fn hosts(info: Option<usize>, extra: usize) -> usize {
        info.unwrap_or(0) * usize::from(extra == 0)
    }
    compare::<bkapi::cc::ListBizHostsResponse, HostPage>(
        "cc.list_biz_hosts, 20,000 hosts",
        &host_page(),
        (
            |b| hosts(b.info.as_ref().map(|i| i.iter().filter(|h| h.bk_host_id.is_some()).count()), b.extra.len()),
            |d| hosts(d.info.as_ref().map(|i| i.iter().filter(|h| h.bk_host_id.is_some()).count()), 0),
        ),
        20_000,
    );
    let log = ip_log();
    let log_bytes = log["log_content"].as_str().map_or(0, str::len);
    compare::<bkapi::jobv3::GetJobInstanceIpLogResponse, IpLog>(
        "jobv3.get_job_instance_ip_log, 10 MB log",
        &log,
        (|b| b.log_content.as_ref().map_or(0, String::len), |d| d.log_content.as_ref().map_or(0, String::len)),
        log_bytes,
    );
    compare::<bkapi::sops::GetTaskStatusResponse, TaskTree>(
        "sops.get_task_status, 50,250-node tree",
        &task_tree(),
        (
            // Nodes of the second level that kept their id (and nothing aside).
            |b| {
                let top = b.children.iter().flatten();
                top.flat_map(|(_, c)| c.children.iter().flatten())
                    .filter(|(_, n)| n.id.is_some() && n.extra.is_empty())
                    .count()
            },
            |d| {
                let top = d.children.iter().flatten();
                top.flat_map(|(_, c)| c.children.iter().flatten()).filter(|(_, n)| n.id.is_some()).count()
            },
        ),
        250 * 200,
    );
}
