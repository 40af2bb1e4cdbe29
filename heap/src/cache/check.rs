//! `check`: the heap's own check, then every magazine and every block the cache holds.
//!
//! ```text
//!   heap.check() ──► each magazine: a live heap block with room for a magazine; rounds
//!   within 0..=M (M in the depot's full lists, 0 in its empty list) ──► each block: a live
//!   heap block, aligned and with room for its class ──► magazine count ──► no block twice:
//!   clear every block's mark, then mark each, failing on one already marked
//! ```

use super::check_error::{broken, CacheCheckError, CacheRule};
use super::classes::{class_size, CACHED_ALIGN};
use super::debug::{is_marked, mark, unmark};
use super::magazine::Magazine;
use super::visit::{live_room, Holder};
use super::{CachedHeap, Cpu};
use crate::OutOfMemory;
use core::sync::atomic::Ordering::Relaxed;
use lock_api::RawMutex;

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// Verifies the heap and everything the cache holds; the first broken rule is returned.
    /// Walks the heap's chunks once per cached block: O(blocks × chunks), for tests.
    pub fn check(&mut self) -> Result<(), CacheCheckError> {
        let heap = self.heap.lock();
        heap.check()?;
        let mut found = 0;
        let mut live = |magazine: *mut Magazine<M>, rounds, holder| {
            found += 1;
            let room = live_room(&heap, magazine.cast()).unwrap_or(0);
            if room < Magazine::<M>::LAYOUT.size() {
                return Err(broken(CacheRule::MagazineLive, magazine.addr(), room));
            }
            let (class, fits) = match holder {
                Holder::Cpu(class) => (class, rounds <= M),
                Holder::Full(class) => (class, rounds == M),
                Holder::Empty => (0, rounds == 0),
            };
            if !fits {
                return Err(broken(CacheRule::Rounds, magazine.addr(), rounds));
            }
            for block in blocks(magazine, rounds) {
                let room = live_room(&heap, block).ok_or(broken(
                    CacheRule::BlockLive,
                    block.addr(),
                    class,
                ))?;
                if room < class_size(class) || !block.addr().is_multiple_of(CACHED_ALIGN) {
                    return Err(broken(CacheRule::BlockFitsClass, block.addr(), room));
                }
            }
            Ok(())
        };
        // SAFETY: `&mut self`: no pin is alive inside the cache.
        unsafe { self.visit(&mut live)? };
        let allocated = self.magazines.load(Relaxed);
        if found != allocated {
            return Err(broken(CacheRule::MagazineCount, 0, found));
        }
        // SAFETY: as above; every block was just proved a live block of 16 bytes or more.
        unsafe {
            self.visit(&mut |magazine, rounds, _| {
                blocks(magazine, rounds).for_each(|block| unmark(block));
                Ok(())
            })?;
            self.visit(&mut |magazine, rounds, _| {
                for block in blocks(magazine, rounds) {
                    if is_marked(block) {
                        return Err(broken(CacheRule::HeldOnce, block.addr(), magazine.addr()));
                    }
                    mark(block);
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}

/// The blocks in the first `rounds` slots of `magazine` (a live magazine, `rounds <= M`).
fn blocks<const M: usize>(
    magazine: *mut Magazine<M>,
    rounds: usize,
) -> impl Iterator<Item = *mut u8> {
    // SAFETY: the callers proved the magazine live and `rounds <= M`.
    (0..rounds).map(move |index| unsafe { *Magazine::slot(magazine, index) })
}
