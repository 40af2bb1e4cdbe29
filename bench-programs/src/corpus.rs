//! The corpus: every `.rs` file under the directories given, read in a fixed order (sorted
//! paths), so each run and each allocator sees the same text. `drive` names the sources of
//! crates pinned by the workspace's `Cargo.lock`.

use std::fs;
use std::path::{Path, PathBuf};

/// One source file.
pub struct Source {
    /// Its text.
    pub text: String,
}

/// Every `.rs` file under `dirs`, sorted by path; with `scale` below 8, only every
/// `8 / scale`-th of them.
pub fn load(dirs: &[PathBuf], scale: usize) -> Vec<Source> {
    let mut paths = Vec::new();
    for dir in dirs {
        collect(dir, &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .step_by(8 / scale)
        .map(|path| {
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            Source { text }
        })
        .collect()
}

/// Adds the `.rs` files under `dir` to `paths`.
fn collect(dir: &Path, paths: &mut Vec<PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, paths);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            paths.push(path);
        }
    }
}
