//! One host test suite: a shell command whose libtest output is streamed and counted.
//!
//! ```text
//!   sh -c COMMAND ─stdout─▶ our stdout
//!                   ├─ `test result: … N passed; M failed` ─▶ summed into the counts
//!                   ├─ `test NAME ... FAILED`               ─▶ a failure named SUITE::NAME
//!                   └─ panic / PANIC: / [failed] lines      ─▶ evidence for a failed command
//!   exit status ≠ 0 ─▶ at least one failure (named after the suite if no test was named)
//! ```
//!
//! A suite of the background lane (`suite.rs`) writes its stdout and stderr into a buffer
//! instead, printed when the lane is joined, so that its lines do not interleave with those
//! of the suites running meanwhile.

use crate::libtest::{self, Counts};
use crate::stream::{self, Evidence};
use crate::suite::SuiteSpec;
use crate::tally::{Failure, Tally};
use crate::verdict::describe_status;
use anyhow::{Context, Result};
use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `suite` from the `workspace` root, its output live on our stdout (and its stderr on
/// ours), and adds its passes and failures to `tally`.
pub fn run(suite: &SuiteSpec, workspace: &Path, tally: &mut Tally) -> Result<()> {
    eprintln!("boot: ==> suite {}: {}", suite.name, suite.command);
    run_into(suite, workspace, tally, io::stdout(), &suite.command)
}

/// Runs `suite` as [`run`] does, with its stdout and stderr both written to `output`.
pub fn run_captured(
    suite: &SuiteSpec,
    workspace: &Path,
    tally: &mut Tally,
    output: &mut Vec<u8>,
) -> Result<()> {
    let _ = writeln!(output, "boot: ==> suite {}: {}", suite.name, suite.command);
    let merged = format!("{{ {}\n}} 2>&1", suite.command);
    run_into(suite, workspace, tally, output, &merged)
}

/// Runs the shell `command` for `suite`, copying its stdout to `echo` while counting.
fn run_into(
    suite: &SuiteSpec,
    workspace: &Path,
    tally: &mut Tally,
    echo: impl Write,
    command: &str,
) -> Result<()> {
    let mut child = Command::new("sh")
        .args(["-c", command])
        .current_dir(workspace)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `sh -c` for suite {}", suite.name))?;
    let output = child
        .stdout
        .take()
        .context("the suite's stdout was not captured")?;
    let (mut counts, mut saw_result) = (Counts::default(), false);
    let (mut failed_tests, mut evidence) = (Vec::new(), Evidence::default());
    stream::pump(output, echo, None, |line| {
        if let Some(result) = libtest::parse_result_line(line) {
            counts.add(result);
            saw_result = true;
        } else if let Some(test) = libtest::parse_failed_test(line) {
            failed_tests.push(Failure {
                name: format!("{}::{test}", suite.name),
                reason: "test failed".to_string(),
                evidence: None,
            });
        } else {
            evidence.observe(line);
        }
    })
    .with_context(|| format!("cannot copy the output of suite {}", suite.name))?;
    let status = child
        .wait()
        .with_context(|| format!("cannot wait for suite {}", suite.name))?;
    if !status.success() && failed_tests.is_empty() {
        failed_tests.push(Failure {
            name: suite.name.clone(),
            reason: format!(
                "`{}` exited with {}",
                suite.command,
                describe_status(status)
            ),
            evidence: evidence.into_line(),
        });
    }
    let failed = if status.success() {
        counts.failed
    } else {
        counts.failed.max(1)
    };
    if status.success() && !saw_result {
        eprintln!(
            "boot: warning: suite {} printed no `test result:` line; counted 0 passed",
            suite.name
        );
    }
    tally.add_passes(counts.passed);
    tally.add_failures(failed, failed_tests);
    Ok(())
}
