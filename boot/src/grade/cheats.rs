//! `boot grade --cheats`: the cheats that once fooled the grader, each tried for real on
//! the exercise it targets, which must score 0.
//!
//! ```text
//!   cheat          exercise  what it does                                  stopped by (checked)
//!   fake_summary   1a        prints libtest's summary (println! and raw)   libtest's JSON events
//!   early_return   1b        a `return;` at the top of every check          checks == handed out
//!   page_walk      3         calls the kernel's own walk                    forbidden names
//!   ok_lines       4         prints `… [ok]` lines over serial              [i/n] markers + exit
//!   foreign_flush  5         one CPU empties the others' caches             the caches are private
//!   borrowed_heap  6         hands every request to the reference heap      forbidden names
//!   buddy_exit     7b        exits QEMU with success from the first split   [i/n] markers + exit
//!   kernel_rule    8         calls the kernel's own fault rule              forbidden names
//! ```
//!
//! Each cheat replaces one file of the working tree for the time of its grading; the file
//! is put back afterwards, also when grading fails. The files must be unchanged before.

use super::{exercises, Options, Pristine};
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::Path;

/// One cheat: the exercise it targets, the file it replaces, that file's new text made
/// from the old, and what must stop it: a cheat that scores 0 for another reason (say, it no
/// longer builds because the kernel moved a type) proves nothing about the grader.
struct Cheat {
    name: &'static str,
    exercise: &'static str,
    file: &'static str,
    text: fn(&str) -> String,
    stopped_by: &'static str,
}

const CHEATS: &[Cheat] = &[
    Cheat {
        name: "fake_summary",
        exercise: "1a",
        file: "exercises/src/fit/best.rs",
        text: |_| include_str!("../../cheats/fake_summary.rs").into(),
        stopped_by: "best_fit_breaks_ties_by_address_and_grows_when_nothing_fits",
    },
    Cheat {
        name: "early_return",
        exercise: "1b",
        file: "exercises/tests/next_fit.rs",
        text: return_early,
        stopped_by: "its checks were changed",
    },
    Cheat {
        name: "page_walk",
        exercise: "3",
        file: "kernel/src/exercises/walk.rs",
        text: |_| include_str!("../../cheats/page_walk_helper.rs").into(),
        stopped_by: "which the exercise forbids",
    },
    Cheat {
        name: "ok_lines",
        exercise: "4",
        file: "kernel/src/exercises/console.rs",
        text: |_| include_str!("../../cheats/ok_lines.rs").into(),
        stopped_by: "the console does not know `frag`",
    },
    Cheat {
        name: "foreign_flush",
        exercise: "5",
        file: "kernel/src/exercises/trim.rs",
        text: |_| include_str!("../../cheats/foreign_flush.rs").into(),
        stopped_by: "`CACHES` is private",
    },
    Cheat {
        name: "borrowed_heap",
        exercise: "6",
        file: "exercises/src/malloc/student.rs",
        text: |_| include_str!("../../cheats/borrowed_heap.rs").into(),
        stopped_by: "which the exercise forbids",
    },
    Cheat {
        name: "buddy_exit",
        exercise: "7b",
        file: "exercises/buddy/src/student.rs",
        text: |_| include_str!("../../cheats/buddy_exit.rs").into(),
        stopped_by: "QEMU exited with success before the checks began",
    },
    Cheat {
        name: "kernel_rule",
        exercise: "8",
        file: "kernel/src/exercises/grow.rs",
        text: |_| include_str!("../../cheats/kernel_rule.rs").into(),
        stopped_by: "which the exercise forbids",
    },
];

/// `source` (a test file) with `return;` as the first statement of every test.
fn return_early(source: &str) -> String {
    let mut out = String::new();
    let mut in_test = false;
    for line in source.lines() {
        out.push_str(line);
        out.push('\n');
        in_test |= line.trim() == "#[test]";
        if in_test && line.starts_with("fn ") && line.ends_with('{') {
            out.push_str("    return;\n");
            in_test = false;
        }
    }
    out
}

/// Puts a file's text back when dropped.
struct Restore<'a> {
    path: &'a Path,
    text: String,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        if let Err(error) = fs::write(self.path, &self.text) {
            eprintln!(
                "boot: error: cannot restore {}: {error}",
                self.path.display()
            );
        }
    }
}

/// Tries every cheat; true if each scored 0 and was stopped by what must stop it.
pub fn run(workspace: &Path, pristine: Option<&str>) -> Result<bool> {
    let handed_out = Pristine::find(workspace, pristine)?;
    let files = CHEATS.iter().map(|cheat| cheat.file);
    let changed = handed_out.changed(files)?;
    if !changed.is_empty() {
        bail!(
            "the cheats replace files that have changes of their own ({}): commit or stash them first",
            changed.join(", ")
        );
    }
    let mut all_stopped = true;
    for cheat in CHEATS {
        exercises::find(cheat.exercise).map_err(anyhow::Error::msg)?;
        let path = workspace.join(cheat.file);
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", cheat.file))?;
        let _restore = Restore {
            path: &path,
            text: text.clone(),
        };
        fs::write(&path, (cheat.text)(&text))
            .with_context(|| format!("cannot write {}", cheat.file))?;
        eprintln!(
            "boot: ==> cheat {} on exercise {}",
            cheat.name, cheat.exercise
        );
        let options = Options {
            solutions: false,
            exercise: Some(cheat.exercise.into()),
            pristine: pristine.map(str::to_string),
        };
        let graded = super::run(workspace, &options)?;
        let score = graded.scores.iter().map(|(_, score)| score).sum::<f64>();
        let stopped = graded
            .notes
            .iter()
            .any(|note| note.contains(cheat.stopped_by));
        println!(
            "grade: cheat {} on exercise {}: {score:.1} points, {}",
            cheat.name,
            cheat.exercise,
            match stopped {
                true => "stopped where it must be",
                false => "NOT stopped by what must stop it",
            }
        );
        if !stopped {
            println!(
                "grade: cheat {}: no note says \"{}\"",
                cheat.name, cheat.stopped_by
            );
        }
        all_stopped &= score == 0.0 && stopped;
    }
    println!(
        "grade: {}",
        if all_stopped {
            "every cheat scored 0, each stopped by what must stop it"
        } else {
            "a cheat scored points or was stopped by something else"
        }
    );
    Ok(all_stopped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_test_of_a_check_file_returns_first() {
        let source =
            "#[test]\nfn a() {\n    check();\n}\n\nfn helper() {\n}\n#[test]\nfn b() {\n}\n";
        assert_eq!(
            return_early(source),
            "#[test]\nfn a() {\n    return;\n    check();\n}\n\nfn helper() {\n}\n#[test]\nfn b() {\n    return;\n}\n"
        );
    }
}
