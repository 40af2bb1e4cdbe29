//! First fit, the worked example: the lowest-addressed hole that is large enough.
//! `linked_list_allocator` allocates this way.

use super::{Hole, Policy};
use crate::NotDone;

/// First fit.
#[derive(Debug, Default)]
pub struct FirstFit;

impl Policy for FirstFit {
    fn name(&self) -> &'static str {
        "first fit"
    }

    fn choose(&mut self, holes: &[Hole], size: u64) -> Result<Option<usize>, NotDone> {
        Ok(holes.iter().position(|hole| hole.size >= size))
    }
}
