//! `regex`: a few regular expressions over every file of the corpus, every match copied
//! into an owned string and collected, as a search tool would.

use super::corpus::Source;
use regex::Regex;
use std::collections::BTreeSet;
use std::fmt::Write;

/// The expressions: function names, string literals, numbers, doc comments, paths.
const PATTERNS: [&str; 5] = [
    r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)\s*(<[^>{]*>)?\s*\(",
    r#""(?:[^"\\]|\\.)*""#,
    r"\b[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?(?:[iu](?:8|16|32|64|128|size)|f32|f64)?\b",
    r"(?m)^\s*///(.*)$",
    r"\b(?:[a-z_][a-z0-9_]*::)+[A-Za-z_][A-Za-z0-9_]*\b",
];

/// Finds every match of every pattern, `rounds` times over (compiling the patterns anew each
/// time); the summary counts the last round's matches and distinct ones.
pub fn run(corpus: &[Source], rounds: usize) -> String {
    let mut summary = String::new();
    for _ in 0..rounds {
        summary.clear();
        for pattern in PATTERNS {
            let _ = writeln!(summary, "regex {pattern}: {}", search(pattern, corpus));
        }
    }
    summary
}

/// Every match of `pattern` in the corpus; how many, how many distinct, the longest.
fn search(pattern: &str, corpus: &[Source]) -> String {
    let regex = Regex::new(pattern).expect("the patterns are valid");
    let mut found: Vec<String> = Vec::new();
    for source in corpus {
        found.extend(regex.find_iter(&source.text).map(|m| m.as_str().to_owned()));
    }
    let distinct: BTreeSet<&str> = found.iter().map(String::as_str).collect();
    let longest = distinct.iter().map(|m| m.len()).max().unwrap_or(0);
    format!(
        "{} matches, {} distinct, longest {longest}",
        found.len(),
        distinct.len()
    )
}
