//! Reading the lines Rust's test harness (libtest) prints.
//!
//! Unit tests, integration tests and doctests all end with the same summary,
//! and name each failing test on its own line:
//!
//! ```text
//!   test tests::grows_in_place ... FAILED
//!   test result: FAILED. 11 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s
//! ```

/// Passed and failed test counts from one or more `test result:` lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
}

impl Counts {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// The counts of a `test result: ...` summary line, or `None` for any other line.
pub fn parse_result_line(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let (_status, tallies) = rest.split_once(". ")?;
    let mut counts = Counts::default();
    let (mut saw_passed, mut saw_failed) = (false, false);
    for tally in tallies.split(';') {
        let mut words = tally.split_whitespace();
        let (Some(number), Some(label)) = (words.next(), words.next()) else {
            continue;
        };
        match (label, number.parse::<u64>()) {
            ("passed", Ok(number)) => (counts.passed, saw_passed) = (number, true),
            ("failed", Ok(number)) => (counts.failed, saw_failed) = (number, true),
            _ => {}
        }
    }
    (saw_passed && saw_failed).then_some(counts)
}

/// The name of the failing test in a `test NAME ... FAILED` line.
pub fn parse_failed_test(line: &str) -> Option<&str> {
    let name = line
        .trim()
        .strip_prefix("test ")?
        .strip_suffix(" ... FAILED")?;
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ok_and_failed_summaries() {
        let ok = "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.03s";
        assert_eq!(
            parse_result_line(ok),
            Some(Counts {
                passed: 12,
                failed: 0
            })
        );
        let failed = "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.20s\r";
        assert_eq!(
            parse_result_line(failed),
            Some(Counts {
                passed: 3,
                failed: 2
            })
        );
    }

    #[test]
    fn reads_doctest_summaries_and_sums_them() {
        let mut total = Counts::default();
        for line in [
            "test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            "   Doc-tests heap",
            "test result: ok. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; all doctests ran in 0.51s; merged doctests compilation took 0.49s",
        ] {
            if let Some(counts) = parse_result_line(line) {
                total.add(counts);
            }
        }
        assert_eq!(
            total,
            Counts {
                passed: 6,
                failed: 1
            }
        );
    }

    #[test]
    fn ignores_lines_that_only_look_similar() {
        assert_eq!(parse_result_line("running 12 tests"), None);
        assert_eq!(parse_result_line("test result: ok."), None);
        assert_eq!(
            parse_result_line("println: test result: ok. 1 passed; 0 failed"),
            None
        );
    }

    #[test]
    fn names_failed_tests_including_doctests() {
        assert_eq!(
            parse_failed_test("test heap::tests::frees ... FAILED"),
            Some("heap::tests::frees")
        );
        assert_eq!(
            parse_failed_test("test heap/src/lib.rs - Heap::claim (line 40) ... FAILED"),
            Some("heap/src/lib.rs - Heap::claim (line 40)")
        );
        assert_eq!(parse_failed_test("test heap::tests::frees ... ok"), None);
    }
}
