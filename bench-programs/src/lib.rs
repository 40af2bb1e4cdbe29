//! Real allocation-heavy work, the same in every binary of this crate; only the global
//! allocator differs (`ours`, `talc`, `system`), so `drive` can run them side by side.
//!
//! ```text
//!   <allocator binary> PROGRAM DIR...      DIR...: the corpus, Rust sources (see corpus.rs)
//!     parse   syn parses every file and prints it back as tokens     (compiler front end)
//!     json    serde_json round-trips generated records                (serialisation)
//!     words   word frequencies in a HashMap, then a BTreeMap          (text processing)
//!     regex   regular expressions over every file                     (searching)
//!   stdout: a summary of the results, which must be the same for every allocator
//! ```
//!
//! `QUICK=1` makes each program do an eighth of its work (a smoke run).

mod corpus;
mod json;
mod parse;
mod regexes;
mod talc_source;
mod words;

pub use talc_source::MmapSource;

use std::path::PathBuf;
use std::process::ExitCode;

/// The programs, by the name `drive` and the command line use.
pub const PROGRAMS: [&str; 4] = ["parse", "json", "words", "regex"];

/// How much of its work a program does: 8 for a full run, 1 for `QUICK=1`.
fn scale() -> usize {
    if std::env::var("QUICK").as_deref() == Ok("1") {
        1
    } else {
        8
    }
}

/// Runs the program the command line names on the corpus it names; prints its summary.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((program, dirs)) = args.split_first() else {
        eprintln!(
            "usage: PROGRAM DIR...   (programs: {})",
            PROGRAMS.join(", ")
        );
        return ExitCode::FAILURE;
    };
    let dirs: Vec<PathBuf> = dirs.iter().map(PathBuf::from).collect();
    let summary = match program.as_str() {
        "parse" => parse::run(&corpus::load(&dirs, scale())),
        "json" => json::run(scale()),
        "words" => words::run(&corpus::load(&dirs, scale()), 2 * scale()),
        "regex" => regexes::run(&corpus::load(&dirs, scale()), scale()),
        other => {
            eprintln!(
                "unknown program {other} (programs: {})",
                PROGRAMS.join(", ")
            );
            return ExitCode::FAILURE;
        }
    };
    print!("{summary}");
    ExitCode::SUCCESS
}
