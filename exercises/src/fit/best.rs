//! EXERCISE 1a: best fit. Choose the smallest hole that is large enough; of several equally
//! small ones, the lowest-addressed; `None` if no hole is large enough.

use super::{Hole, Policy};
use crate::NotDone;

/// Best fit.
#[derive(Debug, Default)]
pub struct BestFit;

impl Policy for BestFit {
    fn name(&self) -> &'static str {
        "best fit"
    }

    #[cfg(not(feature = "solutions"))]
    fn choose(&mut self, _holes: &[Hole], _size: u64) -> Result<Option<usize>, NotDone> {
        Err(NotDone(
            "best fit: write `BestFit::choose` in exercises/src/fit/best.rs",
        ))
    }

    #[cfg(feature = "solutions")]
    fn choose(&mut self, holes: &[Hole], size: u64) -> Result<Option<usize>, NotDone> {
        Ok(crate::solutions::best_fit(holes, size))
    }
}
