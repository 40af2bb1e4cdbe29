//! `boot test`: host test suites, then the kernel tests, then the summary.
//!
//! ```text
//!   --suite host='cargo test -p tagheap'  ─▶ host_suite:   `sh -c`, `test result:` lines summed
//!   --kernel                           ─▶ kernel_tests: each test ELF booted in QEMU
//!                                         └─▶ Tally ─▶ failures + "N passed, N failed"
//! ```

use crate::tally::Tally;
use crate::{cargo, host_suite, kernel_tests};
use anyhow::Result;
use std::str::FromStr;
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

/// Runs every suite (and the kernel tests when `kernel`), prints the summary, and says
/// whether everything passed.
pub fn run_all(suites: &[SuiteSpec], kernel: bool, timeout_secs: Option<u64>) -> Result<bool> {
    let workspace = cargo::workspace_root()?;
    let mut tally = Tally::default();
    for suite in suites {
        let started = Instant::now();
        host_suite::run(suite, &workspace, &mut tally)?;
        tally.add_stage_time(&suite.name, started.elapsed());
    }
    if kernel {
        let started = Instant::now();
        kernel_tests::run(&workspace, timeout_secs, &mut tally)?;
        tally.add_stage_time("kernel", started.elapsed());
    }
    print!("{}", tally.summary());
    Ok(!tally.any_failed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_spec_splits_at_the_first_equals_sign() {
        let spec: SuiteSpec = "host=cargo test -p tagheap --features a=b".parse().unwrap();
        assert_eq!(spec.name, "host");
        assert_eq!(spec.command, "cargo test -p tagheap --features a=b");
        assert!("no-command".parse::<SuiteSpec>().is_err());
        assert!("=true".parse::<SuiteSpec>().is_err());
    }
}
