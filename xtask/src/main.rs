//! `cargo xtask …`: project automation (regenerate bindings, dump IR).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use bkapi_codegen::load::load_doc;
use bkapi_codegen::lower::LowerOptions;
use bkapi_codegen::regen::{Mode, regen};
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
        /// Output folder (default: `generated/src/apis/` of the workspace).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the IR of one doc as JSON.
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
        Command::Regen { check, docs, out } => {
            let docs = docs.unwrap_or_else(|| root.join("api-docs"));
            let out = out.unwrap_or_else(|| root.join("generated/src/apis"));
            let mode = if check { Mode::Check } else { Mode::Write };
            let report = regen(&docs, &out, mode)?;
            for w in &report.warnings {
                eprintln!("{w}");
            }
            for d in &report.accepted_drift {
                eprintln!("{d} (accepted in bkapi.toml)");
            }
            for d in &report.drift {
                eprintln!("{d}\n  help: fix the doc, correct it in bkapi.toml, or accept it under `accepted_drift`");
            }
            let verb = if check { "up to date" } else { "written" };
            for p in &report.changed {
                eprintln!("written: {}", p.display());
            }
            for p in &report.removed {
                eprintln!("removed: {}", p.display());
            }
            eprintln!(
                "regen: {} file(s) {verb}, {} changed, {} removed, {} warning(s), {} accepted and {} unaccepted drift(s)",
                report.unchanged + report.changed.len(),
                report.changed.len(),
                report.removed.len(),
                report.warnings.len(),
                report.accepted_drift.len(),
                report.drift.len()
            );
            Ok(())
        }
        Command::Ir { doc, raw } => {
            let options = LowerOptions { apply_corrections: !raw };
            let loaded = load_doc(&doc, options).with_context(|| format!("reading {}", doc.display()))?;
            for d in &loaded.diagnostics {
                eprintln!("{d}");
            }
            println!("{}", serde_json::to_string_pretty(&loaded.ir)?);
            Ok(())
        }
    }
}
