//! `boot grade`: the graded exercises' checks, a score per exercise and a total, like xv6's
//! `make grade`, judged so that a student's code cannot talk its way to points.
//!
//! ```text
//!   exercise ─▶ files its checks stand on == the handed-out copy?  no ─▶ 0 (pristine.rs)
//!            ─▶ the student's file names a forbidden helper?       yes ─▶ 0 (forbidden.rs)
//!            ─▶ host:   cargo test … --format json   ─▶ libtest's events   (host.rs)
//!                       (--release for the malloc lab, which times allocators)
//!               kernel: cargo ktest … (QEMU, n CPUs) ─▶ [i/n] markers + exit code (kernel.rs)
//!            ─▶ score = points × passed / total, capped at points       (outcome.rs)
//!   grade: 1a best fit ............ 3 of 3 checks  10.0/10   one line per exercise, then
//!   grade: total 80.0/80                                     why each lost points
//! ```
//!
//! `--solutions` grades the reference solutions, which must score full marks; `--exercise`
//! grades one exercise. A crash keeps the points of the checks that passed before it. Each
//! exercise's whole output is kept in `target/grade/<number>.log`.

mod cheats;
mod command;
mod exercises;
mod forbidden;
mod host;
mod kernel;
mod outcome;
mod pristine;

pub use cheats::run as run_cheats;

use anyhow::{Context, Result};
use exercises::{Checks, Exercise, EXERCISES};
use outcome::{Outcome, Verdict};
use pristine::Pristine;
use std::fs;
use std::path::Path;

/// What to grade.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The reference solutions instead of the stubs.
    pub solutions: bool,
    /// Only the exercise with this number.
    pub exercise: Option<String>,
    /// The revision the checks must match (default: tag `handout`, else `HEAD`).
    pub pristine: Option<String>,
}

/// What grading found: each exercise's score, why those short of full marks lost points,
/// and whether all scored full marks.
pub struct Graded {
    /// Each exercise's number and points.
    pub scores: Vec<(&'static str, f64)>,
    /// One line per exercise short of full marks, saying why.
    pub notes: Vec<String>,
    /// Whether every exercise scored full marks.
    pub full_marks: bool,
}

/// Grades the exercises `options` names.
pub fn run(workspace: &Path, options: &Options) -> Result<Graded> {
    let chosen: Vec<&Exercise> = match &options.exercise {
        Some(number) => vec![exercises::find(number).map_err(anyhow::Error::msg)?],
        None => EXERCISES.iter().collect(),
    };
    let pristine = Pristine::find(workspace, options.pristine.as_deref())?;
    let logs = workspace.join("target/grade");
    fs::create_dir_all(&logs).with_context(|| format!("cannot create {}", logs.display()))?;
    let (mut score, mut most, mut notes, mut scores) = (0.0, 0, Vec::new(), Vec::new());
    for exercise in chosen {
        eprintln!(
            "boot: ==> grading exercise {} ({})",
            exercise.number, exercise.title
        );
        let (outcome, output) = grade(workspace, exercise, &pristine, options.solutions)?;
        let log = Path::new("target/grade").join(format!("{}.log", exercise.number));
        fs::write(workspace.join(&log), output)
            .with_context(|| format!("cannot write {}", log.display()))?;
        let points = outcome.score(exercise.points);
        score += points;
        most += exercise.points;
        scores.push((exercise.number, points));
        let label = format!("{} {} ({})", exercise.number, exercise.title, exercise.file);
        println!(
            "grade: {label:<72} {:>2} of {} checks  {points:>4.1}/{}",
            outcome.passed.min(outcome.total),
            outcome.total,
            exercise.points
        );
        if outcome.verdict != Verdict::Passed {
            let log = log.display();
            notes.push(format!(
                "grade: {}: {} (all of it: {log})",
                exercise.number, outcome.verdict
            ));
        }
    }
    for note in &notes {
        println!("{note}");
    }
    println!("grade: total {score:.1}/{most}");
    Ok(Graded {
        full_marks: notes.is_empty() && score == f64::from(most),
        scores,
        notes,
    })
}

/// Grades one exercise: what it found, and the output to keep.
fn grade(
    workspace: &Path,
    exercise: &Exercise,
    pristine: &Pristine,
    solutions: bool,
) -> Result<(Outcome, String)> {
    let changed = pristine.changed(exercise.guarded_files())?;
    if !changed.is_empty() {
        let why = format!(
            "its checks were changed ({} differ from {}: restore them with `git checkout {} -- <file>`)",
            changed.join(", "),
            pristine.revision,
            pristine.revision
        );
        return Ok((Outcome::refused(0, why.clone()), why));
    }
    let source = fs::read_to_string(workspace.join(exercise.file))
        .with_context(|| format!("cannot read {}", exercise.file))?;
    let used = forbidden::used(&source, exercise.forbidden);
    if !used.is_empty() {
        let why = format!(
            "{} uses {}, which the exercise forbids",
            exercise.file,
            used.join(", ")
        );
        return Ok((Outcome::refused(0, why.clone()), why));
    }
    match exercise.checks {
        Checks::Host(test) => command::host(workspace, test, false, solutions),
        Checks::HostRelease(test) => command::host(workspace, test, true, solutions),
        Checks::Kernel(test, cpus) => command::kernel(workspace, test, cpus, solutions),
    }
}

/// The message of the first panic in `text`: the line after `panicked at FILE:L:C:`, where
/// Rust puts it, or the panic line itself when the message is on it.
fn panic_message(text: &str) -> Option<String> {
    let mut lines = text.lines();
    let line = lines.find(|line| line.contains("panicked at"))?;
    let message = match line.split_once("panicked at ") {
        Some((_, location)) if location.trim_end().ends_with(':') => lines.next().unwrap_or(line),
        _ => line,
    };
    Some(message.trim().to_string())
}

/// The first compiler error of a build, if there was one.
fn build_error(text: &str) -> Option<String> {
    text.lines()
        .find(|line| line.starts_with("error"))
        .map(|line| line.trim().to_string())
}
