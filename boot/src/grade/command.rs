//! Running one exercise's checks: the cargo command for a host or a kernel exercise, and
//! its judged outcome with the output to keep.

use super::outcome::Outcome;
use super::{host, kernel};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// Runs the host check `test` of the `exercises` crate (in release if `release`), with
/// libtest's JSON events, and judges it.
pub fn host(
    workspace: &Path,
    test: &str,
    release: bool,
    solutions: bool,
) -> Result<(Outcome, String)> {
    let mut command = Command::new("cargo");
    command.args(["test", "-p", "exercises", "--test", test]);
    if release {
        command.arg("--release");
    }
    if solutions {
        command.args(["--features", "solutions"]);
    }
    // One at a time, in name order: the first failure reported is the same in every run.
    command.args([
        "--",
        "--test-threads=1",
        "-Z",
        "unstable-options",
        "--format",
        "json",
    ]);
    let output = command
        .current_dir(workspace)
        .env("RUST_BACKTRACE", "0")
        .output()
        .context("cannot run `cargo test -p exercises`")?;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    let outcome = host::judge(&stdout, &stderr, output.status.success());
    Ok((outcome, format!("{stderr}{stdout}")))
}

/// Builds and boots the kernel check `test` with the exercise feature on `cpus` CPUs, and
/// judges its boot.
pub fn kernel(
    workspace: &Path,
    test: &str,
    cpus: u32,
    solutions: bool,
) -> Result<(Outcome, String)> {
    let feature = if solutions { "solutions" } else { "exercises" };
    let output = Command::new("cargo")
        .args(["ktest", "--features", feature, "--test", test])
        .current_dir(workspace)
        .env("SMP", cpus.to_string())
        .output()
        .context("cannot run `cargo ktest`")?;
    let (serial, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    let outcome = kernel::judge(&serial, &stderr, output.status.success());
    Ok((outcome, format!("{stderr}{serial}")))
}
