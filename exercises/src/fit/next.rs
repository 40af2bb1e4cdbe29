//! EXERCISE 1b: next fit. Like first fit, but the search starts where the last block was
//! placed (the first hole that ends after the end of the last block) and wraps around to
//! the lowest address; `None` if no hole is large enough. Before the first block, it starts
//! at address 0.

use super::{Hole, Policy};
use crate::NotDone;

/// Next fit: first fit from a roving position.
#[derive(Debug, Default)]
pub struct NextFit {
    /// Where the last block placed ended.
    pub rover: u64,
}

impl Policy for NextFit {
    fn name(&self) -> &'static str {
        "next fit"
    }

    #[cfg(not(feature = "solutions"))]
    fn choose(&mut self, _holes: &[Hole], _size: u64) -> Result<Option<usize>, NotDone> {
        Err(NotDone(
            "next fit: write `NextFit::choose` and `placed` in exercises/src/fit/next.rs",
        ))
    }

    #[cfg(not(feature = "solutions"))]
    fn placed(&mut self, _start: u64, _size: u64) {}

    #[cfg(feature = "solutions")]
    fn choose(&mut self, holes: &[Hole], size: u64) -> Result<Option<usize>, NotDone> {
        Ok(crate::solutions::next_fit(holes, size, self.rover))
    }

    #[cfg(feature = "solutions")]
    fn placed(&mut self, start: u64, size: u64) {
        self.rover = start + size;
    }
}
