//! The slow paths of a cached layout: the loaded magazine is empty (allocate) or full (free).
//!
//! ```text
//!   allocate_miss                              free_miss
//!   previous has blocks? swap, pop             previous has room? swap, push
//!   depot has a full one? (lock)               depot takes previous (full)? (lock) and
//!     previous ─► depot (empty), loaded ─►       gives an empty one; old loaded ─►
//!     previous, the full one ─► loaded, pop      previous, the empty one ─► loaded, push
//!   heap (lock): fill (`ramp.rs`), pop         refused: drain previous into the heap, it
//!   heap out of memory: flush, one more try      becomes loaded; no empty one: the heap
//!                                              makes one from its free chunks (a free
//!                                              never runs the hook); none: free to the heap
//!                                              refused after TEARDOWN_FREES / M free
//!                                              misses in a row: teardown (`teardown.rs`)
//! ```
//!
//! Locks are taken one at a time, never nested.

use super::classes::class_layout;
use super::debug;
use super::magazine::Magazine;
use super::teardown::IN_TEARDOWN;
use super::{CachedHeap, Class, Cpu, PerCpu};
use crate::{AllocError, OutOfMemory};
use core::ptr::NonNull;
use lock_api::RawMutex;

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// Allocates a block of `class` when the loaded magazine of `cpu` is empty (see the
    /// module header). Ends a run of free misses, and any teardown.
    ///
    /// # Safety
    /// The caller must hold the pin of `cpu`; the heap's arenas must be valid.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn allocate_miss(
        &self,
        cpu: &PerCpu<M>,
        class: usize,
    ) -> Result<NonNull<u8>, AllocError> {
        let slot = cpu.class(class);
        // SAFETY: the pin makes the slot ours; magazines and blocks are the cache's own.
        unsafe {
            let counts = self.misses(cpu);
            counts.allocation_missed();
            if slot.previous.rounds() == 0 {
                let mut depot = self.depot.lock();
                if let Some((full, rounds)) = depot.full[class].pop() {
                    let surplus = slot.previous.take().filter(|&(m, _)| !depot.give_empty(m));
                    drop(depot);
                    slot.previous.load(full, rounds);
                    if let Some((magazine, _)) = surplus {
                        self.free_magazine(&mut self.heap.lock(), magazine);
                    }
                } else {
                    let bare = !slot.loaded.is_loaded() && !slot.previous.is_loaded();
                    let spare = if bare { depot.empty.pop() } else { None };
                    drop(depot);
                    self.refill(
                        slot,
                        class,
                        counts.next_fill::<M>(class),
                        spare.map(|(magazine, _)| magazine),
                    );
                }
            }
            slot.loaded.swap(&slot.previous);
            if let Some(block) = slot.previous.pop().or_else(|| slot.loaded.pop()) {
                debug::leave(block);
                return Ok(NonNull::new_unchecked(block));
            }
            self.flush_cpu(Some(cpu));
            self.heap.lock().allocate(class_layout(class))
        }
    }

    /// Fills a magazine with blocks of `class` from the heap as `slot.previous` (the caller
    /// swaps it in): the one previous, else the one loaded, else `spare`, else a new one. The
    /// magazine sits in `slot.previous` before the heap is asked for its blocks, so that a
    /// hook that panics loses nothing. Nothing happens if the heap has no room for a magazine.
    ///
    /// # Safety
    /// As for [`CachedHeap::allocate_miss`]; both stacks of `slot` are empty, and `spare` is
    /// an empty magazine of the cache's, only given when neither stack holds one.
    unsafe fn refill(
        &self,
        slot: &Class<M>,
        class: usize,
        want: usize,
        spare: Option<*mut Magazine<M>>,
    ) {
        // SAFETY: forwarded contract.
        unsafe {
            if !slot.previous.is_loaded() {
                slot.previous.swap(&slot.loaded);
            }
            if !slot.previous.is_loaded() {
                match spare.or_else(|| self.new_magazine(&mut self.heap.lock())) {
                    Some(magazine) => slot.previous.load(magazine, 0),
                    None => return,
                }
            }
            Self::fill(&mut self.heap.lock(), &slot.previous, want, class);
        }
    }

    /// Frees `block` of `class` when the loaded magazine of `cpu` is full (see the module
    /// header), or to the heap during a teardown; counts the miss, which may start one.
    ///
    /// # Safety
    /// The caller must hold the pin of `cpu`; `block` must be a live block of `class`, given
    /// up.
    #[cold]
    #[inline(never)]
    pub(crate) unsafe fn free_miss(&self, cpu: &PerCpu<M>, class: usize, block: *mut u8) {
        // SAFETY: the pin makes the CPU's cells ours; the block is given up to the heap or
        // to `free_miss_caching`, under the same contract.
        unsafe {
            let counts = self.misses(cpu);
            let misses = counts.free_missed();
            counts.reset_fill(class);
            if misses >= IN_TEARDOWN {
                return self.free_to_heap(class, block);
            }
            self.free_miss_caching(cpu, class, block, misses);
        }
    }

    /// The rest of [`CachedHeap::free_miss`] outside a teardown, `misses` free misses into a
    /// run: out of line, so that a teardown's free, which goes straight to the heap, saves
    /// none of the registers this path needs.
    ///
    /// # Safety
    /// As for [`CachedHeap::free_miss`].
    #[inline(never)]
    unsafe fn free_miss_caching(
        &self,
        cpu: &PerCpu<M>,
        class: usize,
        block: *mut u8,
        misses: usize,
    ) {
        let slot = cpu.class(class);
        // SAFETY: the pin makes the slot ours; magazines and blocks are the cache's own.
        unsafe {
            if slot.previous.is_loaded() && slot.previous.rounds() < M {
                slot.loaded.swap(&slot.previous);
                slot.loaded.push(block);
                return;
            }
            let full = slot.previous.take();
            let mut depot = self.depot.lock();
            let refused = full.filter(|&(m, _)| !depot.give_full(class, m));
            if let (Some((magazine, rounds)), true) = (refused, misses >= Self::TEARDOWN_MISSES) {
                drop(depot);
                slot.previous.load(magazine, rounds);
                return self.start_teardown(cpu, class, block);
            }
            let spare = if refused.is_none() {
                depot.empty.pop()
            } else {
                None
            };
            drop(depot);
            let empty = match (refused, spare) {
                (Some((magazine, rounds)), _) => {
                    Self::drain(&mut self.heap.lock(), magazine, rounds, class);
                    Some(magazine)
                }
                (None, Some((magazine, _))) => Some(magazine),
                (None, None) => self.new_magazine_in_room(&mut self.heap.lock()),
            };
            slot.previous.swap(&slot.loaded);
            if let Some(magazine) = empty {
                slot.loaded.load(magazine, 0);
                slot.loaded.push(block);
            } else {
                self.free_to_heap(class, block);
            }
        }
    }

    /// Frees `block` of `class`, which the fast path had marked as cached, to the heap.
    ///
    /// # Safety
    /// `block` must be a live block of `class`, given up.
    pub(crate) unsafe fn free_to_heap(&self, class: usize, block: *mut u8) {
        // SAFETY: by the caller's contract; the block is no longer the cache's.
        unsafe {
            debug::leave(block);
            let (block, layout) = (NonNull::new_unchecked(block), class_layout(class));
            self.heap
                .locked(|heap| heap.checked_deallocate(block, layout));
        }
    }
}
