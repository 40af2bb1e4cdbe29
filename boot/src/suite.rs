//! `boot test`: host test suites, then the kernel tests, then the summary.
//!
//! ```text
//!   --suite host='cargo test -p tagheap'  ─▶ host_suite:   `sh -c`, `test result:` lines summed
//!   --kernel                           ─▶ kernel_tests: each test ELF booted in QEMU
//!                                         └─▶ Tally ─▶ failures + "N passed, N failed"
//!   --background-suite miri='cargo miri test'
//!        ─▶ a second lane, started first: its suites one after another on a thread of their
//!           own, their output kept ─▶ joined after the kernel tests: output printed, counted
//! ```
//!
//! The background lane is for a long suite that keeps one core busy and shares no build
//! directory with the others (Miri: `target/miri`), so that a machine with two cores runs
//! it while the other suites and the kernel tests use the second.

use crate::tally::Tally;
use crate::{cargo, host_suite, kernel_tests};
use anyhow::Result;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use std::thread;
use std::time::Instant;

/// A host suite given as `NAME=COMMAND`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteSpec {
    /// The name failures are reported under.
    pub name: String,
    /// The shell command that runs the suite.
    pub command: String,
}

impl FromStr for SuiteSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.split_once('=') {
            Some((name, command)) if !name.trim().is_empty() && !command.trim().is_empty() => {
                Ok(Self {
                    name: name.trim().to_string(),
                    command: command.to_string(),
                })
            }
            _ => Err(format!("expected NAME=COMMAND, got `{text}`")),
        }
    }
}

/// Runs every suite (and the kernel tests when `kernel`), the `background` suites alongside
/// them, prints the summary, and says whether everything passed.
pub fn run_all(
    suites: &[SuiteSpec],
    background: &[SuiteSpec],
    kernel: bool,
    timeout_secs: Option<u64>,
) -> Result<bool> {
    let workspace = cargo::workspace_root()?;
    let lane = {
        let (background, workspace) = (background.to_vec(), workspace.clone());
        thread::spawn(move || run_lane(&background, &workspace))
    };
    for suite in background {
        eprintln!(
            "boot: ==> suite {} (in the background): {}",
            suite.name, suite.command
        );
    }
    let mut tally = Tally::default();
    for suite in suites {
        timed(&mut tally, &suite.name, |tally| {
            host_suite::run(suite, &workspace, tally)
        })?;
    }
    if kernel {
        timed(&mut tally, "kernel", |tally| {
            kernel_tests::run(&workspace, timeout_secs, tally)
        })?;
    }
    if !background.is_empty() {
        eprintln!("boot: ==> waiting for the background suites");
    }
    let (lane_tally, output) = lane
        .join()
        .map_err(|_| anyhow::anyhow!("the background suites' thread panicked"))??;
    std::io::stdout().write_all(&output)?;
    tally.absorb(lane_tally);
    print!("{}", tally.summary());
    Ok(!tally.any_failed())
}

/// Runs `suites` one after another, their output kept; returns what they counted and wrote.
fn run_lane(suites: &[SuiteSpec], workspace: &Path) -> Result<(Tally, Vec<u8>)> {
    let (mut tally, mut output) = (Tally::default(), Vec::new());
    for suite in suites {
        timed(&mut tally, &suite.name, |tally| {
            host_suite::run_captured(suite, workspace, tally, &mut output)
        })?;
    }
    Ok((tally, output))
}

/// Runs the stage `name` and records in `tally` how long it took.
fn timed(
    tally: &mut Tally,
    name: &str,
    stage: impl FnOnce(&mut Tally) -> Result<()>,
) -> Result<()> {
    let started = Instant::now();
    stage(tally)?;
    tally.add_stage_time(name, started.elapsed());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_runs_its_suites_in_order_and_keeps_their_stdout_and_stderr() {
        let suites: Vec<SuiteSpec> = [
            "first=echo 'test result: ok. 3 passed; 0 failed; 0 ignored'; echo warned >&2",
            "second=echo 'test broken ... FAILED'; exit 2",
        ]
        .iter()
        .map(|spec| spec.parse().unwrap())
        .collect();
        let (tally, output) = run_lane(&suites, &std::env::temp_dir()).unwrap();
        let output = String::from_utf8(output).unwrap();
        let first = output
            .find("warned")
            .expect("the first suite's stderr is kept");
        let second = output
            .find("test broken")
            .expect("the second suite's output is kept");
        assert!(first < second, "{output}");
        let summary = tally.summary();
        assert!(summary.contains("second::broken: test failed"), "{summary}");
        assert!(summary.ends_with("3 passed, 1 failed\n"), "{summary}");
    }

    #[test]
    fn suite_spec_splits_at_the_first_equals_sign() {
        let spec: SuiteSpec = "host=cargo test -p tagheap --features a=b".parse().unwrap();
        assert_eq!(spec.name, "host");
        assert_eq!(spec.command, "cargo test -p tagheap --features a=b");
        assert!("no-command".parse::<SuiteSpec>().is_err());
        assert!("=true".parse::<SuiteSpec>().is_err());
    }
}
