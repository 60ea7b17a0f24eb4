//! `cargo xtask corpus <DIR>`: the generator against a whole doc tree, with the targets.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use bkapi_codegen::internals::naming::{module_file_name, module_name};
use bkapi_codegen::pipeline::DocStatus;
use bkapi_codegen::tasks::corpus::{self, CorpusRun, Summary};
use bkapi_codegen::tasks::sdk;

pub struct Options {
    pub dir: PathBuf,
    pub json: bool,
    pub compile: bool,
    pub check: bool,
    /// A floor file (`.ci/corpus-floor.toml`): exit non-zero when a figure falls below what it records.
    pub floor: Option<PathBuf>,
    /// BlueKing's ESB SDK operations (`esb-sdk-operations.tsv`): every located ESB API is checked against them.
    pub sdk: Option<PathBuf>,
    pub verbose: bool,
}

/// The figures a floor file records: the last measured ones, which CI must not fall below. `--check` holds
/// the targets; the floor holds what has been reached, so a regression fails even before the targets
/// are met.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Floor {
    docs_located: f64,
    examples_parsed: f64,
    values_kept: f64,
    examples_lossless: f64,
    fields_typed: f64,
    /// Example values that reach a typed field (not only an untyped JSON value), of all values.
    values_typed: f64,
    /// The most values lost although documented, as a share of all values.
    lost_documented_at_most: f64,
}

/// The targets `--check` enforces, as fractions.
const TARGETS: &[(&str, f64)] = &[
    ("docs parsed and located", 0.99),
    ("examples parsed", 0.99),
    ("values kept", 0.99),
    ("parsed examples lossless", 0.97),
    ("fields typed", 0.97),
    ("values typed", 0.97),
];

/// At most this share of all example values may be lost although a table of their doc names their key.
const LOST_DOCUMENTED_AT_MOST: f64 = 0.002;

pub fn run(workspace: &Path, opts: &Options) -> anyhow::Result<()> {
    let CorpusRun { report, ir, files } =
        corpus::run(&opts.dir).with_context(|| format!("reading {}", opts.dir.display()))?;

    // The human report goes to stderr, so that with --json the last line of stdout is the summary.
    for doc in &report.docs {
        let problems = doc.status != DocStatus::Located
            || doc.examples.iter().any(|e| {
                !e.parsed
                    || e.decode_error.is_some()
                    || !e.drift.is_empty()
                    || e.values.as_ref().is_some_and(|v| !v.lossless() || !v.untyped.is_empty())
            });
        if !problems && !opts.verbose {
            continue;
        }
        eprintln!("{} [{}]", doc.file, status_word(doc.status));
        for d in &doc.diagnostics {
            if opts.verbose || d.severity == bkapi_codegen::diagnostics::Severity::Error {
                eprintln!("  {d}");
            }
        }
        for e in &doc.examples {
            let kind = match e.kind {
                bkapi_codegen::ir::ExampleKind::Request => "request",
                bkapi_codegen::ir::ExampleKind::Response => "response",
            };
            let verdict = match (&e.parsed, &e.decode_error) {
                (false, _) => "unparseable".to_string(),
                (true, Some(err)) => format!("does not decode {err}"),
                (true, None) => "decodes".to_string(),
            };
            eprintln!("  {kind} example at line {}: {verdict}", e.line);
            for d in &e.drift {
                eprintln!("    drift {} `{}` (line {}): {}", d.kind.as_str(), d.path, d.line, d.message);
            }
            if opts.verbose {
                for lost in e.values.iter().flat_map(|v| &v.lost) {
                    let what = if lost.documented { "documented" } else { "undocumented" };
                    eprintln!("    lost {what} value `{}` (line {}): {}", lost.path, lost.line, lost.cause);
                }
                for untyped in e.values.iter().flat_map(|v| &v.untyped) {
                    eprintln!(
                        "    untyped value `{}` (field at line {}): {}",
                        untyped.path,
                        untyped.line,
                        untyped.reason.describe()
                    );
                }
            }
        }
        if opts.verbose {
            for f in &doc.untyped_fields {
                eprintln!("  untyped field or contents `{}` (`{}`) at line {}", f.field, f.type_word, f.line);
            }
        }
    }
    for d in &report.other_diagnostics {
        eprintln!("{d}");
    }
    let s = &report.summary;
    print_summary(s);
    print_systems(s);
    print_worst_untyped(&report, if opts.verbose { 20 } else { 5 });
    report_manifests(&report.manifests, opts.verbose);
    if let Some(path) = &opts.sdk {
        report_sdk(path, &ir, opts.verbose)?;
    }

    let mut compile_ok = true;
    if opts.compile {
        let Some(files) = files else { bail!("emitting Rust failed; see the diagnostics above") };
        let started = Instant::now();
        let crate_dir = workspace.join("target/corpus-crate");
        write_crate(workspace, &crate_dir, &ir, &files)?;
        let status = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--message-format", "short", "--manifest-path"])
            .arg(crate_dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", workspace.join("target/corpus-check"))
            // cargo reports on stderr; stdout stays free for the JSON summary.
            .stdout(std::process::Stdio::null())
            .status()
            .context("running cargo check on the corpus crate")?;
        compile_ok = status.success();
        eprintln!(
            "compile: cargo check of {} ({} systems) {} in {:.1} s",
            crate_dir.display(),
            ir.systems.len(),
            if compile_ok { "passed" } else { "FAILED" },
            started.elapsed().as_secs_f64()
        );
    }

    if opts.json {
        println!("{}", serde_json::to_string(s)?);
    }
    if let Some(path) = &opts.floor {
        check_floor(path, s, compile_ok)?;
    }
    if opts.check {
        let mut missed = check_targets(s);
        if s.panics > 0 {
            missed.push(format!("{} panic(s); the target is 0", s.panics));
        }
        if !compile_ok {
            missed.push("the generated crate does not pass cargo check".into());
        }
        if !missed.is_empty() {
            bail!("corpus targets missed:\n  {}", missed.join("\n  "));
        }
        eprintln!("corpus: all targets met");
    }
    Ok(())
}

/// Compares the located ESB APIs with BlueKing's own SDK bindings; `-v` lists each disagreement.
fn report_sdk(path: &Path, ir: &bkapi_codegen::ir::Ir, verbose: bool) -> anyhow::Result<()> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let operations = sdk::parse_operations(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let check = sdk::check(ir, &operations);
    if verbose {
        for d in &check.disagreements {
            eprintln!(
                "sdk: {}.{}: {} says {} {}; the SDK ({}:{}) binds {} {}",
                d.system,
                d.api,
                d.doc,
                d.doc_method,
                d.doc_path,
                path.display(),
                d.sdk_line,
                d.sdk_method,
                d.sdk_path
            );
        }
    }
    eprintln!(
        "sdk: {} operations in {}; {} located ESB doc(s) bind one of them, {} disagree on method or path{}",
        check.operations,
        path.display(),
        check.matched,
        check.disagreements.len(),
        if verbose || check.disagreements.is_empty() { "" } else { " (-v lists them)" }
    );
    Ok(())
}

fn check_floor(path: &Path, s: &Summary, compile_ok: bool) -> anyhow::Result<()> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let floor: Floor = toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let floors = [
        floor.docs_located,
        floor.examples_parsed,
        floor.values_kept,
        floor.examples_lossless,
        floor.fields_typed,
        floor.values_typed,
    ];
    let mut missed: Vec<String> = TARGETS
        .iter()
        .zip(measures(s))
        .zip(floors)
        .filter(|((_, got), floor)| got < floor)
        .map(|(((what, _), got), floor)| format!("{what}: {:.2}% < {:.2}% (the floor)", got * 100.0, floor * 100.0))
        .collect();
    let lost_documented = ratio(s.values.lost_documented, s.values.total);
    if lost_documented > floor.lost_documented_at_most {
        missed.push(format!(
            "values lost although documented: {:.2}% > {:.2}% (the floor)",
            lost_documented * 100.0,
            floor.lost_documented_at_most * 100.0
        ));
    }
    if s.panics > 0 {
        missed.push(format!("{} panic(s)", s.panics));
    }
    if !compile_ok {
        missed.push("the generated crate does not pass cargo check".into());
    }
    if !missed.is_empty() {
        bail!("corpus figures fell below {}:\n  {}", path.display(), missed.join("\n  "));
    }
    eprintln!("corpus: no figure below {}", path.display());
    Ok(())
}

fn status_word(s: DocStatus) -> &'static str {
    match s {
        DocStatus::Located => "parsed",
        DocStatus::Unlocated => "parsed, not located",
        DocStatus::Failed => "FAILED",
        DocStatus::Panicked => "PANICKED",
        DocStatus::Definitions => "definitions, used by the folder's docs",
        DocStatus::Superseded => "parsed, superseded by a newer revision",
        DocStatus::NotAnApi => "no API, says the metadata",
        DocStatus::Included => "a fragment other docs of its folder include",
        DocStatus::Retired => "says only that its API is retired: nothing to generate",
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 1.0 } else { part as f64 / whole as f64 }
}

fn measures(s: &Summary) -> [f64; 6] {
    [
        // Of the API docs: a page of shared definitions has nothing to locate.
        ratio(s.located, s.docs - s.definitions),
        ratio(s.examples.parsed, s.examples.total),
        ratio(s.values.kept, s.values.total),
        ratio(s.examples.lossless, s.examples.parsed),
        ratio(s.fields.typed, s.fields.total),
        ratio(s.values.typed(), s.values.total),
    ]
}

fn check_targets(s: &Summary) -> Vec<String> {
    let mut missed: Vec<String> = TARGETS
        .iter()
        .zip(measures(s))
        .filter(|((_, target), got)| got < target)
        .map(|((what, target), got)| format!("{what}: {:.1}% < {:.0}%", got * 100.0, target * 100.0))
        .collect();
    let lost_documented = ratio(s.values.lost_documented, s.values.total);
    if lost_documented > LOST_DOCUMENTED_AT_MOST {
        missed.push(format!(
            "values lost although documented: {:.2}% > {:.1}%",
            lost_documented * 100.0,
            LOST_DOCUMENTED_AT_MOST * 100.0
        ));
    }
    missed
}

/// The routes against the manifests, both ways; `-v` lists the differences and the entries no doc has.
fn report_manifests(m: &bkapi_codegen::tasks::corpus::ManifestCheck, verbose: bool) {
    if verbose {
        for d in &m.differ {
            eprintln!("manifest: {} ({}) is sent to {}; {} says {}", d.api, d.doc, d.route, d.origin, d.entry_route);
        }
        for e in &m.undocumented {
            let method = e.method.map_or("?", |m| m.as_str());
            eprintln!("manifest: {}.{} ({method} {}, {}) has no doc", e.system, e.name, e.path, e.origin);
        }
    }
    if m.entries > 0 {
        eprintln!(
            "manifests: {} entries; {} documented ({} at the entry's route, {} elsewhere: the doc's own route or a \
             correction), {} without a doc{}",
            m.entries,
            m.documented,
            m.agree,
            m.differ.len(),
            m.undocumented.len(),
            if verbose { "" } else { " (-v lists them)" }
        );
    }
}

fn print_summary(s: &Summary) {
    let m = measures(s);
    eprintln!(
        "corpus: {} docs ({} of them no API: pages of shared definitions, included fragments, retirement notices): {} parsed, {} located ({:.1}% of the API docs), \
         {} failed, {} panics; fields {}/{} typed ({:.1}%; not \
         counting {} maps or lists of untyped values); examples {}: {} parsed ({:.1}%), {} decoded, {} lossless \
         ({:.1}% of parsed), {} with drift; {} ms",
        s.docs,
        s.definitions,
        s.parsed,
        s.located,
        m[0] * 100.0,
        s.failed,
        s.panics,
        s.fields.typed,
        s.fields.total,
        m[4] * 100.0,
        s.fields.opaque_containers,
        s.examples.total,
        s.examples.parsed,
        m[1] * 100.0,
        s.examples.decoded,
        s.examples.lossless,
        m[3] * 100.0,
        s.examples.with_drift,
        s.ms
    );
    let v = &s.values;
    eprintln!(
        "values {}: kept {} ({:.1}%; {} of them in the documented form: the same number, or null as empty), lost although \
         documented {} ({:.2}%), lost undocumented {} ({:.2}%)",
        v.total,
        v.kept,
        m[2] * 100.0,
        v.normalized,
        v.lost_documented,
        ratio(v.lost_documented, v.total) * 100.0,
        v.lost_undocumented,
        ratio(v.lost_undocumented, v.total) * 100.0
    );
    eprintln!("values typed: {} ({:.1}%; {} more come back only as untyped JSON)", v.typed(), m[5] * 100.0, v.untyped);
    let kinds: Vec<String> = s.drift_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!("drift by kind: {}", kinds.join(", "));
}

/// Per system: docs located, examples parsed, values typed.
fn print_systems(s: &Summary) {
    for (name, f) in &s.by_system {
        eprintln!(
            "system {name}: located {}/{} ({:.1}%), examples parsed {}/{} ({:.1}%), values typed {}/{} ({:.1}%; {} \
             untyped, {} lost)",
            f.located,
            f.docs,
            ratio(f.located, f.docs) * 100.0,
            f.examples_parsed,
            f.examples,
            ratio(f.examples_parsed, f.examples) * 100.0,
            f.values.typed(),
            f.values.total,
            ratio(f.values.typed(), f.values.total) * 100.0,
            f.values.untyped,
            f.values.lost()
        );
    }
}

/// The docs with the most example values that reach only untyped JSON, with the commonest reason in each.
fn print_worst_untyped(report: &bkapi_codegen::tasks::corpus::CorpusReport, n: usize) {
    let mut worst: Vec<(usize, &str, String)> = report
        .docs
        .iter()
        .filter_map(|doc| {
            let values: Vec<_> =
                doc.examples.iter().filter_map(|e| e.values.as_ref()).flat_map(|v| &v.untyped).collect();
            let first = values.first()?;
            Some((values.len(), doc.file.as_str(), format!("e.g. `{}`: {}", first.path, first.reason.describe())))
        })
        .collect();
    worst.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    for (count, file, example) in worst.iter().take(n) {
        eprintln!("untyped: {count} value(s) in {file}; {example}");
    }
}

/// A crate with the corpus's generated modules over the real `bkapi` runtime. The runtime items the generated
/// code reaches through `crate::` are re-exported at its root; files are rewritten only when they change, so
/// repeated checks stay incremental.
pub fn write_crate(
    workspace: &Path,
    dir: &Path,
    ir: &bkapi_codegen::ir::Ir,
    files: &[bkapi_codegen::internals::emit::GeneratedFile],
) -> anyhow::Result<()> {
    let src = dir.join("src");
    fs::create_dir_all(&src)?;
    let runtime = workspace.join("generated");
    let manifest = format!(
        "[package]\nname = \"bkapi-corpus\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nbkapi = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n\
         [features]\n# The generated blocking clients need bkapi's feature; the check covers the async ones.\nblocking = []\nmock = []\n\n\
         # Not a member of the bkapi workspace.\n[workspace]\n",
        runtime.display().to_string()
    );
    let mut lib = String::from(
        "//! Every API of a doc corpus, generated by `cargo xtask corpus --compile`, over the bkapi runtime.\n\
         #![allow(rustdoc::all)]\n\
         // No `Client` accessors here: the per-system `new` constructors go unused.\n\
         #![allow(dead_code)]\n\
         // Everything the generated code reaches through `crate::` (explicit modules below shadow the glob).\n\
         pub use bkapi::*;\n",
    );
    let mut wanted = vec![PathBuf::from("lib.rs")];
    for system in &ir.systems {
        let module = module_name(&system.name);
        let file = module_file_name(&system.name);
        let Some(generated) = files.iter().find(|f| f.path == file) else { continue };
        // Named: a keyword system's `mod r#type;` is in `type.rs`, the system `mod` in `mod_.rs`.
        lib.push_str(&format!("#[path = {file:?}]\npub mod {module};\n"));
        write_if_changed(&src.join(&file), &generated.content)?;
        wanted.push(PathBuf::from(file));
    }
    write_if_changed(&src.join("lib.rs"), &lib)?;
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    // The workspace's lock file pins the same dependency versions, so no registry lookup is needed.
    if let Ok(lock) = fs::read_to_string(workspace.join("Cargo.lock")) {
        write_if_changed(&dir.join("Cargo.lock"), &lock)?;
    }
    for entry in fs::read_dir(&src)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| !wanted.iter().any(|w| w.as_os_str() == n)) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

fn write_if_changed(path: &Path, content: &str) -> anyhow::Result<()> {
    if fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    fs::write(path, content).with_context(|| format!("writing {}", path.display()))
}
