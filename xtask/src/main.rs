//! `cargo xtask …`: project automation (regenerate bindings, dump IR, measure the generator on a corpus).

mod bench;
mod bench_cli;
mod corpus;
mod diff;
mod drift;
mod scale;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use bkapi_codegen::pipeline::{LowerOptions, load_doc, load_docs};
use bkapi_codegen::tasks::regen::{Mode, Outputs, regen_into};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "bkapi project tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/src/apis/` from `api-docs/`.
    Regen {
        /// Change nothing; exit non-zero if generated code is stale.
        #[arg(long)]
        check: bool,
        /// Docs folder (default: `api-docs/` of the workspace).
        #[arg(long)]
        docs: Option<PathBuf>,
        /// Output folder (default: `generated/src/apis/` of the workspace). Given, only that folder is written: the
        /// manifests' features and the command line's tables follow the workspace's own bindings only.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Lower and emit every system again instead of reusing what this generator built (for the systems whose
        /// input did not change) and emitted (whose IR did not change) before, kept in `target/bkapi-regen/`.
        #[arg(long)]
        no_cache: bool,
    },
    /// Run the generator over a whole doc tree and report what it understands (see `corpus.rs`).
    Corpus {
        /// A tree of BlueKing docs (e.g. `../shared/corpus`).
        dir: PathBuf,
        /// End stdout with one JSON summary line.
        #[arg(long)]
        json: bool,
        /// Also run `cargo check` on a crate generated from every doc (in `target/corpus-crate`).
        #[arg(long)]
        compile: bool,
        /// Exit non-zero below the targets: 99% docs located, 99% examples parsed, 99% values kept, 97% examples
        /// lossless, 97% fields typed, at most 0.2% of values lost although documented, no panic, and (with
        /// --compile) a crate that checks.
        #[arg(long)]
        check: bool,
        /// Exit non-zero when a figure falls below the one recorded in this file (CI's ratchet).
        #[arg(long, value_name = "FILE")]
        floor: Option<PathBuf>,
        /// Check every located ESB API against BlueKing's ESB SDK operations (a TSV: system, api_name, method,
        /// path); `-v` lists the disagreements with both sources.
        #[arg(long, value_name = "FILE")]
        sdk: Option<PathBuf>,
        /// Report every doc and every warning, not only the problems.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Every contradiction in the docs (codes D001…), against each system's `api-docs/<system>/drift-baseline.toml`.
    Drift {
        #[arg(long, value_enum, default_value = "text")]
        format: drift::Format,
        /// Exit non-zero on a finding the baseline does not accept, or on a baseline entry that no longer occurs.
        #[arg(long)]
        check: bool,
        /// Rewrite the baseline to accept exactly the current findings (reasons already written are kept).
        #[arg(long, conflicts_with = "check")]
        bless: bool,
        /// Docs folder (default: `api-docs/` of the workspace).
        #[arg(long)]
        docs: Option<PathBuf>,
    },
    /// The API change of `api-docs/` from a git ref to the working tree, as markdown with a semver verdict.
    Diff {
        /// A commit, tag or branch (`HEAD~1`, `v0.1.0`, `origin/main`).
        reference: String,
        /// Compare with this IR (`cargo xtask ir api-docs` of an earlier generator) instead of the docs at the
        /// ref read by this one: what a generator change (renames, new types) does to users.
        #[arg(long)]
        old_ir: Option<PathBuf>,
    },
    /// Time parse + IR + emit over a doc tree (build with optimizations: see Cargo.toml's dev profile).
    Bench {
        dir: PathBuf,
        #[arg(long, default_value_t = 20)]
        iterations: u32,
        /// Also time `cargo check` of the crate generated from DIR, and of progenitor's from its OpenAPI export.
        #[arg(long)]
        compile: bool,
        /// `cargo check` runs per crate (their median is reported).
        #[arg(long, default_value_t = 3)]
        check_runs: u32,
    },
    /// What the `bkapi` command costs to build (release, every system and one), as ratios to `cargo check` of the
    /// bindings in the same run.
    BenchCli,
    /// How parse + IR + emit grow with one doc's size (table rows, nested sections): time, time per item and
    /// peak memory per case (see `scale.rs`).
    BenchScale {
        /// Run one case in this process (the parent runs each case so).
        #[arg(long, hide = true)]
        one: Option<String>,
        #[arg(hide = true)]
        size: Option<usize>,
    },
    /// Copy the API docs of a BlueKing doc tree (and the manifests that locate them) into `api-docs/<system>/`,
    /// recording their provenance in its `bkapi.toml`; then `regen`, `diff` and `drift --check` show the change.
    Import {
        /// A tree as BlueKing publishes it (ESB component folders, gateway docs with their definitions, …).
        tree: PathBuf,
        /// Only this system (a name `corpus` reports, e.g. `cc`); repeatable. With `--as`, the systems given are
        /// imported as one (`--system cc --system esb-cc --as cc`: CMDB keeps its ESB docs in two folders).
        #[arg(long)]
        system: Vec<String>,
        /// Where the systems go (default: `api-docs/` of the workspace).
        #[arg(long)]
        into: Option<PathBuf>,
        /// A folder of the tree (relative to it) holding the newer revision of a system the tree publishes
        /// twice (`nodeman-apidoc`); repeatable. Without it, the publication documenting more APIs wins.
        #[arg(long)]
        prefer: Vec<PathBuf>,
        /// The name the system (`--system`) gets in `api-docs/` and in `bkapi` (`--system open --as bk_cmdb`).
        #[arg(long = "as")]
        name: Option<String>,
    },
    /// Write the IR of a doc tree as OpenAPI 3.0: one JSON document per system (`<out>/<system>.json`).
    Openapi {
        /// Docs folder (default: `api-docs/` of the workspace).
        dir: Option<PathBuf>,
        /// Output folder (default: `target/openapi/` of the workspace).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Run a mock BlueKing on 127.0.0.1 that answers every API of the generated crate with its doc's response
    /// example (requests checked against the generated types): `cargo run --example mock` of `bkapi`.
    Mock {
        /// Port to listen on (0: any free port; the first line printed says which).
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Print the IR of one doc, or of a docs tree, as JSON.
    Ir {
        doc: PathBuf,
        /// Show what the doc claims, without the metadata's corrections.
        #[arg(long)]
        raw: bool,
    },
}

fn workspace_root() -> PathBuf {
    // xtask lives in <root>/xtask.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let root = workspace_root();
    match cli.command {
        Command::Regen { check, docs, out, no_cache } => {
            let docs = docs.unwrap_or_else(|| root.join("api-docs"));
            // The workspace's crates (the command line's tables, both manifests' features) follow only a regen of
            // the workspace's own bindings: `--out` elsewhere writes that folder and nothing else.
            let workspace_output = out.is_none();
            let out = out.unwrap_or_else(|| root.join("generated/src/apis"));
            let mode = if check { Mode::Check } else { Mode::Write };
            let cache = if no_cache { None } else { emit_cache(&root) };
            let outputs = Outputs { bindings: out, cli: workspace_output.then(|| root.join("cli/src/apis")), cache };
            let report = regen_into(&docs, &outputs, mode)?;
            if workspace_output {
                let manifest = root.join("generated/Cargo.toml");
                if bkapi_codegen::tasks::regen::ensure_features(&report.features, &manifest, mode)? {
                    eprintln!("written: generated/Cargo.toml (features)");
                }
                let cli_manifest = root.join("cli/Cargo.toml");
                if bkapi_codegen::tasks::regen::ensure_forwarded_features(
                    &report.features,
                    &cli_manifest,
                    "bkapi",
                    mode,
                )? {
                    eprintln!("written: cli/Cargo.toml (features)");
                }
            }
            for w in &report.warnings {
                eprintln!("{w}");
            }
            // Accepted drift is counted below, not listed: `cargo xtask drift` shows it all.
            for d in &report.drift {
                eprintln!(
                    "{}:{}:{}: drift[{}] {}\n  help: see `cargo xtask drift`",
                    d.file, d.line, d.column, d.code, d.message
                );
            }
            let verb = if check { "up to date" } else { "written" };
            for p in &report.changed {
                eprintln!("written: {}", p.display());
            }
            for p in &report.removed {
                eprintln!("removed: {}", p.display());
            }
            eprintln!(
                "regen: {} file(s) {verb}, {} changed, {} removed, {} warning(s), {} accepted and {} unaccepted drift(s); \
                 {} system(s) lowered, {} emitted, {} from the cache",
                report.unchanged + report.changed.len(),
                report.changed.len(),
                report.removed.len(),
                report.warnings.len(),
                report.accepted_drift.len(),
                report.drift.len(),
                report.systems_built.len(),
                report.systems_emitted.len(),
                report.systems_from_cache
            );
            Ok(())
        }
        Command::Corpus { dir, json, compile, check, floor, sdk, verbose } => {
            corpus::run(&root, &corpus::Options { dir, json, compile, check, floor, sdk, verbose })
        }
        Command::Bench { dir, iterations, compile, check_runs } => {
            bench::run(&root, &bench::Options { dir, iterations, compile, check_runs })
        }
        Command::BenchCli => bench_cli::run(&root),
        Command::BenchScale { one: Some(family), size } => scale::run_one(&family, size.unwrap_or(1000)),
        Command::BenchScale { one: None, .. } => scale::run(),
        Command::Openapi { dir, out } => {
            openapi(&dir.unwrap_or_else(|| root.join("api-docs")), &out.unwrap_or_else(|| root.join("target/openapi")))
        }
        Command::Import { tree, system, into, prefer, name } => {
            import(&tree, &into.unwrap_or_else(|| root.join("api-docs")), system, prefer, name)
        }
        Command::Diff { reference, old_ir } => diff::run(&root, &reference, old_ir.as_deref()),
        Command::Mock { port } => mock(&root, port),
        Command::Drift { format, check, bless, docs } => {
            drift::run(&docs.unwrap_or_else(|| root.join("api-docs")), format, check, bless)
        }
        Command::Ir { doc, raw } => {
            let options = LowerOptions { apply_corrections: !raw };
            let loaded = if doc.is_dir() { load_docs(&doc, options) } else { load_doc(&doc, options) };
            let loaded = loaded.with_context(|| format!("reading {}", doc.display()))?;
            for d in &loaded.diagnostics {
                eprintln!("{d}");
            }
            println!("{}", serde_json::to_string_pretty(&loaded.ir)?);
            Ok(())
        }
    }
}

/// `cargo xtask openapi`: the documents of [`bkapi_codegen::tasks::openapi`], rewritten only when they change.
fn import(
    tree: &Path,
    into: &Path,
    systems: Vec<String>,
    prefer: Vec<PathBuf>,
    name: Option<String>,
) -> anyhow::Result<()> {
    let date = time::OffsetDateTime::now_utc().date().to_string();
    let options = bkapi_codegen::tasks::import::ImportOptions { systems, date, prefer, name };
    let reports = bkapi_codegen::tasks::import::import(tree, into, &options)?;
    for r in &reports {
        println!(
            "import: {}: {} added, {} changed, {} removed, {} unchanged",
            r.system,
            r.added.len(),
            r.changed.len(),
            r.removed.len(),
            r.unchanged
        );
        for (what, names) in [("added", &r.added), ("changed", &r.changed), ("removed", &r.removed)] {
            for name in names {
                println!("  {what}: {name}");
            }
        }
    }
    println!("import: next `cargo xtask regen`, `cargo xtask diff`, `cargo xtask drift --check`");
    Ok(())
}

fn openapi(dir: &Path, out: &Path) -> anyhow::Result<()> {
    let loaded = load_docs(dir, LowerOptions::default()).with_context(|| format!("reading {}", dir.display()))?;
    for d in loaded.errors() {
        eprintln!("{d}");
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let documents = bkapi_codegen::tasks::openapi::documents(&loaded.ir);
    let mut written = 0;
    let mut problems = 0;
    for ((system, document), s) in documents.iter().zip(&loaded.ir.systems) {
        for p in bkapi_codegen::tasks::openapi::problems(s, document) {
            eprintln!("openapi: {system}: {p}");
            problems += 1;
        }
        let path = out.join(format!("{}.json", bkapi_codegen::internals::naming::module_name(system)));
        let text = serde_json::to_string_pretty(document)? + "\n";
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            continue;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        written += 1;
    }
    let apis: usize = loaded.ir.systems.iter().map(|s| s.apis.len()).sum();
    eprintln!("openapi: {} document(s) ({apis} operations) in {}, {written} written", documents.len(), out.display());
    if problems > 0 {
        bail!("{problems} problem(s) in the documents: this is a bug in the OpenAPI emitter");
    }
    Ok(())
}

// Generation allocates millions of small token trees; mimalloc roughly halves their cost over glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The mock is `bkapi`'s example, not part of xtask: xtask must build when the generated crate does not.
fn mock(root: &Path, port: u16) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["run", "-q", "-p", "bkapi", "--features", "full,mock", "--example", "mock", "--", "--port"])
        .arg(port.to_string())
        .status()?;
    anyhow::ensure!(status.success(), "the mock ended with {status}");
    Ok(())
}

/// The regen cache of this workspace (`target/bkapi-regen/`, or under `CARGO_TARGET_DIR`), keyed by this very
/// executable: a rebuilt generator (another size or modification time) never reuses what an older one emitted.
/// `None` when the executable cannot be looked at: then every system is emitted.
fn emit_cache(root: &Path) -> Option<bkapi_codegen::tasks::regen::EmitCache> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    let generator = format!("{} {} {}", exe.display(), meta.len(), modified.as_nanos());
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Some(bkapi_codegen::tasks::regen::EmitCache { dir: target.join("bkapi-regen"), generator })
}
