//! `cargo xtask bench-cli`: what the command line costs to build, as ratios to `cargo check` of the bindings in
//! the same run (its own target folder, dependencies built first): `cargo build --release -p bkapi-cli` with every
//! system, and with one (`jobv3`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// Runs `cargo <args>` in the workspace with `target` as its target folder, and how long it took.
fn cargo(workspace: &Path, target: &Path, args: &[&str]) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let status = Command::new(env!("CARGO"))
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .args(args)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(start.elapsed())
}

pub fn run(workspace: &Path) -> anyhow::Result<()> {
    let target = workspace.join("target/bench-cli");
    // Dependencies first, for both profiles: what follows times the crates themselves.
    cargo(workspace, &target, &["check", "-q", "-p", "bkapi", "--no-default-features"])?;
    cargo(workspace, &target, &["build", "-q", "--release", "-p", "bkapi-cli", "--no-default-features"])?;
    let check = cargo(workspace, &target, &["check", "-q", "-p", "bkapi", "--features", "full"])?;
    let all = cargo(workspace, &target, &["build", "-q", "--release", "-p", "bkapi-cli"])?;
    let one = cargo(
        workspace,
        &target,
        &["build", "-q", "--release", "-p", "bkapi-cli", "--no-default-features", "--features", "jobv3"],
    )?;
    let s = |d: Duration| d.as_secs_f64();
    println!("bench-cli: cargo check -p bkapi --features full: {:.1} s", s(check));
    println!(
        "bench-cli: cargo build --release -p bkapi-cli, every system: {:.1} s ({:.2}× the bindings' check)",
        s(all),
        s(all) / s(check)
    );
    println!(
        "bench-cli: cargo build --release -p bkapi-cli, jobv3 alone: {:.1} s ({:.2}× the bindings' check)",
        s(one),
        s(one) / s(check)
    );
    Ok(())
}
