//! The thin layer of files above [`super::build_system`]: discovers the systems of a tree, reads their docs
//! (and the files beside them that locate their APIs), and builds each system.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::cache::BuildCache;
use super::{DocSet, DocText, Loaded, SystemBuild, SystemInput, UnreadableDoc, build_system, discover};
use crate::Error;
use crate::diagnostics::Diagnostic;
use crate::ir::Ir;
use crate::lower::LowerOptions;
use crate::read::discover::{DocFolder, api_name_of, file_name, read};
use crate::read::locate::{self, Route};
use crate::read::metadata;

/// Loads every doc folder under `root`. Doc problems become diagnostics; only I/O fails.
pub fn load_docs(root: &Path, options: LowerOptions) -> Result<Loaded, Error> {
    let (sets, diagnostics) = discover(root)?;
    load_sets(root, &sets, diagnostics, options)
}

/// Loads systems [`discover`] found under `root`, after the diagnostics discovering them gave.
pub fn load_sets(
    root: &Path,
    sets: &[DocSet],
    diagnostics: Vec<Diagnostic>,
    options: LowerOptions,
) -> Result<Loaded, Error> {
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics, docs: Vec::new() };
    for set in sets {
        loaded.add(build_system(&read_system(set, root, None)?, options));
    }
    Ok(loaded)
}

/// [`load_docs`] through a [`BuildCache`]: a system whose input is the one an entry was built from comes from
/// there, the others are built (and stored). Also gives the names of the systems built.
pub fn load_docs_cached(
    root: &Path,
    options: LowerOptions,
    cache: &BuildCache,
) -> Result<(Loaded, Vec<String>), Error> {
    let (sets, diagnostics) = discover(root)?;
    // Systems are read (and mostly taken from the cache) in parallel; the outcome keeps the tree's order.
    let builds: Vec<Result<(SystemBuild, bool), Error>> =
        sets.par_iter().map(|set| Ok(cache.build(&read_system(set, root, None)?, options))).collect();
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics, docs: Vec::new() };
    let mut built = Vec::new();
    for build in builds {
        let (build, was_built) = build?;
        if was_built {
            built.push(build.system.name.clone());
        }
        loaded.add(build);
    }
    Ok((loaded, built))
}

/// Loads one doc file, as an API of the system its folder belongs to (for `cargo xtask ir`).
pub fn load_doc(path: &Path, options: LowerOptions) -> Result<Loaded, Error> {
    // `Path::parent` of a bare file name is "", which names no folder.
    let non_empty = |p: &Path| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p.to_path_buf() };
    let dir = non_empty(path.parent().unwrap_or(Path::new(".")));
    // The tree: the ESB system above an `apidocs` folder, or else the doc folder's parent (`api-docs/`, or the
    // gateway folder holding `resources.yaml` above a language folder), or the one above that when the
    // parent is an imported system whose docs are in language folders.
    let root = match dir.ancestors().find(|a| a.join("apidocs").is_dir()) {
        Some(system) => non_empty(system),
        None => {
            let parent = non_empty(dir.parent().unwrap_or(&dir));
            let imported = parent.join(metadata::FILE_NAME).exists() && !dir.join(metadata::FILE_NAME).exists();
            if imported { non_empty(parent.parent().unwrap_or(&parent)) } else { parent }
        }
    };
    let (dir, root) = (dir.as_path(), root.as_path());
    let (sets, diagnostics) = discover(root)?;
    let mut loaded = Loaded { ir: Ir { systems: Vec::new() }, diagnostics, docs: Vec::new() };
    let set = sets.into_iter().find(|s| s.folders.iter().any(|f| f.dir == dir)).unwrap_or_else(|| DocSet {
        system: file_name(dir).to_string(),
        meta_dir: None,
        meta_text: None,
        folders: Vec::new(),
    });
    loaded.add(build_system(&read_system(&set, root, Some(path))?, options));
    Ok(loaded)
}

/// Reads a system's docs (all of them, or `only` that one), and what beside them locates their APIs.
pub(super) fn read_system(set: &DocSet, root: &Path, only: Option<&Path>) -> Result<SystemInput, Error> {
    let mut docs = Vec::new();
    let mut unreadable = Vec::new();
    let paths: Vec<(usize, PathBuf)> = match only {
        Some(p) => {
            let folder = set.folders.iter().position(|f| f.docs.iter().any(|d| d == p)).unwrap_or(0);
            vec![(folder, p.to_path_buf())]
        }
        None => set.folders.iter().enumerate().flat_map(|(i, f)| f.docs.iter().map(move |d| (i, d.clone()))).collect(),
    };
    for (folder, path) in paths {
        let text = match read(&path) {
            Ok(text) => text,
            // A doc asked for by name must be readable; one of a tree is that doc's problem, not the tree's.
            Err(Error::NotUtf8 { line, offset, .. }) if only.is_none() => {
                unreadable.push(UnreadableDoc { path, line, offset });
                continue;
            }
            Err(e) => return Err(e),
        };
        let (beside, unlisted_in) = match set.folders.get(folder).zip(api_name_of(&path)) {
            Some((f, api)) => locate_beside(f, &api),
            None => (None, None),
        };
        docs.push(DocText { folder, path, text, beside, unlisted_in });
    }
    Ok(SystemInput { root: root.to_path_buf(), set: set.clone(), docs, unreadable, partial: only.is_some() })
}

/// Where the files beside the docs say an API lives: a manifest entry, an ESB component coded in Python, or the
/// ESB path convention; with the last, the system's component list when it does not name the API (second).
fn locate_beside(folder: &DocFolder, api: &str) -> (Option<Route>, Option<String>) {
    if let Some(found) = locate::find_route(&folder.manifests, api) {
        return (Some(found), None);
    }
    let Some(system) = folder.esb_convention.as_deref() else { return (None, None) };
    // An ESB component coded in Python (`<api>.py`) registers it, and says its method.
    let suggested = folder.components.as_ref().and_then(|dir| {
        let file = dir.join(format!("{api}.py"));
        let text = read(&file).ok()?;
        locate::python_component_method(&text, &file.display().to_string())
    });
    // The system's component list is its registry: a component it does not list (and no Python component
    // registers) has the convention's path as a guess only, said so on the method and as drift D012.
    let registry = folder.manifests.iter().find(|m| m.esb_system.is_some());
    let unlisted_in = registry.filter(|_| suggested.is_none()).map(|m| m.file.clone());
    let refused = locate::refused_guess(&folder.manifests, api);
    let why = match (&refused, folder.manifests.is_empty()) {
        (_, true) => "there is no manifest beside the docs".to_string(),
        (Some(refused), false) => format!("no manifest names it; {refused}"),
        (None, false) => "no manifest names it".to_string(),
    };
    let origin = match &suggested {
        Some((_, at)) => format!("the ESB path convention ({why}), method from {at}"),
        None => format!("the ESB path convention ({why})"),
    };
    let route = Route {
        method: suggested.map(|(m, _)| m),
        path: locate::esb_convention_path(system, api),
        origin,
        name: api.to_string(),
        matched: locate::Match::Convention,
    };
    (Some(route), unlisted_in)
}
