//! `cargo xtask bench <DIR> [--compile]`: what the generator and its output cost, as ratios measured in one run.
//!
//! - parse + IR + emit of DIR, next to the floor: reading and markdown-parsing the same files;
//! - with `--compile`: `cargo check` of the crate generated from DIR (dependencies built first, incremental
//!   compilation off), per API and per type; and the same APIs through the OpenAPI export and progenitor
//!   (`cargo install cargo-progenitor`), checked the same way, with the ratio bkapi ÷ progenitor. Systems whose
//!   progenitor client does not compile are named and left out of the comparison on both sides.
//!
//! Medians of several runs; nothing here asserts a time.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bkapi_codegen::internals::naming::module_name;
use bkapi_codegen::ir::{Ir, TypeKind};
use bkapi_codegen::pipeline::{LowerOptions, discover, load_docs, load_docs_cached};

pub struct Options {
    pub dir: PathBuf,
    pub iterations: u32,
    pub compile: bool,
    /// `cargo check` runs per crate (after one that builds the dependencies).
    pub check_runs: u32,
}

pub fn run(workspace: &Path, opts: &Options) -> anyhow::Result<()> {
    if opts.iterations == 0 {
        bail!("--iterations must be at least 1");
    }
    let ir = time_generator(&opts.dir, opts.iterations)?;
    if opts.compile {
        compile(workspace, opts, &ir)?;
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Parse + IR + emit, and the floor, alternating so that both see the same machine; the IR of the last run.
fn time_generator(dir: &Path, iterations: u32) -> anyhow::Result<Ir> {
    let (sets, _) = discover(dir).with_context(|| format!("reading {}", dir.display()))?;
    let files: Vec<PathBuf> = sets.iter().flat_map(|s| s.docs().cloned()).collect();
    let (mut floors, mut lowers, mut emits, mut totals) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut ir = None;
    for i in 0..=iterations {
        let start = Instant::now();
        let mut sections = 0usize;
        for f in &files {
            let text = fs::read_to_string(f).unwrap_or_default();
            sections += bkapi_codegen::internals::read::markdown::parse(&f.display().to_string(), &text).sections.len();
        }
        std::hint::black_box(sections);
        let floor = start.elapsed();
        let start = Instant::now();
        let loaded = load_docs(dir, LowerOptions::default())?;
        let lowered = start.elapsed();
        let emitted = bkapi_codegen::internals::emit::emit(&loaded.ir)?;
        let total = start.elapsed();
        std::hint::black_box(emitted);
        // The first round warms the file cache.
        if i > 0 {
            floors.push(floor);
            lowers.push(lowered);
            emits.push(total - lowered);
            totals.push(total);
        }
        ir = Some(loaded.ir);
    }
    // Warm: a regen after one doc changed. The systems whose input is unchanged come from the regen cache, built
    // and emitted; the changed one is lowered and emitted again (its entries forgotten, as a change to one of its
    // docs does), its items' texts from its format memo (a real edit formats that doc's few items again).
    let (mut warms, mut warm_loads) = (Vec::new(), Vec::new());
    let cache_dir = tempfile::tempdir()?;
    let cache =
        bkapi_codegen::tasks::regen::EmitCache { dir: cache_dir.path().to_path_buf(), generator: "bench".into() };
    let changed = ir.as_ref().and_then(|ir: &Ir| ir.systems.first()).map(|s| s.name.clone()).unwrap_or_default();
    for i in 0..=iterations {
        cache.forget(&changed);
        let start = Instant::now();
        let (loaded, built) = load_docs_cached(dir, LowerOptions::default(), &cache.builds())?;
        let loaded_at = start.elapsed();
        let emitted = bkapi_codegen::tasks::regen::emit_files(&loaded.ir, false, Some(&cache))?;
        let warm = start.elapsed();
        // The first round fills the cache.
        if i > 0 {
            anyhow::ensure!(
                built == [changed.as_str()] && emitted.systems_emitted == [changed.as_str()],
                "the warm regen lowered {built:?} and emitted {:?}, not `{changed}` alone",
                emitted.systems_emitted
            );
            warms.push(warm);
            warm_loads.push(loaded_at);
        }
        std::hint::black_box(emitted);
    }
    let (floor, total) = (median(floors), median(totals));
    println!(
        "bench: {} docs in {}: parse + IR + emit median {:.1} ms (parse + IR {:.1} ms, emit {:.1} ms); floor \
         (read + markdown-parse) {:.1} ms; ratio {:.1}× ({iterations} runs)",
        files.len(),
        dir.display(),
        ms(total),
        ms(median(lowers)),
        ms(median(emits)),
        ms(floor),
        total.as_secs_f64() / floor.as_secs_f64().max(1e-9),
    );
    let warm = median(warms);
    println!(
        "bench: warm (one system's doc changed: `{changed}` lowered and emitted, the others from the regen cache): \
         median {:.1} ms (parse + IR {:.1} ms, emit {:.1} ms); ratio {:.1}× the floor",
        ms(warm),
        ms(median(warm_loads.clone())),
        ms(warm.saturating_sub(median(warm_loads))),
        warm.as_secs_f64() / floor.as_secs_f64().max(1e-9),
    );
    ir.context("no run")
}

fn compile(workspace: &Path, opts: &Options, ir: &Ir) -> anyhow::Result<()> {
    let bench_dir = workspace.join("target/bench");
    let ours = check_bkapi(workspace, &bench_dir.join("bkapi-crate"), ir, opts.check_runs)?;
    report("bkapi", ours, ir);

    // progenitor: one crate per system, from its OpenAPI document, in one workspace.
    let Some(theirs) = progenitor_crates(&bench_dir, ir)? else { return Ok(()) };
    let root = bench_dir.join("progenitor");
    let progenitor_target = bench_dir.join("target-progenitor");
    // progenitor's own output does not always compile (two properties that differ only in case or
    // punctuation become one field name): those systems are left out of the comparison on both sides.
    let checking = checking_members(&root, &progenitor_target, &theirs)?;
    let failing: Vec<&str> = theirs.iter().filter(|m| !checking.contains(m)).map(|m| m.system.as_str()).collect();
    if checking.is_empty() {
        println!("bench: none of progenitor's clients for {} checks: no ratio", opts.dir.display());
        return Ok(());
    }
    write_workspace(&root, &checking)?;
    let touched: Vec<PathBuf> = checking.iter().map(|m| m.dir.join("src/lib.rs")).collect();
    let progenitor = check_times(&root, &progenitor_target, &touched, opts.check_runs)?;
    let (ours, compared) = if failing.is_empty() {
        (ours, ir.clone())
    } else {
        println!(
            "bench: progenitor's clients of {} system(s) do not check ({}): compared on the other {}",
            failing.len(),
            failing.join(", "),
            checking.len()
        );
        let systems = ir.systems.iter().filter(|s| checking.iter().any(|m| m.system == s.name)).cloned().collect();
        let subset = Ir { systems };
        let ours = check_bkapi(workspace, &bench_dir.join("bkapi-crate-compared"), &subset, opts.check_runs)?;
        report("bkapi (compared systems)", ours, &subset);
        (ours, subset)
    };
    report("progenitor", progenitor, &compared);
    println!(
        "bench: cargo check bkapi ÷ progenitor = {:.2} (same APIs, same run)",
        ours.as_secs_f64() / progenitor.as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// `cargo check` of the crate `corpus --compile` builds, generated from `ir` into `crate_dir`.
fn check_bkapi(workspace: &Path, crate_dir: &Path, ir: &Ir, runs: u32) -> anyhow::Result<Duration> {
    let files = bkapi_codegen::internals::emit::emit(ir)?;
    crate::corpus::write_crate(workspace, crate_dir, ir, &files)?;
    let target = workspace.join("target/bench/target-bkapi");
    check_times(crate_dir, &target, &[crate_dir.join("src/lib.rs")], runs)
}

fn report(what: &str, took: Duration, ir: &Ir) {
    let apis: usize = ir.systems.iter().map(|s| s.apis.len()).sum();
    let types: usize = ir.systems.iter().map(|s| s.types.len()).sum();
    let structs: usize =
        ir.systems.iter().flat_map(|s| &s.types).filter(|t| matches!(t.kind, TypeKind::Struct { .. })).count();
    println!(
        "bench: cargo check of the {what} crate: median {:.1} s for {apis} APIs and {types} types ({structs} \
         structs): {:.1} ms per API, {:.1} ms per type",
        took.as_secs_f64(),
        ms(took) / apis.max(1) as f64,
        ms(took) / types.max(1) as f64,
    );
}

/// `cargo check` of a crate or workspace: once to build the dependencies, then `runs` times after touching the
/// generated sources, incremental compilation off; the median of those.
fn check_times(dir: &Path, target: &Path, touch: &[PathBuf], runs: u32) -> anyhow::Result<Duration> {
    let check = || -> anyhow::Result<Duration> {
        let start = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--workspace", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .stdout(Stdio::null())
            .status()
            .context("running cargo check")?;
        if !status.success() {
            bail!("cargo check of {} failed", dir.display());
        }
        Ok(start.elapsed())
    };
    check()?;
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        for file in touch {
            let text = fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            fs::write(file, text).with_context(|| format!("touching {}", file.display()))?;
        }
        times.push(check()?);
    }
    Ok(median(times))
}

/// A crate that progenitor generated for one system.
#[derive(Debug, Clone, PartialEq)]
struct Member {
    system: String,
    dir: PathBuf,
    /// Cargo's name of its library target (`p_cc_en`), as `--message-format=json` reports it.
    lib: String,
}

/// The OpenAPI document of each system through `cargo progenitor`, as members of one workspace. `None` (with
/// the reason) when cargo-progenitor is not installed.
fn progenitor_crates(bench_dir: &Path, ir: &Ir) -> anyhow::Result<Option<Vec<Member>>> {
    let installed = Command::new(env!("CARGO"))
        .args(["progenitor", "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        println!("bench: cargo-progenitor is not installed (`cargo install cargo-progenitor`): no comparison");
        return Ok(None);
    }
    let root = bench_dir.join("progenitor");
    let specs = bench_dir.join("openapi");
    fs::create_dir_all(&specs)?;
    let mut members = Vec::new();
    for (name, document) in bkapi_codegen::tasks::openapi::documents(ir) {
        if document.get("paths").and_then(|p| p.as_object()).is_none_or(|p| p.is_empty()) {
            continue;
        }
        let module = module_name(&name);
        let spec = specs.join(format!("{module}.json"));
        let text = serde_json::to_string_pretty(&document)?;
        let changed = fs::read_to_string(&spec).map_or(true, |old| old != text);
        fs::write(&spec, text)?;
        let dir = root.join(&module);
        let package = format!("p-{}", module.replace('_', "-"));
        // Generated again only when its document changed: progenitor takes a while.
        if changed || !dir.join("src/lib.rs").exists() {
            let status = Command::new(env!("CARGO"))
                .args(["progenitor", "-i"])
                .arg(&spec)
                .arg("-o")
                .arg(&dir)
                .args(["-n", &package, "-v", "0.0.0"])
                .stdout(Stdio::null())
                .status()
                .context("running cargo progenitor")?;
            if !status.success() {
                bail!("cargo progenitor failed on {}", spec.display());
            }
        }
        members.push(Member { system: name, dir, lib: package.replace('-', "_") });
    }
    write_workspace(&root, &members)?;
    Ok(Some(members))
}

fn write_workspace(root: &Path, members: &[Member]) -> anyhow::Result<()> {
    let list: Vec<String> =
        members.iter().filter_map(|m| m.dir.file_name().map(|n| format!("{:?}", n.to_string_lossy()))).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", list.join(", "));
    fs::write(root.join("Cargo.toml"), manifest)?;
    Ok(())
}

/// The members whose library checks: one `cargo check --keep-going`, reading cargo's JSON messages (a
/// `compiler-artifact` for a member's library means it checked).
fn checking_members(root: &Path, target: &Path, members: &[Member]) -> anyhow::Result<Vec<Member>> {
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--workspace", "--keep-going", "--message-format=json", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .stderr(Stdio::null())
        .output()
        .context("running cargo check")?;
    let checked: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| m["target"]["name"].as_str().map(str::to_string))
        .collect();
    Ok(members.iter().filter(|m| checked.contains(&m.lib)).cloned().collect())
}
