//! Where the workspace's docs are, for the generator's tests (each test binary uses some of these).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The docs the `bkapi` crate is generated from.
pub fn docs_dir() -> PathBuf {
    workspace_root().join("api-docs")
}

/// The five documents this project was specified from, with their metadata and baselines.
pub fn seeds_dir() -> PathBuf {
    workspace_root().join("tests/seeds")
}

/// Copies a folder tree (a docs tree to change in a test).
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}
