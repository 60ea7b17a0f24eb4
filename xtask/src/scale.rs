//! `cargo xtask bench-scale`: how parse + IR + emit grow with a doc's size, as ratios measured in one run.
//!
//! Generated docs: one table of 1k, 10k and 100k rows; chains of 100, 1k and 10k nested sections (beyond
//! `MAX_NESTED_SECTIONS` they are reported, not read). Each case runs in a child process of its own, so its
//! peak memory (`VmHWM` of `/proc/self/status`, Linux) is its own. Reported: time, time per row or section,
//! peak memory, and the cost per item of the largest case over the smallest's (linear is about 1, less is
//! better: sections past the nesting limit are not read).
//! Nothing here asserts a time.

use std::fs;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use bkapi_codegen::pipeline::LowerOptions;

const HEAD: &str = "### 请求参数\n\n| 字段 | 类型 | 必选 | 描述 |\n|---|---|---|---|\n";

/// The doc of one case: `rows` table rows, or a chain of `sections` nested sections.
fn doc(family: &str, size: usize) -> String {
    let mut text = String::new();
    match family {
        "rows" => {
            text.push_str(HEAD);
            for i in 0..size {
                text.push_str(&format!("| f{i} | int | 否 | field {i} |\n"));
            }
        }
        _ => {
            text.push_str("### 请求参数\n|a|type|\n|-|-|\n|f0|object|\n");
            for i in 0..size {
                text.push_str(&format!("# f{i}\n|a|type|\n|-|-|\n|f{}|object|\n", i + 1));
            }
        }
    }
    text
}

/// Runs one case in this process: parse + IR + emit; prints `seconds peak_kib`.
pub fn run_one(family: &str, size: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("esb/scale/apidocs/zh_hans");
    fs::create_dir_all(&folder)?;
    fs::write(folder.join("get_scale.md"), doc(family, size))?;
    let started = Instant::now();
    let loaded = bkapi_codegen::pipeline::load_docs(dir.path(), LowerOptions::default())?;
    let files = bkapi_codegen::internals::emit::emit(&loaded.ir)?;
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(!files.is_empty(), "nothing emitted");
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!("{seconds} {peak}");
    Ok(())
}

pub fn run() -> anyhow::Result<()> {
    let me = std::env::current_exe().context("finding the xtask binary")?;
    for (family, sizes) in [("rows", [1_000, 10_000, 100_000]), ("sections", [100, 1_000, 10_000])] {
        let mut per_item = Vec::new();
        for size in sizes {
            let out = Command::new(&me).args(["bench-scale", "--one", family, &size.to_string()]).output()?;
            if !out.status.success() {
                bail!("{family} {size}: {}", String::from_utf8_lossy(&out.stderr));
            }
            let text = String::from_utf8_lossy(&out.stdout);
            let mut words = text.split_whitespace();
            let seconds: f64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0.0);
            let peak: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
            let each = seconds / size as f64;
            per_item.push(each);
            println!(
                "{family:>8} {size:>7}: {:>8.3} s  {:>8.2} µs per {}  peak {:>7} MiB",
                seconds,
                each * 1e6,
                family.trim_end_matches('s'),
                peak / 1024
            );
        }
        // Linear (or better) is a ratio of at most about 1: the largest case costs no more per item.
        let (first, last) = (per_item.first().copied().unwrap_or(0.0), per_item.last().copied().unwrap_or(0.0));
        println!("{family:>8}: cost per item, largest case ÷ smallest = {:.2}", last / first.max(f64::MIN_POSITIVE));
    }
    Ok(())
}
