//! Judging a kernel exercise from its boot: the test runner's `[i/n]` markers and QEMU's
//! exit code, not `[ok]` lines, which any code in the kernel can print.
//!
//! ```text
//!   running 4 tests                         once, before any marker
//!   [1/4] exercise_x::first ... [ok]        marker i starts check i; each comes once,
//!   [2/4] exercise_x::second ... [failed]   in order, with n the same as `running`
//!   PANIC: panicked at …                    the failing check's message
//!   exit 33 (success)  ─▶ all n passed: only if all n markers came
//!   exit 35 / time-out ─▶ the checks before the last marker passed; the last one failed
//!                         (a PANIC: line after its marker) or crashed (none)
//! ```
//!
//! A marker out of order, a second `running` line, or a successful exit before the last
//! check started (or before the first) is a forged protocol: the exercise scores 0.

use super::outcome::{Outcome, Verdict};

/// The check number and count of a marker line `[i/n] …`.
fn marker(line: &str) -> Option<(u64, u64)> {
    let (numbers, _) = line.strip_prefix('[')?.split_once("] ")?;
    let (number, count) = numbers.split_once('/')?;
    Some((number.parse().ok()?, count.parse().ok()?))
}

/// Judges a boot of `cargo ktest` from its serial output (`serial`, the runner's stdout),
/// its build and runner messages (`stderr`) and whether it exited with success.
pub fn judge(serial: &str, stderr: &str, status_ok: bool) -> Outcome {
    let mut total = None;
    let mut started = 0;
    let mut panic_after_last = None;
    for line in serial.lines().map(str::trim_end) {
        if let Some(count) = line
            .strip_prefix("running ")
            .and_then(|rest| rest.strip_suffix(" tests"))
            .and_then(|count| count.parse::<u64>().ok())
        {
            if total.replace(count).is_some() {
                return Outcome::refused(count, "a second `running N tests` line".into());
            }
        } else if let Some((number, count)) = marker(line) {
            if total != Some(count) || number != started + 1 {
                let why = format!("marker [{number}/{count}] out of order after check {started}");
                return Outcome::refused(total.unwrap_or(count), why);
            }
            started = number;
            panic_after_last = None;
        } else if started > 0 && panic_after_last.is_none() && line.contains("PANIC: ") {
            let at = line.as_ptr() as usize - serial.as_ptr() as usize;
            panic_after_last = Some(at);
        }
    }
    let Some(total) = total else {
        if status_ok {
            let why = "QEMU exited with success before the checks began".to_string();
            return Outcome::refused(0, why);
        }
        // Cargo says `Running` once the test kernel built; its `error: test failed` after
        // a boot is not a build error.
        let booted = stderr
            .lines()
            .any(|line| line.trim_start().starts_with("Running "));
        let verdict = match super::build_error(stderr).filter(|_| !booted) {
            Some(error) => Verdict::DoesNotBuild(error),
            None => Verdict::Crashed(format!(
                "the kernel did not reach its checks: {}",
                super::panic_message(serial).unwrap_or_else(|| last_words(stderr))
            )),
        };
        return Outcome {
            passed: 0,
            total: 0,
            verdict,
        };
    };
    if status_ok {
        if started != total {
            let why = format!("QEMU exited with success after {started} of {total} checks started");
            return Outcome::refused(total, why);
        }
        return Outcome {
            passed: total,
            total,
            verdict: Verdict::Passed,
        };
    }
    let verdict = match panic_after_last {
        Some(at) => Verdict::Failed(
            super::panic_message(&serial[at..]).unwrap_or_else(|| last_words(&serial[at..])),
        ),
        None if started == 0 => Verdict::Crashed(format!("before check 1: {}", last_words(stderr))),
        None => Verdict::Crashed(format!("during check {started}: {}", last_words(stderr))),
    };
    Outcome {
        passed: started.saturating_sub(1),
        total,
        verdict,
    }
}

/// The last non-empty line of `text`: the runner's verdict on the boot.
fn last_words(text: &str) -> String {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("no output")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_need_every_marker_and_a_successful_exit() {
        let serial = "running 2 tests\n[1/2] x::a ... [ok]\n[2/2] x::b ... [ok]\ntest result: ok. 2 passed; 0 failed\n";
        let outcome = judge(serial, "", true);
        assert_eq!(
            (outcome.passed, outcome.total, outcome.verdict),
            (2, 2, Verdict::Passed)
        );
    }

    #[test]
    fn a_failure_keeps_the_checks_before_it_and_names_its_panic() {
        let serial = "running 4 tests\n[1/4] x::a ... [ok]\n[2/4] x::b ... [failed]\n\
            PANIC: panicked at kernel/tests/exercise_page_walk.rs:33:55:\nnot done: page walk\n";
        let outcome = judge(serial, "boot: FAIL", false);
        assert_eq!((outcome.passed, outcome.total), (1, 4));
        assert_eq!(
            outcome.verdict,
            Verdict::Failed("not done: page walk".into())
        );
        let crashed = judge(
            "running 4 tests\n[1/4] x::a ... [ok]\n[2/4] x::b ... ",
            "boot: FAIL — timed out after 300 s\n",
            false,
        );
        assert_eq!(crashed.passed, 1);
        assert_eq!(
            crashed.verdict,
            Verdict::Crashed("during check 2: boot: FAIL — timed out after 300 s".into())
        );
    }

    #[test]
    fn printed_ok_lines_count_for_nothing() {
        // The ok_lines cheat: the stub prints passing lines, then its check fails.
        let mut serial = String::from("running 2 tests\n[1/2] exercise_console::frag ... ");
        for _ in 0..20 {
            serial.push_str("[ok]\nexercise_console::frag ... [ok]\n");
        }
        serial.push_str(
            "[failed]\nPANIC: panicked at kernel/tests/exercise_console.rs:22:9:\nnot done\n",
        );
        let outcome = judge(&serial, "", false);
        assert_eq!((outcome.passed, outcome.score(10)), (0, 0.0));
    }

    #[test]
    fn a_kernel_that_panics_before_its_checks_crashed_and_did_build() {
        let stderr = "     Running tests/exercise_buddy.rs (target/x)
            boot: FAIL — kernel reported failure (exit 35)
            error: test failed, to rerun pass `-p kernel --test exercise_buddy`
";
        let serial = "[failed]
PANIC: panicked at kernel/src/memory/frames/buddy.rs:57:5:
            buddy frame allocator: not done: buddy split
";
        let outcome = judge(serial, stderr, false);
        assert_eq!(
            outcome.verdict,
            Verdict::Crashed(
                "the kernel did not reach its checks: buddy frame allocator: not done: buddy split"
                    .into()
            )
        );
        let unbuilt = judge(
            "",
            "error[E0425]: cannot find value `x`
error: could not compile `kernel`
",
            false,
        );
        assert!(
            matches!(unbuilt.verdict, Verdict::DoesNotBuild(_)),
            "{unbuilt:?}"
        );
    }

    #[test]
    fn forged_markers_and_early_success_score_zero() {
        let forged = "running 2 tests\n[1/2] x::a ... \n[2/2] x::b ... [ok]\n[2/2] x::b ... [ok]\n";
        assert!(matches!(
            judge(forged, "", true).verdict,
            Verdict::Refused(_)
        ));
        let exited = "running 2 tests\n[1/2] x::a ... ";
        let outcome = judge(exited, "", true);
        assert!(
            matches!(outcome.verdict, Verdict::Refused(_)),
            "{outcome:?}"
        );
        assert_eq!(outcome.score(10), 0.0);
        // The buddy_exit cheat: success from inside the kernel's set-up.
        let before_any = judge("INFO  kernel: locks: unfair\n", "boot: PASS", true);
        assert!(
            matches!(before_any.verdict, Verdict::Refused(_)),
            "{before_any:?}"
        );
        assert_eq!(before_any.score(10), 0.0);
    }
}
