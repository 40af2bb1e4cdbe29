//! The book's numbers and answer tables against the code that makes them: each is computed
//! here from the heap (`heap::size_classes`), the fit simulator (`exercises::fit`) or the
//! kernel's sources, so an answer changed by one, or a row missing, fails the docs test.
//!
//! ```text
//!   docs/06 exercise 2 answers   every cell     heap::size_classes (chunk, bin, floor)
//!   docs/02 walked address       each index,    the address's bits
//!                                the offset
//!   docs/03 bins picture         each chunk's   heap::size_classes (bin_of, chunk_size,
//!                                bin, each      first_fitting_bin)
//!                                request's need
//!   docs/09 smallest chunk       the sentence   heap::size_classes::{MIN_CHUNK, chunk_size}
//!   docs/09 fit table            first fit and  exercises::fit::replay on each trace
//!                                ours columns
//!   counter tables (docs/04, 07) every row      the labels kernel/src/stats.rs prints
//!   docs/06 "change `X` to"      X              the source files the exercise links
//! ```

use crate::markdown;
use std::path::Path;

/// The rows of the Markdown table whose header row starts with `header`: cells trimmed,
/// with their line numbers.
pub fn table(text: &str, header: &str) -> Vec<(usize, Vec<String>)> {
    let mut lines = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| !l.starts_with(header));
    assert!(lines.next().is_some(), "no table headed {header:?}");
    lines
        .skip(1)
        .take_while(|(_, line)| line.starts_with('|'))
        .map(|(at, line)| {
            let cells = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string());
            (at + 1, cells.collect())
        })
        .collect()
}

/// The leading number of `cell` (`"39 (rounded up to …)"` is 39; `"91.5 %"` is 91.5).
pub fn number(cell: &str) -> f64 {
    let digits: String = cell
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{cell:?} starts with no number"))
}

/// The number after `before` in `text` (`"rounded up to 160 granules"` after `"up to "`).
pub fn number_after(text: &str, before: &str) -> f64 {
    let at = text
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} is not in {text:?}"));
    number(&text[at + before.len()..])
}

/// What is wrong with docs/06's answer table of exercise 2 (bins by hand).
pub fn exercise_2(text: &str) -> Vec<String> {
    use heap::size_classes::{bin_floor, bin_of, chunk_size, first_fitting_bin, GRANULE};
    let mut problems = Vec::new();
    let rows = table(text, "| request | need | granules |");
    assert_eq!(rows.len(), 3, "exercise 2 asks about three requests");
    for (line, cells) in rows {
        let request = number(&cells[0]) as usize;
        let need = chunk_size(request);
        let first = first_fitting_bin(need);
        let k = (need / GRANULE).ilog2();
        let expected = [
            ("need", number(&cells[1]), need as f64),
            ("granules", number(&cells[2]), (need / GRANULE) as f64),
            ("bin_of", number(&cells[3]), bin_of(need) as f64),
            ("first_fitting_bin", number(&cells[4]), first as f64),
        ];
        let mut checks = expected.to_vec();
        if cells[3].contains("k = ") {
            checks.push(("k", number_after(&cells[3], "k = "), f64::from(k)));
            let quarter = ((need / GRANULE) >> (k - 2)) & 3;
            checks.push((
                "quarter",
                number_after(&cells[3], "quarter "),
                quarter as f64,
            ));
        }
        if cells[4].contains("rounded up to ") {
            let floor = (bin_floor(first) / GRANULE) as f64;
            checks.push((
                "rounded up to",
                number_after(&cells[4], "rounded up to "),
                floor,
            ));
        }
        for (what, said, computed) in checks {
            if said != computed {
                problems.push(format!(
                    "docs/06-exercises.md:{line}: request {request}: {what} is {computed}, not {said}"
                ));
            }
        }
    }
    problems
}

/// What is wrong with chapter 2's walk of one heap address: each `bits A‥B … = N` line's N
/// (and the offset's hex) against the bits of the address the picture walks.
pub fn chapter_2_walk(text: &str) -> Vec<String> {
    let start = text
        .find("### One heap address, walked")
        .expect("chapter 2 walks one heap address");
    let block = &text[start..];
    let block = &block[block.find("```text\n").expect("the walk's picture") + 8..];
    let block = &block[..block.find("```").expect("the picture ends")];
    let mut lines = block.lines();
    let address = lines
        .next()
        .expect("the address first")
        .trim()
        .replace('_', "");
    let address = u64::from_str_radix(address.trim_start_matches("0x"), 16)
        .unwrap_or_else(|_| panic!("{address:?} is not an address"));
    let mut problems = Vec::new();
    let mut fields = 0;
    for line in lines {
        let Some(rest) = line.trim().strip_prefix("bits ") else {
            continue;
        };
        let (high, rest) = rest.split_once('‥').expect("bits HIGH‥LOW");
        let (high, low) = (number(high) as u32, number(rest) as u32);
        let value = (address >> low) & ((1u64 << (high - low + 1)) - 1);
        let said = match rest.split_once("= ") {
            Some((_, said)) => number(said.trim_start()) as u64,
            None => {
                let hex = rest.split_whitespace().nth(1).expect("a value");
                u64::from_str_radix(hex.trim_start_matches("0x"), 16).expect("a hex value")
            }
        };
        if said != value {
            let offset = line.as_ptr() as usize - text.as_ptr() as usize;
            problems.push(format!(
                "docs/02-paging.md:{}: bits {high}‥{low} of {address:#x} are {value}, not {said}",
                text[..offset].matches('\n').count() + 1
            ));
        }
        fields += 1;
    }
    if fields != 6 {
        problems.push(format!(
            "docs/02-paging.md: the walk shows {fields} fields, not 6"
        ));
    }
    problems
}

/// What is wrong with chapter 3's picture of the bins: the bin each listed free chunk
/// (`  34     ──► [70 g]`) is in, and each worked request's need, bin and first bin searched
/// (`allocate 1000 bytes: need 63 g, bin_of = 33 (empty), search from bin 34`).
pub fn chapter_3_bins(text: &str) -> Vec<String> {
    use heap::size_classes::{bin_of, chunk_size, first_fitting_bin, GRANULE};
    let mut problems = Vec::new();
    let (mut chunks, mut requests) = (0, 0);
    for (at, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let mut checks = Vec::new();
        let listed = trimmed
            .split_once("──►")
            .filter(|(bin, _)| bin.trim().parse::<u32>().is_ok());
        if let Some((bin, list)) = listed {
            let bin = number(bin.trim());
            for chunk in list.split('[').skip(1) {
                let granules = number(chunk) as usize;
                checks.push(("the bin of a chunk", bin, bin_of(granules * GRANULE) as f64));
                chunks += 1;
            }
        } else if trimmed.starts_with("allocate ") && trimmed.contains(" bytes:") {
            let need = chunk_size(number_after(trimmed, "allocate ") as usize);
            checks.push((
                "need",
                number_after(trimmed, "need "),
                (need / GRANULE) as f64,
            ));
            checks.push((
                "bin_of",
                number_after(trimmed, "bin_of = "),
                bin_of(need) as f64,
            ));
            let searched = first_fitting_bin(need) as f64;
            checks.push((
                "search from",
                number_after(trimmed, "search from bin "),
                searched,
            ));
            requests += 1;
        }
        for (what, said, computed) in checks {
            if said != computed {
                problems.push(format!(
                    "docs/03-heap.md:{}: {what} is {computed}, not {said}",
                    at + 1
                ));
            }
        }
    }
    if chunks == 0 || requests == 0 {
        problems.push("docs/03-heap.md: the bins picture lost its chunks or requests".into());
    }
    problems
}

/// What is wrong with chapter 9's numbers: the smallest chunk and the fit table.
pub fn chapter_9(text: &str) -> Vec<String> {
    use exercises::fit::{replay, FirstFit, SegregatedFit};
    use heap::size_classes::{chunk_size, MIN_CHUNK};
    let mut problems = Vec::new();
    let claims = [
        ("never makes a chunk smaller than ", MIN_CHUNK),
        ("(8 bytes) takes a ", chunk_size(8)),
        ("-byte chunk: ", chunk_size(8) - 8),
    ];
    let prose = text.replace("\n  ", " ");
    for (before, value) in claims {
        let said = number_after(&prose, before);
        if said != value as f64 {
            problems.push(format!("docs/09: after {before:?}: {value}, not {said}"));
        }
    }
    for (line, cells) in table(text, "| trace   | efficiency: first fit |") {
        let trace = if cells[0] == "g++" { "gxx" } else { &cells[0] };
        let ops = exercises::trace::read(trace);
        let first = replay(&mut FirstFit, &ops).expect("first fit replays");
        let ours = replay(&mut SegregatedFit, &ops).expect("segregated fit replays");
        let share = |bytes: u64, top: u64| 100.0 * bytes as f64 / top.max(1) as f64;
        let (internal, external) = cells[5].split_once('/').expect("internal / external");
        let checks = [
            ("first fit", number(&cells[1]), 100.0 * first.efficiency()),
            (
                "segregated (ours)",
                number(&cells[4]),
                100.0 * ours.efficiency(),
            ),
            (
                "first fit internal",
                number(internal.trim()),
                share(first.internal_at_peak, first.peak_top),
            ),
            (
                "first fit external",
                number(external.trim()),
                share(first.external_at_peak, first.peak_top),
            ),
        ];
        for (what, said, computed) in checks {
            if format!("{said:.1}") != format!("{computed:.1}") {
                problems.push(format!(
                    "docs/09-allocator-designs.md:{line}: {trace}: {what} is {computed:.1}, not {said}"
                ));
            }
        }
    }
    problems
}

/// What is wrong with the counter tables the chapters quote: each must have every row
/// `kernel/src/stats.rs` prints (a table cut short with `…` is a glimpse, not a quote).
pub fn counter_tables(root: &Path, name: &str, text: &str) -> Vec<String> {
    let stats = std::fs::read_to_string(root.join("kernel/src/stats.rs")).expect("stats.rs");
    let labels: Vec<&str> = stats
        .split("(\"")
        .skip(1)
        .filter_map(|rest| rest.split_once("\", "))
        .map(|(label, _)| label)
        .filter(|label| label.chars().all(|c| c.is_ascii_alphabetic() || c == ' '))
        .collect();
    assert!(
        labels.len() >= 17,
        "only {} counter labels found in stats.rs",
        labels.len()
    );
    let mut problems = Vec::new();
    for block in markdown::blocks(text) {
        let lines = &block.lines;
        let headers = lines
            .iter()
            .enumerate()
            .filter(|(_, (_, l))| l.trim_start().starts_with("counter "));
        for (at, (line, _)) in headers {
            let rows: Vec<&str> = lines[at + 1..]
                .iter()
                .map(|(_, l)| l.as_str())
                .take_while(|l| l.starts_with("  "))
                .collect();
            let elided = lines
                .get(at + 1 + rows.len())
                .is_some_and(|(_, l)| l.trim() == "…");
            for label in labels.iter().filter(|_| !elided) {
                if !rows
                    .iter()
                    .any(|row| row.trim_start().starts_with(&format!("{label}  ")))
                {
                    problems.push(format!(
                        "{name}:{line}: the counter table has no row `{label}`"
                    ));
                }
            }
        }
    }
    problems
}

/// What is wrong with the edits docs/06's exercises ask for: the code a "change `X` to" or
/// "replace `X` with" names must be in a source file the same exercise links to.
pub fn quoted_edits(root: &Path, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for section in text.split("\n## ").skip(1) {
        let title = section.lines().next().unwrap_or_default();
        let prose = section.replace('\n', " ");
        let files: Vec<String> = prose
            .split("](../")
            .skip(1)
            .filter_map(|rest| rest.split_once(')'))
            .map(|(path, _)| path.to_string())
            .filter(|path| path.ends_with(".rs"))
            .collect();
        let sources: Vec<String> = files
            .iter()
            .filter_map(|file| std::fs::read_to_string(root.join(file)).ok())
            .collect();
        for verb in ["change `", "replace `"] {
            for rest in prose.split(verb).skip(1) {
                let Some((code, _)) = rest.split_once('`') else {
                    continue;
                };
                if !sources.iter().any(|source| source.contains(code)) {
                    problems.push(format!(
                        "docs/06-exercises.md, \"{title}\": `{code}` is in none of {}",
                        files.join(", ")
                    ));
                }
            }
        }
    }
    problems
}
