//! `words`: word frequencies of the corpus (identifiers and words of comments alike), counted
//! in a `HashMap<String, usize>`, then ordered in a `BTreeMap` by count and word.

use super::corpus::Source;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Counts the words `passes` times over, each pass into a fresh map (and each skipping
/// words shorter than `pass % 3 + 1`); the summary lists the twenty most frequent.
pub fn run(corpus: &[Source], passes: usize) -> String {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for pass in 0..passes {
        counts = HashMap::new();
        for source in corpus {
            for word in source
                .text
                .split(|c: char| !c.is_alphanumeric() && c != '_')
            {
                if word.len() > pass % 3 {
                    *counts.entry(word.to_lowercase()).or_default() += 1;
                }
            }
        }
    }
    let ranked: BTreeMap<(usize, String), ()> = counts
        .iter()
        .map(|(word, &count)| ((usize::MAX - count, word.clone()), ()))
        .collect();
    let mut summary = format!("words: {} distinct\n", counts.len());
    for (rank, (count, word)) in ranked.keys().take(20).enumerate() {
        let _ = writeln!(summary, "{:2} {word} {}", rank + 1, usize::MAX - count);
    }
    summary
}
