//! Segregated fit, the policy of our heap (`heap/src/tags/index/bins.rs`): holes are sorted into
//! size classes, exact below 32 words and four per power of two above; a request takes the
//! most recently freed hole of its own class if that one fits, else the most recently freed
//! hole of the first class whose every hole is large enough, and only if there is none, a
//! fitting hole of its own class. It approximates best fit at the cost of one bitmap search.

use super::{Hole, Policy};
use crate::NotDone;

const WORD: u64 = 8;

/// Segregated fit with our heap's size classes.
#[derive(Debug, Default)]
pub struct SegregatedFit;

/// The size class of `size` bytes, as our heap's `bin_of` computes it.
pub fn class_of(size: u64) -> u64 {
    let words = size / WORD;
    if words < 32 {
        return words.saturating_sub(3);
    }
    let log = u64::from(words.ilog2());
    29 + 4 * (log - 5) + ((words >> (log - 2)) & 3)
}

/// The first class whose every chunk holds `size` bytes.
fn first_fitting_class(size: u64) -> u64 {
    if size <= 32 * WORD {
        class_of(size)
    } else {
        class_of(size - WORD) + 1
    }
}

impl Policy for SegregatedFit {
    fn name(&self) -> &'static str {
        "segregated fit (ours)"
    }

    fn choose(&mut self, holes: &[Hole], size: u64) -> Result<Option<usize>, NotDone> {
        let first = first_fitting_class(size);
        let newest_in = |pick: &dyn Fn(&Hole) -> bool| {
            (0..holes.len())
                .filter(|&i| pick(&holes[i]))
                .max_by_key(|&i| holes[i].freed)
        };
        let own = class_of(size);
        if let Some(head) = newest_in(&|hole| class_of(hole.size) == own) {
            if holes[head].size >= size {
                return Ok(Some(head));
            }
        }
        let lowest = holes
            .iter()
            .map(|hole| class_of(hole.size))
            .filter(|&class| class >= first)
            .min();
        Ok(match lowest {
            Some(class) => newest_in(&|hole| class_of(hole.size) == class),
            None => newest_in(&|hole| class_of(hole.size) == own && hole.size >= size),
        })
    }
}
