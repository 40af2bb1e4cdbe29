//! `boot grade`: the graded exercises' checks, a score per exercise and a total, like xv6's
//! `make grade`.
//!
//! ```text
//!   exercise ──host──▶ cargo test -p exercises [--features solutions] --test T
//!            │             score = points × passed / (passed + failed) from libtest's summary
//!            └kernel─▶ SMP=n cargo ktest --features exercises|solutions --test T (QEMU)
//!                          score = points × "[ok]" lines / "running N tests"
//!   grade: 1a best fit ............ 10/10      one line per exercise, then the first
//!   grade: total 80/80                         failure of each that lost points
//! ```
//!
//! `--solutions` grades the reference solutions, which must score full marks. A check that
//! does not build scores nothing and says so. Each exercise's whole output is kept in
//! `target/grade/<number>.log`.

use crate::libtest;
use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

/// Where an exercise's checks run.
enum Checks {
    /// An integration test of the `exercises` crate.
    Host(&'static str),
    /// A kernel test, booted in QEMU with this many CPUs.
    Kernel(&'static str, u32),
}

/// One graded exercise.
struct Exercise {
    number: &'static str,
    title: &'static str,
    /// The file the student writes.
    file: &'static str,
    points: u32,
    checks: Checks,
}

const EXERCISES: &[Exercise] = &[
    Exercise {
        number: "1a",
        title: "best fit",
        file: "exercises/src/fit/best.rs",
        points: 10,
        checks: Checks::Host("best_fit"),
    },
    Exercise {
        number: "1b",
        title: "next fit",
        file: "exercises/src/fit/next.rs",
        points: 10,
        checks: Checks::Host("next_fit"),
    },
    Exercise {
        number: "2",
        title: "a size-class front end",
        file: "exercises/src/size_classes.rs",
        points: 20,
        checks: Checks::Host("size_classes"),
    },
    Exercise {
        number: "3",
        title: "a page-table walk by hand",
        file: "kernel/src/exercises/walk.rs",
        points: 20,
        checks: Checks::Kernel("exercise_page_walk", 1),
    },
    Exercise {
        number: "4",
        title: "a console command",
        file: "kernel/src/exercises/console.rs",
        points: 10,
        checks: Checks::Kernel("exercise_console", 1),
    },
    Exercise {
        number: "5",
        title: "per-CPU caches flushed on trim",
        file: "kernel/src/exercises/cpu_cache.rs",
        points: 10,
        checks: Checks::Kernel("exercise_cpu_cache", 4),
    },
];

/// What running one exercise's checks found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    passed: u64,
    total: u64,
    /// The first failure's message, if any.
    first_failure: Option<String>,
}

/// Grades every exercise; returns whether all scored full marks.
pub fn run(workspace: &Path, solutions: bool) -> Result<bool> {
    let mut score = 0.0;
    let mut most = 0;
    let mut notes = Vec::new();
    let logs = workspace.join("target/grade");
    fs::create_dir_all(&logs).with_context(|| format!("cannot create {}", logs.display()))?;
    for exercise in EXERCISES {
        eprintln!(
            "boot: ==> grading exercise {} ({})",
            exercise.number, exercise.title
        );
        let (outcome, output) = match exercise.checks {
            Checks::Host(test) => host(workspace, test, solutions)?,
            Checks::Kernel(test, cpus) => kernel(workspace, test, cpus, solutions)?,
        };
        let log = Path::new("target/grade").join(format!("{}.log", exercise.number));
        fs::write(workspace.join(&log), output)
            .with_context(|| format!("cannot write {}", log.display()))?;
        let points = if outcome.total == 0 {
            0.0
        } else {
            f64::from(exercise.points) * outcome.passed as f64 / outcome.total as f64
        };
        score += points;
        most += exercise.points;
        let label = format!("{} {} ({})", exercise.number, exercise.title, exercise.file);
        println!(
            "grade: {label:<72} {:>2} of {} checks  {points:>4.1}/{}",
            outcome.passed, outcome.total, exercise.points
        );
        if let Some(failure) = outcome.first_failure {
            notes.push(format!(
                "grade: {}: {failure} (all of it: {})",
                exercise.number,
                log.display()
            ));
        }
    }
    for note in &notes {
        println!("{note}");
    }
    println!("grade: total {score:.1}/{most}");
    Ok(notes.is_empty() && score == f64::from(most))
}

/// Runs the host test `test` of the `exercises` crate: what it found, and its output.
fn host(workspace: &Path, test: &str, solutions: bool) -> Result<(Outcome, String)> {
    let mut command = Command::new("cargo");
    command.args(["test", "-p", "exercises", "--test", test]);
    if solutions {
        command.args(["--features", "solutions"]);
    }
    // One at a time, in name order: the first failure reported is the same in every run.
    command.args(["--", "--test-threads=1"]);
    let output = command
        .current_dir(workspace)
        .env("RUST_BACKTRACE", "0")
        .output()
        .context("cannot run `cargo test -p exercises`")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((host_outcome(&text), text))
}

/// The counts and first failure of a libtest run's output.
fn host_outcome(text: &str) -> Outcome {
    let counts = text.lines().filter_map(libtest::parse_result_line).fold(
        libtest::Counts::default(),
        |mut all, counts| {
            all.add(counts);
            all
        },
    );
    let first_failure = if counts.passed + counts.failed == 0 {
        Some(build_error(text))
    } else {
        panic_message(text, |line| line.contains("panicked at"))
    };
    Outcome {
        passed: counts.passed,
        total: counts.passed + counts.failed,
        first_failure: (counts.failed > 0 || counts.passed == 0)
            .then_some(first_failure)
            .flatten(),
    }
}

/// Builds and boots the kernel test `test` with the exercise feature on `cpus` CPUs: what
/// it found, and its output.
fn kernel(workspace: &Path, test: &str, cpus: u32, solutions: bool) -> Result<(Outcome, String)> {
    let feature = if solutions { "solutions" } else { "exercises" };
    let output = Command::new("cargo")
        .args(["ktest", "--features", feature, "--test", test])
        .current_dir(workspace)
        .env("SMP", cpus.to_string())
        .output()
        .context("cannot run `cargo ktest`")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((kernel_outcome(&text, output.status.success()), text))
}

/// The counts and first failure of a kernel test's serial output.
fn kernel_outcome(text: &str, passed: bool) -> Outcome {
    let total = text.lines().find_map(|line| {
        line.trim()
            .strip_prefix("running ")?
            .strip_suffix(" tests")?
            .parse()
            .ok()
    });
    let Some(total) = total else {
        return Outcome {
            passed: 0,
            total: 0,
            first_failure: Some(build_error(text)),
        };
    };
    let ok = text
        .lines()
        .filter(|line| line.trim_end().ends_with("... [ok]"))
        .count() as u64;
    Outcome {
        passed: ok,
        total,
        first_failure: (!passed)
            .then(|| panic_message(text, |line| line.starts_with("PANIC: ")))
            .flatten(),
    }
}

/// The line after the first line `is_panic` accepts, where Rust puts the message (the
/// panic line itself when the message is on it).
fn panic_message(text: &str, is_panic: impl Fn(&str) -> bool) -> Option<String> {
    let mut lines = text.lines();
    let line = lines.find(|line| is_panic(line))?;
    let message = match line.split_once("panicked at ") {
        Some((_, location)) if location.ends_with(':') => lines.next().unwrap_or(line),
        _ => line,
    };
    Some(message.trim().to_string())
}

/// The first compiler error of a build that produced no test, or a note that there was none.
fn build_error(text: &str) -> String {
    text.lines()
        .find(|line| line.starts_with("error"))
        .map_or("the checks did not run".to_string(), |line| {
            format!("does not build: {line}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_run_scores_its_passes_and_names_its_first_failure() {
        let text = "running 3 tests\n\
            thread 'best' (1) panicked at exercises/tests/best_fit.rs:9:5:\n\
            not done: best fit\n\
            test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out\n";
        let outcome = host_outcome(text);
        assert_eq!((outcome.passed, outcome.total), (1, 3));
        assert_eq!(outcome.first_failure.as_deref(), Some("not done: best fit"));
        let clean = host_outcome("test result: ok. 3 passed; 0 failed; 0 ignored\n");
        assert_eq!(
            (clean.passed, clean.total, clean.first_failure),
            (3, 3, None)
        );
        let broken = host_outcome("error[E0308]: mismatched types\n");
        assert_eq!(broken.total, 0);
        assert!(broken
            .first_failure
            .unwrap()
            .contains("does not build: error[E0308]"));
    }

    #[test]
    fn a_kernel_run_scores_its_ok_lines_up_to_the_panic() {
        let text = "running 4 tests\n\
            exercise_page_walk::a ... [ok]\n\
            exercise_page_walk::b ... [failed]\n\
            PANIC: panicked at kernel/tests/exercise_page_walk.rs:33:55:\n\
            not done: page walk\n";
        let outcome = kernel_outcome(text, false);
        assert_eq!((outcome.passed, outcome.total), (1, 4));
        assert_eq!(
            outcome.first_failure.as_deref(),
            Some("not done: page walk")
        );
    }
}
