//! Counting passes and failures across all suites, and printing the summary.
//!
//! The summary ends with exactly one line of counts, alone on its line:
//!
//! ```text
//!   failures:
//!     kernel::heap_stress (BIOS): timed out after 300 s
//!         PANIC: allocation of 64 bytes failed at heap/src/tags/ops/alloc.rs:120
//!     host::tests::frees_coalesce: test failed
//!   time: host 6m 12s · miri 9m 40s · kernel 14m 3s
//!   41 passed, 2 failed
//! ```

use std::fmt::Write;
use std::time::Duration;

/// One failed test and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The test's name, prefixed by its suite (`kernel::basic_boot (UEFI)`).
    pub name: String,
    /// Why it failed: the verdict, the exit status or "test failed".
    pub reason: String,
    /// The last `PANIC:` / `[failed]` line of its output, when there was one.
    pub evidence: Option<String>,
}

/// The running totals of a `boot test` run.
#[derive(Debug, Default)]
pub struct Tally {
    passed: u64,
    failed: u64,
    failures: Vec<Failure>,
    stages: Vec<(String, Duration)>,
}

impl Tally {
    /// Counts `passed` passing tests.
    pub fn add_passes(&mut self, passed: u64) {
        self.passed += passed;
    }

    /// Counts one failing test.
    pub fn add_failure(&mut self, failure: Failure) {
        self.add_failures(1, [failure]);
    }

    /// Counts `failed` failing tests, explained by `failures` (which may list fewer).
    pub fn add_failures(&mut self, failed: u64, failures: impl IntoIterator<Item = Failure>) {
        self.failed += failed;
        self.failures.extend(failures);
    }

    /// Records that the stage `name` (a host suite, or the kernel tests) took `elapsed`, so
    /// that the summary shows where a run's time went.
    pub fn add_stage_time(&mut self, name: &str, elapsed: Duration) {
        self.stages.push((name.to_string(), elapsed));
    }

    /// Adds everything `other` counted and timed (a lane of suites run on another thread).
    pub fn absorb(&mut self, other: Tally) {
        self.add_passes(other.passed);
        self.add_failures(other.failed, other.failures);
        self.stages.extend(other.stages);
    }

    /// Whether any test failed.
    pub fn any_failed(&self) -> bool {
        self.failed > 0
    }

    /// The failure list (if any) followed by the final `N passed, N failed` line.
    pub fn summary(&self) -> String {
        let mut text = String::new();
        if !self.failures.is_empty() {
            text.push_str("failures:\n");
        }
        for failure in &self.failures {
            let _ = writeln!(text, "  {}: {}", failure.name, failure.reason);
            if let Some(evidence) = &failure.evidence {
                let _ = writeln!(text, "      {}", evidence.trim());
            }
        }
        if !self.stages.is_empty() {
            let stages: Vec<String> = self
                .stages
                .iter()
                .map(|(name, elapsed)| format!("{name} {}", minutes_and_seconds(*elapsed)))
                .collect();
            let _ = writeln!(text, "time: {}", stages.join(" · "));
        }
        let _ = writeln!(text, "{} passed, {} failed", self.passed, self.failed);
        text
    }
}

/// `elapsed` as `4m 07s`, or `9s` under a minute.
fn minutes_and_seconds(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    match seconds / 60 {
        0 => format!("{seconds}s"),
        minutes => format!("{minutes}m {:02}s", seconds % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lists_failures_then_one_count_line() {
        let mut tally = Tally::default();
        tally.add_passes(12);
        tally.add_failures(
            2,
            [Failure {
                name: "kernel::heap_stress (BIOS)".into(),
                reason: "FAIL — timed out after 300 s".into(),
                evidence: Some("PANIC: out of memory".into()),
            }],
        );
        assert!(tally.any_failed());
        assert_eq!(
            tally.summary(),
            "failures:\n  kernel::heap_stress (BIOS): FAIL — timed out after 300 s\n      PANIC: out of memory\n12 passed, 2 failed\n"
        );
    }

    #[test]
    fn clean_run_prints_only_the_counts() {
        let mut tally = Tally::default();
        tally.add_passes(3);
        assert!(!tally.any_failed());
        assert_eq!(tally.summary(), "3 passed, 0 failed\n");
    }

    #[test]
    fn stage_times_come_before_the_count_line_in_order() {
        let mut tally = Tally::default();
        tally.add_passes(5);
        tally.add_stage_time("host", Duration::from_secs(372));
        tally.add_stage_time("fuzz", Duration::from_millis(9_400));
        assert_eq!(
            tally.summary(),
            "time: host 6m 12s · fuzz 9s\n5 passed, 0 failed\n"
        );
    }
}
