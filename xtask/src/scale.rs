//! `cargo xtask bench-scale`: how parse + IR + emit grow with a doc's size, as ratios measured in one run.
//!
//! Generated docs: one table of 1k, 10k and 100k plain rows; one of 1k, 10k and 40k rows each with a value list
//! (`|f1|int|是|字段 1：1: a, 2: b|`: an enum per row); chains of 100, 1k and 10k nested sections (beyond
//! `MAX_NESTED_SECTIONS` they are reported, not read). Each case runs in a child process of its own, so its
//! peak memory (`VmHWM` of `/proc/self/status`, Linux) is its own. Reported: time and peak memory, each per row
//! or section, peak memory as a multiple of the doc's size, and per item the largest case over the smallest's,
//! for time and for memory (linear is about 1, less is better: sections past the nesting limit are not read).
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
        "valued" => {
            text.push_str(HEAD);
            for i in 0..size {
                text.push_str(&format!("|f{i}|int|是|字段 {i}：1: a, 2: b|\n"));
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

/// Runs one case in this process: parse + IR + emit; prints `seconds peak_kib doc_bytes`.
pub fn run_one(family: &str, size: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("esb/scale/apidocs/zh_hans");
    fs::create_dir_all(&folder)?;
    let text = doc(family, size);
    fs::write(folder.join("get_scale.md"), &text)?;
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
    println!("{seconds} {peak} {}", text.len());
    Ok(())
}

pub fn run() -> anyhow::Result<()> {
    let me = std::env::current_exe().context("finding the xtask binary")?;
    let families =
        [("rows", [1_000, 10_000, 100_000]), ("valued", [1_000, 10_000, 40_000]), ("sections", [100, 1_000, 10_000])];
    for (family, sizes) in families {
        let (mut per_item, mut memory_per_item) = (Vec::new(), Vec::new());
        for size in sizes {
            let out = Command::new(&me).args(["bench-scale", "--one", family, &size.to_string()]).output()?;
            if !out.status.success() {
                bail!("{family} {size}: {}", String::from_utf8_lossy(&out.stderr));
            }
            let text = String::from_utf8_lossy(&out.stdout);
            let mut words = text.split_whitespace();
            let seconds: f64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0.0);
            let peak: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
            let bytes: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
            let each = seconds / size as f64;
            per_item.push(each);
            memory_per_item.push(peak as f64 / size as f64);
            let item = if family == "sections" { "section" } else { "row" };
            println!(
                "{family:>8} {size:>7}: {:>8.3} s  {:>8.2} µs per {item}  peak {:>7} MiB ({:.1} KiB per {item}, {:.0}× \
                 the doc's {} KiB)",
                seconds,
                each * 1e6,
                peak / 1024,
                peak as f64 / size as f64,
                (peak * 1024) as f64 / bytes.max(1) as f64,
                bytes / 1024
            );
        }
        // Linear (or better) is a ratio of at most about 1: the largest case costs no more per item. Peak memory
        // per item falls as a fixed base spreads over more items; above 1, memory grows faster than the doc.
        let ratio = |v: &[f64]| {
            let (first, last) = (v.first().copied().unwrap_or(0.0), v.last().copied().unwrap_or(0.0));
            last / first.max(f64::MIN_POSITIVE)
        };
        println!(
            "{family:>8}: per item, largest case ÷ smallest: time {:.2}, peak memory {:.2}",
            ratio(&per_item),
            ratio(&memory_per_item)
        );
    }
    Ok(())
}
