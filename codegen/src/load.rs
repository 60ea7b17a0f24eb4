//! Loads a docs tree (`api-docs/<system>/*.md` + `bkapi.toml`) through every stage up to the IR.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use crate::Error;
use crate::diagnostics::{Diagnostic, Severity};
use crate::ir::{Flavor, Ir};
use crate::lower::{LowerOptions, MetaSource, lower_api};
use crate::metadata::{self, SystemMeta};
use crate::{markdown, typespace};

/// The IR of a docs tree and everything worth telling about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub ir: Ir,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error)
    }
}

fn read(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut entries = fs::read_dir(dir)
        .map_err(|source| Error::Io { path: dir.to_path_buf(), source })?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    entries.sort();
    Ok(entries)
}

/// Loads every system folder under `root`. Doc problems become diagnostics; only I/O fails.
pub fn load_docs(root: &Path, options: LowerOptions) -> Result<Loaded, Error> {
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics: Vec::new() };
    for dir in sorted_entries(root)?.into_iter().filter(|p| p.is_dir()) {
        load_system(&dir, root, None, options, &mut loaded)?;
    }
    Ok(loaded)
}

/// Loads one doc file, as an API of the system named by its folder (for `cargo xtask ir`).
pub fn load_doc(path: &Path, options: LowerOptions) -> Result<Loaded, Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let root = dir.parent().unwrap_or(dir);
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics: Vec::new() };
    load_system(dir, root, Some(path), options, &mut loaded)?;
    Ok(loaded)
}

fn load_system(
    dir: &Path,
    root: &Path,
    only: Option<&Path>,
    options: LowerOptions,
    out: &mut Loaded,
) -> Result<(), Error> {
    let Some(system) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else { return Ok(()) };
    let display = |p: &Path| p.strip_prefix(root.parent().unwrap_or(root)).unwrap_or(p).display().to_string();
    let diagnostics = &mut out.diagnostics;
    let meta_path = dir.join(metadata::FILE_NAME);
    let meta_display = display(&meta_path);
    let meta_text = if meta_path.exists() { read(&meta_path)? } else { String::new() };
    let meta = match metadata::parse(&meta_text) {
        Ok(m) => m,
        Err(e) => {
            diagnostics.push(Diagnostic::error(&meta_display, 1, format!("invalid metadata: {e}")));
            SystemMeta::default()
        }
    };
    let flavor = meta.flavor.unwrap_or_else(|| {
        diagnostics.push(
            Diagnostic::warning(&meta_display, 1, "no `flavor`; assuming ESB")
                .with_help("add `flavor = \"esb\"` or `flavor = \"gateway\"`"),
        );
        Flavor::Esb
    });
    let meta_source = MetaSource { path: &meta_display, text: &meta_text };
    let docs: Vec<PathBuf> = match only {
        Some(p) => vec![p.to_path_buf()],
        None => sorted_entries(dir)?.into_iter().filter(|p| p.extension().is_some_and(|e| e == "md")).collect(),
    };
    let mut drafts = Vec::new();
    for doc_path in docs {
        let Some(api_name) = doc_path.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
        let file = display(&doc_path);
        let text = read(&doc_path)?;
        let api_meta = meta.apis.get(&api_name);
        let result = catch_unwind(AssertUnwindSafe(|| {
            let doc = markdown::parse(&file, &text);
            lower_api(&doc, &api_name, flavor, api_meta, &meta_source, options)
        }));
        match result {
            Ok((draft, diags)) => {
                diagnostics.extend(diags);
                drafts.extend(draft);
            }
            Err(panic) => {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                    .unwrap_or_default();
                diagnostics.push(
                    Diagnostic::error(&file, 1, format!("internal error while reading this doc: {what}"))
                        .with_help("this is a bug in bkapi-codegen; please report it with the doc"),
                );
            }
        }
    }
    if only.is_none() {
        for name in meta.apis.keys().filter(|k| !dir.join(format!("{k}.md")).exists()) {
            diagnostics.push(Diagnostic::error(
                &meta_display,
                meta_source.line_of(&format!("apis.{name}")),
                format!("metadata for `{name}`, but there is no `{name}.md`"),
            ));
        }
    }
    if let Some(prefix) = &meta.path_prefix {
        for d in drafts.iter().filter(|d| !d.path.starts_with(prefix.as_str())) {
            diagnostics.push(Diagnostic::warning(
                &d.source,
                1,
                format!("path `{}` is outside the system's prefix `{prefix}`", d.path),
            ));
        }
    }
    out.ir.systems.push(typespace::build_system(&system, flavor, meta.gateway.clone(), drafts));
    Ok(())
}
