//! Address space of the device windows (MMIO, DMA): runs of granules claimed
//! first fit in a bitmap, and given back when the mapping goes.
//!
//! ```text
//!   granule   0   1   2   3   4   5   6   7  ...  GRANULES - 1
//!   bit       1   1   1   0   1   1   0   0  ...  0        1 = claimed
//!             └ mapping ┘ guard └mapping┘ guard
//!   claim(2): the first run of 2 clear bits → granules 6 and 7
//! ```
//!
//! Each window keeps one unmapped granule after every mapping, so a driver
//! that runs off the end of its registers or buffer faults at once.

use crate::sync::IrqMutex;

/// Granules a window has (its size divided by its granule).
pub(super) const GRANULES: usize = 16 * 1024;

/// Which granules of one window are claimed.
pub(super) struct WindowSpace {
    used: IrqMutex<[u64; GRANULES / 64]>,
}

impl WindowSpace {
    /// A window with every granule free.
    pub(super) const fn new() -> Self {
        Self {
            used: IrqMutex::new([0; GRANULES / 64]),
        }
    }

    /// Claims the first run of `granules` free granules; its first granule, or
    /// `None` if no run is that long.
    pub(super) fn claim(&self, granules: usize) -> Option<usize> {
        if granules == 0 || granules > GRANULES {
            return None;
        }
        let mut used = self.used.lock();
        let mut start = 0;
        while start + granules <= GRANULES {
            match (start..start + granules).rfind(|&g| is_set(&used, g)) {
                Some(taken) => start = taken + 1,
                None => {
                    (start..start + granules).for_each(|g| used[g / 64] |= bit(g));
                    return Some(start);
                }
            }
        }
        None
    }

    /// Gives back the run of `granules` granules at `first`.
    ///
    /// Panics if one of them was not claimed: the window lost count.
    pub(super) fn release(&self, first: usize, granules: usize) {
        let mut used = self.used.lock();
        for granule in first..first + granules {
            assert!(
                is_set(&used, granule),
                "window granule {granule} released but not claimed"
            );
            used[granule / 64] &= !bit(granule);
        }
    }
}

fn is_set(used: &[u64; GRANULES / 64], granule: usize) -> bool {
    used[granule / 64] & bit(granule) != 0
}

fn bit(granule: usize) -> u64 {
    1 << (granule % 64)
}
