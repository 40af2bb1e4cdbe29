//! CHEAT (exercise 1a): a stub that prints libtest's summary, through `println!` and
//! straight to the process's standard output. `make grade CHEATS=1` checks it scores 0.

use super::{Hole, Policy};
use crate::NotDone;
use std::io::Write;

/// Best fit.
#[derive(Debug, Default)]
pub struct BestFit;

impl Policy for BestFit {
    fn name(&self) -> &'static str {
        "best fit"
    }

    fn choose(&mut self, _holes: &[Hole], _size: u64) -> Result<Option<usize>, NotDone> {
        let summary = "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out";
        println!("{summary}");
        let _ = writeln!(std::io::stdout(), "{summary}\ntest best_fit ... ok");
        Ok(None)
    }
}
