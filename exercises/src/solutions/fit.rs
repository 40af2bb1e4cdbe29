//! Best fit and next fit.

use crate::fit::Hole;

/// The smallest hole of at least `size` bytes, the lowest-addressed of equals.
pub(crate) fn best_fit(holes: &[Hole], size: u64) -> Option<usize> {
    (0..holes.len())
        .filter(|&i| holes[i].size >= size)
        .min_by_key(|&i| (holes[i].size, holes[i].start))
}

/// The first hole of at least `size` bytes among those ending after `rover`, else from the
/// lowest address.
pub(crate) fn next_fit(holes: &[Hole], size: u64, rover: u64) -> Option<usize> {
    let from = holes.partition_point(|hole| hole.end() <= rover);
    (from..holes.len())
        .chain(0..from)
        .find(|&i| holes[i].size >= size)
}
