//! Segregated fit, the policy of our heap (`heap/src/tags/index/bins.rs`): holes are sorted
//! into our heap's bins (`heap::size_classes`: one per 16-byte granule below 512 bytes,
//! four per power of two above); a request takes the most recently freed hole of its own
//! bin if that one fits, else the most recently freed hole of the first bin whose every
//! hole is large enough, and only if there is none, a fitting hole of its own bin. It
//! approximates best fit at the cost of one bitmap search.

use super::{Hole, Policy};
use crate::NotDone;
use heap::size_classes::{bin_of, first_fitting_bin, MIN_CHUNK};

/// Segregated fit with our heap's bins.
#[derive(Debug, Default)]
pub struct SegregatedFit;

/// `size` as a `usize`.
fn bytes(size: u64) -> usize {
    usize::try_from(size).expect("a simulated size fits a usize")
}

/// The bin of a hole or block of `size` bytes (a multiple of 16), or `None` for a hole
/// smaller than any chunk, which the simulator may leave but our heap never lists.
fn class_of(size: u64) -> Option<usize> {
    (bytes(size) >= MIN_CHUNK).then(|| bin_of(bytes(size)))
}

impl Policy for SegregatedFit {
    fn name(&self) -> &'static str {
        "segregated fit (ours)"
    }

    fn choose(&mut self, holes: &[Hole], size: u64) -> Result<Option<usize>, NotDone> {
        let first = Some(first_fitting_bin(bytes(size)));
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
            .filter_map(|hole| class_of(hole.size))
            .filter(|&class| Some(class) >= first)
            .min();
        Ok(match lowest {
            Some(class) => newest_in(&|hole| class_of(hole.size) == Some(class)),
            None => newest_in(&|hole| class_of(hole.size) == own && hole.size >= size),
        })
    }
}
