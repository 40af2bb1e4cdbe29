//! Asking cargo for the workspace root and for the kernel's test executables.
//!
//! `cargo ktest --no-run --message-format=json-render-diagnostics` prints one JSON
//! message per line on stdout; the test executables are the `compiler-artifact`
//! messages built with the test profile (or from a `[[test]]` target):
//!
//! ```text
//!   {"reason":"compiler-artifact","target":{"name":"basic_boot","kind":["test"],..},
//!    "profile":{"test":true,..},"executable":"/…/deps/basic_boot-1f2e3d4c",..}
//! ```

use crate::verdict::describe_status;
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The test target booted under both BIOS and UEFI.
pub const SMOKE_TEST: &str = "basic_boot";

/// One kernel test executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelTest {
    /// The cargo target name (`basic_boot`, or `kernel` for the unit tests).
    pub name: String,
    /// The ELF cargo built.
    pub executable: PathBuf,
}

/// The directory of the workspace's root `Cargo.toml`.
pub fn workspace_root() -> Result<PathBuf> {
    let output = Command::new("cargo")
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run `cargo locate-project`; is cargo on PATH?")?;
    if !output.status.success() {
        bail!(
            "`cargo locate-project` failed with {}: run boot inside the workspace",
            describe_status(output.status)
        );
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let root = manifest
        .parent()
        .context("the workspace manifest has no parent directory")?;
    Ok(root.to_path_buf())
}

/// Kernel tests that need a feature of their own, built in a second `cargo ktest` run
/// (building every test with the feature would slow them all down).
const FEATURE_TESTS: &[(&str, &str)] = &[
    ("debug-heap", "debug_heap"),
    ("debug-heap", "use_after_free"),
    ("debug-heap", "virtio_blk_allocations"),
];

/// Builds the kernel tests without running them; the smoke test comes first, then by name.
/// Fails when a build fails or produces no test executable.
pub fn build_kernel_tests(workspace: &Path) -> Result<Vec<KernelTest>> {
    let mut tests = build_with(workspace, &[])?;
    for (feature, test) in FEATURE_TESTS {
        tests.extend(build_with(
            workspace,
            &["--features", feature, "--test", test],
        )?);
    }
    tests.sort_by(|a, b| (a.name != SMOKE_TEST, &a.name).cmp(&(b.name != SMOKE_TEST, &b.name)));
    tests.dedup_by(|a, b| a.executable == b.executable);
    Ok(tests)
}

/// One `cargo ktest --no-run` with `extra` arguments, and the tests it built.
fn build_with(workspace: &Path, extra: &[&str]) -> Result<Vec<KernelTest>> {
    let mut cargo = Command::new("cargo")
        .args([
            "ktest",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .args(extra)
        .current_dir(workspace)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run `cargo ktest`")?;
    let messages = cargo
        .stdout
        .take()
        .context("cargo's stdout was not captured")?;
    let mut tests = Vec::new();
    for line in BufReader::new(messages).lines() {
        let line = line.context("cannot read cargo's JSON messages")?;
        tests.extend(kernel_test_from_message(&line));
    }
    let status = cargo.wait().context("cannot wait for cargo")?;
    let command = format!("cargo ktest --no-run {}", extra.join(" "));
    if !status.success() {
        bail!(
            "building the kernel tests failed: `{}` exited with {}",
            command.trim_end(),
            describe_status(status)
        );
    }
    if tests.is_empty() {
        bail!("`{}` built no test executables", command.trim_end());
    }
    Ok(tests)
}

/// The kernel test a cargo JSON message announces, if it announces one.
pub fn kernel_test_from_message(line: &str) -> Option<KernelTest> {
    let message: Value = serde_json::from_str(line).ok()?;
    if message["reason"] != "compiler-artifact" {
        return None;
    }
    let built_for_test = message["profile"]["test"] == true;
    let kinds = message["target"]["kind"].as_array()?;
    let is_test_target = kinds.iter().any(|kind| kind == "test");
    if !(built_for_test || is_test_target) {
        return None;
    }
    Some(KernelTest {
        name: message["target"]["name"].as_str()?.to_string(),
        executable: PathBuf::from(message["executable"].as_str()?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(name: &str, kind: &str, test: bool, executable: &str) -> String {
        format!(
            r#"{{"reason":"compiler-artifact","package_id":"path+file:///w/kernel#0.1.0","target":{{"kind":["{kind}"],"crate_types":["bin"],"name":"{name}","src_path":"/w/kernel/tests/{name}.rs","test":true}},"profile":{{"opt_level":"0","debuginfo":2,"test":{test}}},"features":[],"filenames":["/w/t"],"executable":{executable},"fresh":true}}"#
        )
    }

    #[test]
    fn picks_test_executables() {
        let line = artifact(
            "basic_boot",
            "test",
            true,
            r#""/w/target/deps/basic_boot-1f2e""#,
        );
        let test = kernel_test_from_message(&line).unwrap();
        assert_eq!(test.name, "basic_boot");
        assert_eq!(test.executable, Path::new("/w/target/deps/basic_boot-1f2e"));
        let unit = artifact("kernel", "bin", true, r#""/w/target/deps/kernel-99""#);
        assert_eq!(kernel_test_from_message(&unit).unwrap().name, "kernel");
    }

    #[test]
    fn skips_libraries_plain_binaries_and_other_messages() {
        assert_eq!(
            kernel_test_from_message(&artifact("core", "lib", false, "null")),
            None
        );
        assert_eq!(
            kernel_test_from_message(&artifact("kernel", "bin", false, r#""/w/k""#)),
            None
        );
        assert_eq!(
            kernel_test_from_message(r#"{"reason":"build-finished","success":true}"#),
            None
        );
        assert_eq!(kernel_test_from_message("Compiling kernel"), None);
    }
}
