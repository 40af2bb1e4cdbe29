//! Walking everything the cache holds, for `check`: every magazine (each CPU's two per
//! class, the depot's lists) and every block in it; and finding a block's chunk in the heap.
//!
//! ```text
//!   CPU 0 … CPU n-1: loaded, previous of each class ─┐
//!   depot: full[class] lists, empty list ────────────┴─► visitor(magazine, rounds, holder)
//! ```
//!
//! A list is followed only after the visitor accepted its magazine (proved it is a live
//! block), and for no more steps than there are magazines, so a broken list cannot lead the
//! walk astray.

use super::check_error::{broken, CacheCheckError, CacheRule};
use super::magazine::Magazine;
use super::{CachedHeap, Cpu};
use crate::{Heap, OutOfMemory};
use core::sync::atomic::Ordering::Relaxed;
use lock_api::RawMutex;

/// Where a magazine was found.
#[derive(Clone, Copy)]
pub(crate) enum Holder {
    /// A CPU's loaded or previous magazine of this class.
    Cpu(usize),
    /// The depot's list of full magazines of this class.
    Full(usize),
    /// The depot's list of empty magazines.
    Empty,
}

/// Visits one magazine: `(magazine, rounds, holder)`.
pub(crate) type Visitor<'a, const M: usize> =
    dyn FnMut(*mut Magazine<M>, usize, Holder) -> Result<(), CacheCheckError> + 'a;

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// Calls `visit` on every magazine; stops at the first error.
    ///
    /// # Safety
    /// No pin may be alive inside the cache (the caller borrows it mutably).
    pub(crate) unsafe fn visit(&self, visit: &mut Visitor<'_, M>) -> Result<(), CacheCheckError> {
        for cpu in &self.cpus {
            for (class, slot) in cpu.classes.iter().enumerate() {
                for stack in [&slot.loaded, &slot.previous] {
                    // SAFETY: by the caller's contract, nobody is using the stack.
                    let (magazine, rounds) = unsafe { stack.peek() };
                    if !magazine.is_null() {
                        visit(magazine, rounds, Holder::Cpu(class))?;
                    }
                }
            }
        }
        let depot = self.depot.lock();
        let lists = depot.full.iter().enumerate();
        let lists = lists.map(|(class, list)| (list, Holder::Full(class)));
        for (list, holder) in lists.chain([(&depot.empty, Holder::Empty)]) {
            let (mut magazine, mut steps) = (list.head, 0);
            while !magazine.is_null() {
                steps += 1;
                if steps > self.magazines.load(Relaxed) {
                    return Err(broken(CacheRule::MagazineCount, list.head.addr(), steps));
                }
                // SAFETY: the visitor proved the magazine a live block before we follow it.
                unsafe {
                    visit(magazine, (*magazine).rounds, holder)?;
                    magazine = (*magazine).next;
                }
            }
        }
        Ok(())
    }
}

/// The bytes from `ptr` to the end of its chunk, if `ptr` is a block `heap` handed out and
/// has not taken back; `None` otherwise. O(chunks).
pub(crate) fn live_room<G: OutOfMemory>(heap: &Heap<G>, ptr: *mut u8) -> Option<usize> {
    let below = ptr.wrapping_sub(core::mem::size_of::<usize>());
    let chunk = heap.chunks().find(|chunk| chunk.span().contains(below))?;
    let gap = below.addr() - chunk.base.addr();
    // SAFETY: `below` lies inside an allocated chunk, so it is a readable word.
    let handed_out = chunk.allocated
        && (gap == 0
            || (gap <= 2 * core::mem::size_of::<usize>()
                && gap.is_multiple_of(core::mem::size_of::<usize>())
                && unsafe { below.cast::<*mut u8>().read() } == chunk.base));
    handed_out.then(|| chunk.span().acme().addr() - ptr.addr())
}
