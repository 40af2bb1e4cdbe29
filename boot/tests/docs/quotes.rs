//! Checking one quoted line against the sources: log lines against the module that logs
//! them, panics against the place that panics, everything else against every format string.

use crate::literals::{self, Literal};
use crate::markdown::Block;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The directories whose string literals a quote may come from.
const SOURCE_DIRS: &[&str] = &[
    "kernel/src",
    "kernel/tests",
    "heap/src",
    "heap/tests",
    "boot/src",
    "exercises/src",
];

/// How many lines an exercise's own edit may move a Rust panic (an overflow, a failed
/// `assert!`) in the file it edits.
const EDIT_SLACK: usize = 4;

/// The letters and digits a format string must have of its own to be matched against any
/// line (`"{}"` would match everything; `"{:>6} KiB {line}"` says enough).
const MIN_OWN: usize = 3;

/// The string literals of the sources, as format strings.
pub struct Sources {
    root: PathBuf,
    formats: Vec<(Literal, Vec<String>)>,
    /// Every format string, however short: a log line is matched only against its own
    /// module's, where a short one still says something.
    module_formats: Vec<(Literal, Vec<String>)>,
    /// Every format string, even `"{error}"`: where a panic's message is formatted.
    panic_formats: Vec<(Literal, Vec<String>)>,
    /// Every literal's text, for table labels.
    labels: HashSet<String>,
}

impl Sources {
    /// Reads every source file under [`SOURCE_DIRS`].
    pub fn read(root: &Path) -> Self {
        let mut formats = Vec::new();
        let mut module_formats = Vec::new();
        let mut panic_formats = Vec::new();
        let mut labels = HashSet::new();
        for literal in literals::collect(root, SOURCE_DIRS) {
            labels.insert(literal.text.trim().to_string());
            // A literal printing several lines is one format string per line.
            for (offset, piece) in literal.text.split('\n').enumerate() {
                let pieces = literals::pieces(piece);
                let own = pieces.concat();
                let line = Literal {
                    line: literal.line + offset,
                    text: piece.to_string(),
                    ..literal.clone()
                };
                if own.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_OWN {
                    formats.push((line.clone(), pieces.clone()));
                }
                // In its own module a format string may be short, but not empty of text
                // (`"{separator}{}"` would match any line).
                if own.chars().filter(|c| !c.is_whitespace()).count() >= 2 {
                    module_formats.push((line.clone(), pieces.clone()));
                }
                panic_formats.push((line, pieces));
            }
        }
        Self {
            root: root.to_path_buf(),
            formats,
            module_formats,
            panic_formats,
            labels,
        }
    }

    /// The problems of a quoted block: (line number, what is wrong).
    pub fn check_block(&self, block: &Block) -> Vec<(usize, String)> {
        let mut problems = Vec::new();
        let mut panic_site: Option<(PathBuf, usize)> = None;
        for (number, line) in &block.lines {
            let site = panic_site.take();
            let result = if let Some((file, at)) = site {
                self.check_panic_message(&file, at, line)
            } else if let Some(location) = panic_location(line) {
                self.check_location(location)
                    .map(|site| panic_site = Some(site))
            } else {
                self.check_line(line)
            };
            if let Err(problem) = result {
                problems.push((*number, problem));
            }
        }
        problems
    }

    fn check_line(&self, line: &str) -> Result<(), String> {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed == "…" || trimmed == "..." || line.starts_with("heap> ")
        {
            return Ok(());
        }
        if let Some((files, message)) = log_line(line) {
            let found = self.module_formats.iter().any(|(literal, pieces)| {
                files.contains(&literal.file) && literals::matches(pieces, message)
            });
            return if found {
                Ok(())
            } else {
                let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
                Err(format!(
                    "`{message}` is logged by none of {}",
                    names.join(", ")
                ))
            };
        }
        let printed = self.formats.iter().any(|(_, pieces)| {
            literals::matches(pieces, line) || literals::matches(pieces, trimmed)
        });
        if printed || self.is_table_row(trimmed) {
            Ok(())
        } else {
            Err(format!(
                "`{trimmed}` matches no format string in the sources"
            ))
        }
    }

    /// A row of a table: numbers, and labels that are string literals (runs of words
    /// separated by two spaces or more).
    fn is_table_row(&self, line: &str) -> bool {
        line.split("  ")
            .map(|run| {
                run.split_whitespace()
                    .filter(|word| !is_number(word))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|label| !label.is_empty())
            .all(|label| self.labels.contains(&label))
    }

    /// `FILE:LINE:COL:` names a source file and a line inside it.
    fn check_location(&self, location: &str) -> Result<(PathBuf, usize), String> {
        let mut parts = location.trim_end_matches(':').rsplitn(3, ':');
        let (_column, line, file) = (parts.next(), parts.next(), parts.next());
        let (Some(file), Some(Ok(line))) = (file, line.map(str::parse::<usize>)) else {
            return Err(format!("`{location}` is not FILE:LINE:COLUMN"));
        };
        let path = PathBuf::from(file);
        let lines = std::fs::read_to_string(self.root.join(&path))
            .map_err(|_| format!("the panic location {file} does not exist"))?
            .lines()
            .count();
        if line > lines {
            return Err(format!("{file} has {lines} lines, not {line}"));
        }
        Ok((path, line))
    }

    /// The message after `panicked at FILE:LINE:COL:` must be a panic of that file that
    /// starts at LINE (the macro's line; its message may follow a few lines below).
    fn check_panic_message(&self, file: &Path, at: usize, message: &str) -> Result<(), String> {
        let message = message.trim();
        if message.starts_with("attempt to ") || message.starts_with("assertion failed: ") {
            return self.check_std_panic(file, at, message);
        }
        let sites: Vec<&Literal> = self
            .panic_formats
            .iter()
            .filter(|(literal, pieces)| literal.file == file && literals::matches(pieces, message))
            .map(|(literal, _)| literal)
            .collect();
        if sites.is_empty() {
            return self.check_raised_misuse(file, at, message);
        }
        let Some(site) = sites.iter().find(|site| (at..=at + 8).contains(&site.line)) else {
            let lines: Vec<usize> = sites.iter().map(|site| site.line).collect();
            return Err(format!(
                "{}:{at} is not where `{message}` panics: its message is on line(s) {lines:?}",
                file.display()
            ));
        };
        // A message that is all placeholders (`panic!("{error}")`) was formatted elsewhere:
        // it must match a format string of its own.
        let own = literals::pieces(&site.text).concat();
        if own.chars().filter(|c| c.is_alphanumeric()).count() < MIN_OWN {
            return self.check_line(message);
        }
        Ok(())
    }

    /// A heap misuse raised through `Misuse::raise` or `Heap::raise` (`#[track_caller]`, so
    /// the location is the line that calls it): the message is `OPERATION: ` and then what is
    /// wrong, which must be one of the code's format strings.
    fn check_raised_misuse(&self, file: &Path, at: usize, message: &str) -> Result<(), String> {
        let source = std::fs::read_to_string(self.root.join(file)).unwrap_or_default();
        let raises = source
            .lines()
            .nth(at.saturating_sub(1))
            .is_some_and(|line| line.contains(".raise("));
        let wrong = message.split_once(": ").map(|(_, wrong)| wrong);
        match wrong {
            Some(wrong) if raises => self.check_line(wrong),
            _ => Err(format!("{} has no panic `{message}`", file.display())),
        }
    }

    /// Rust's own panics: an overflow on LINE itself, or `assertion failed: EXPR` with EXPR
    /// within a few lines of LINE (the exercises that fail an assertion edit that same file,
    /// which moves it).
    fn check_std_panic(&self, file: &Path, at: usize, message: &str) -> Result<(), String> {
        let (expected, slack) = match message.strip_prefix("assertion failed: ") {
            Some(expression) => (expression, EDIT_SLACK),
            None => match message {
                "attempt to subtract with overflow" => ("-", 0),
                "attempt to add with overflow" => ("+", 0),
                "attempt to multiply with overflow" => ("*", 0),
                other => return Err(format!("unknown panic `{other}`")),
            },
        };
        let source = std::fs::read_to_string(self.root.join(file)).unwrap_or_default();
        let window: Vec<&str> = source
            .lines()
            .skip(at.saturating_sub(slack + 1))
            .take(2 * slack + 1)
            .flat_map(str::split_whitespace)
            .collect();
        if window.join(" ").contains(expected) {
            Ok(())
        } else {
            Err(format!(
                "{}:{at} does not hold `{expected}` for `{message}`",
                file.display()
            ))
        }
    }
}

/// The `FILE:LINE:COL:` of a panic line: the kernel's `PANIC: panicked at …` or a host
/// thread's `thread 'name' (id) panicked at …`.
fn panic_location(line: &str) -> Option<&str> {
    let line = line.trim();
    let (before, location) = line.split_once("panicked at ")?;
    (before == "PANIC: " || before.starts_with("thread '")).then_some(location)
}

/// A kernel log line, `LEVEL target: message`: the files the target's module may live
/// in, and the message.
fn log_line(line: &str) -> Option<(Vec<PathBuf>, &str)> {
    let (level, rest) = line.split_once(' ')?;
    if !["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(&level) {
        return None;
    }
    let (target, message) = rest.trim_start().split_once(": ")?;
    let mut modules = target.split("::");
    if modules.next()? != "kernel" {
        return None;
    }
    let path: Vec<&str> = modules.collect();
    let files = if path.is_empty() {
        vec![
            PathBuf::from("kernel/src/main.rs"),
            PathBuf::from("kernel/src/lib.rs"),
        ]
    } else {
        let module = path.join("/");
        vec![
            PathBuf::from(format!("kernel/src/{module}.rs")),
            PathBuf::from(format!("kernel/src/{module}/mod.rs")),
        ]
    };
    Some((files, message))
}

/// A decimal or hex number, possibly with a unit or a trailing `%`, `,` or `)`.
fn is_number(word: &str) -> bool {
    let word = word
        .trim_end_matches([',', ')', '%', ';'])
        .trim_start_matches('(');
    let digits = word.strip_prefix("0x").unwrap_or(word);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_hexdigit() || c == '.')
        && word.chars().next().is_some_and(|c| c.is_ascii_digit())
}
