//! Where the corpus is: the sources of a few crates at the versions the workspace's
//! `Cargo.lock` pins, in cargo's registry (`$CARGO_HOME/registry/src/*/NAME-VERSION`), which
//! building this crate has filled. The same lock file gives the same text on every machine.

use std::fs;
use std::path::{Path, PathBuf};

/// The crates whose sources are the corpus (all are dependencies of this crate).
const CRATES: [&str; 4] = ["syn", "regex-automata", "regex-syntax", "serde_json"];

/// The source directories of the corpus crates.
pub fn dirs(workspace: &Path) -> Vec<PathBuf> {
    let lock =
        fs::read_to_string(workspace.join("Cargo.lock")).expect("the workspace's Cargo.lock");
    let cargo_home = std::env::var_os("CARGO_HOME").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cargo"),
        PathBuf::from,
    );
    let registries: Vec<PathBuf> = fs::read_dir(cargo_home.join("registry/src"))
        .expect("cargo's registry sources (build bench-programs first)")
        .map(|entry| entry.expect("a registry directory").path())
        .collect();
    CRATES
        .iter()
        .map(|name| {
            let version = locked_version(&lock, name);
            let dir = format!("{name}-{version}");
            registries
                .iter()
                .map(|registry| registry.join(&dir))
                .find(|path| path.is_dir())
                .unwrap_or_else(|| panic!("{dir} is not in cargo's registry"))
        })
        .collect()
}

/// The version of `name` in the lock file (the first entry of that name).
fn locked_version(lock: &str, name: &str) -> String {
    let entry = format!("name = \"{name}\"\nversion = \"");
    let start = lock
        .find(&entry)
        .unwrap_or_else(|| panic!("{name} is not in Cargo.lock"))
        + entry.len();
    let end = start + lock[start..].find('"').expect("a quoted version");
    lock[start..end].to_string()
}
