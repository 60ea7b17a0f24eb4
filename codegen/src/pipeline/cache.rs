//! What earlier runs built per system, so that a regen after one doc changed lowers only that doc's system.
//!
//! An entry is keyed by the SHA-256 of the generator's fingerprint, the [`LowerOptions`] and everything the
//! system's [`SystemInput`] holds (its docs' texts, its metadata, the manifests and routes found beside it):
//! [`build_system`] reads nothing else, so an entry is never stale — a changed doc changes its system's key, a
//! rebuilt generator changes the fingerprint. An entry that cannot be read is a miss (the system is built
//! again), never an error: the cache costs time, not correctness.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{DocOutcome, SystemBuild, SystemInput, build_system};
use crate::diagnostics::Diagnostic;
use crate::ir::System;
use crate::lower::LowerOptions;

/// Where built systems are kept (xtask: `target/bkapi-regen/builds/`), and by which generator.
#[derive(Debug, Clone)]
pub struct BuildCache {
    pub dir: PathBuf,
    /// Identifies the generator (xtask: its own executable's path, size and modification time).
    pub generator: String,
}

/// A system's build as stored: [`DocOutcome`]'s fields that its JSON leaves out (the doc's path, why it was
/// superseded) travel beside it.
#[derive(Deserialize)]
struct Entry {
    key: String,
    system: System,
    diagnostics: Vec<Diagnostic>,
    docs: Vec<DocOutcome>,
    doc_paths: Vec<PathBuf>,
    superseded_whys: Vec<String>,
}

/// [`Entry`] as written, borrowing the build.
#[derive(Serialize)]
struct EntryRef<'b> {
    key: &'b str,
    system: &'b System,
    diagnostics: &'b [Diagnostic],
    docs: &'b [DocOutcome],
    doc_paths: Vec<&'b Path>,
    superseded_whys: Vec<&'b str>,
}

impl BuildCache {
    /// The system's build: from the cache when an entry has its key, else built (and stored). The flag says
    /// whether it was built.
    pub fn build(&self, input: &SystemInput, options: LowerOptions) -> (SystemBuild, bool) {
        let key = self.key(input, options);
        let path = self.dir.join(format!("{}.json", input.set.system));
        if let Some(build) = load(&path, &key) {
            return (build, false);
        }
        let build = build_system(input, options);
        // A cache that cannot be written costs the next run time, not correctness.
        let _ = store(&path, &key, &build);
        (build, true)
    }

    /// Forgets one system's entry: its next load builds it, as after a change to one of its docs.
    pub fn forget(&self, system: &str) {
        let _ = fs::remove_file(self.dir.join(format!("{system}.json")));
    }

    fn key(&self, input: &SystemInput, options: LowerOptions) -> String {
        let mut hash = Sha256::new();
        // Every part is length-prefixed, so that no two inputs hash the same bytes.
        let mut part = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        };
        part(self.generator.as_bytes());
        part(format!("{options:?}").as_bytes());
        part(input.root.as_os_str().as_encoded_bytes());
        // The set's folders hold the parsed manifests, its metadata text, the components' folder.
        part(format!("{:?}", input.set).as_bytes());
        for doc in &input.docs {
            part(format!("{} {:?} {:?} {:?}", doc.folder, doc.path, doc.beside, doc.unlisted_in).as_bytes());
            part(doc.text.as_bytes());
        }
        part(format!("{:?} {}", input.unreadable, input.partial).as_bytes());
        hex(&hash.finalize())
    }
}

fn load(path: &Path, key: &str) -> Option<SystemBuild> {
    let entry: Entry = serde_json::from_slice(&fs::read(path).ok()?).ok()?;
    let complete = entry.docs.len() == entry.doc_paths.len() && entry.docs.len() == entry.superseded_whys.len();
    if entry.key != key || !complete {
        return None;
    }
    let docs = entry
        .docs
        .into_iter()
        .zip(entry.doc_paths)
        .zip(entry.superseded_whys)
        .map(|((doc, path), why)| DocOutcome { path, superseded_why: why, ..doc })
        .collect();
    Some(SystemBuild { system: entry.system, diagnostics: entry.diagnostics, docs })
}

/// Stores an entry ([`replace_file`]).
fn store(path: &Path, key: &str, build: &SystemBuild) -> std::io::Result<()> {
    fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    let entry = EntryRef {
        key,
        system: &build.system,
        diagnostics: &build.diagnostics,
        docs: &build.docs,
        doc_paths: build.docs.iter().map(|d| d.path.as_path()).collect(),
        superseded_whys: build.docs.iter().map(|d| d.superseded_why.as_str()).collect(),
    };
    replace_file(path, &serde_json::to_vec(&entry).map_err(std::io::Error::other)?)
}

/// A digest as lowercase hex: the caches' keys and the provenance's file digests.
pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `path` through a file of this process renamed into place: an interrupted write, or two
/// regens at once, leave no half file.
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".{}.partial", std::process::id()));
    fs::write(&partial, bytes)?;
    fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::pipeline::discover;

    fn seeds() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/seeds")
    }

    #[test]
    fn a_stored_build_reads_back_equal_and_only_for_its_input_and_generator() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = BuildCache { dir: tmp.path().to_path_buf(), generator: "one".into() };
        let (sets, _) = discover(&seeds()).unwrap();
        let mut coded = 0;
        for set in &sets {
            let input = super::super::files::read_system(set, &seeds(), None).unwrap();
            let (fresh, built) = cache.build(&input, LowerOptions::default());
            assert!(built, "an empty cache builds {}", set.system);
            let (cached, built) = cache.build(&input, LowerOptions::default());
            assert!(!built, "the second load of {} comes from the cache", set.system);
            assert_eq!(cached.system, fresh.system);
            assert_eq!(cached.diagnostics, fresh.diagnostics);
            assert_eq!(cached.docs, fresh.docs, "with the doc paths and why a doc was superseded");
            coded += cached.diagnostics.iter().filter(|d| d.code.is_some()).count();

            let other = BuildCache { generator: "two".into(), ..cache.clone() };
            assert!(other.build(&input, LowerOptions::default()).1, "another generator builds again");
            let mut edited = input.clone();
            if let Some(doc) = edited.docs.first_mut() {
                doc.text.push_str("\nedited\n");
            }
            assert!(other.build(&edited, LowerOptions::default()).1, "an edited doc builds again");
            let raw = LowerOptions { apply_corrections: false };
            assert!(other.build(&edited, raw).1, "other options build again");
        }
        assert!(coded > 0, "the seeds' diagnostics include coded ones, read back by their code");
    }

    #[test]
    fn an_unreadable_entry_is_built_again() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = BuildCache { dir: tmp.path().to_path_buf(), generator: "one".into() };
        let input = SystemInput::from_texts("demo", None, &[("zh/a.md", "# a\n")]);
        assert!(cache.build(&input, LowerOptions::default()).1);
        fs::write(tmp.path().join("demo.json"), "{\"key\": ").unwrap();
        assert!(cache.build(&input, LowerOptions::default()).1, "a truncated entry is a miss, not an error");
        assert!(!cache.build(&input, LowerOptions::default()).1, "and is replaced");
    }
}
