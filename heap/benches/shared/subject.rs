//! The one interface every allocator is measured through, and the list of allocators.
//!
//! ```text
//!   workload ──► Locked<A> = SpinMutex<A> ──► A: Subject ──► the allocator's own API
//!                (the same spin lock for all)    (one adapter module per allocator)
//! ```
//!
//! Workloads are generic over `A: Subject`, so each allocator gets its own monomorphised copy
//! of the same loop; [`each_subject`] and [`each_growing`] run a workload on every allocator
//! in the order the tables print them, or on those the environment's `ALLOCATORS` names
//! (comma-separated, e.g. `ALLOCATORS=ours,talc` for a profile of just those two).

use super::ours::{self, Ours};
use super::ours_cached::OursCached;
use super::{peer_buddy, peer_dlmalloc, peer_linked_list, peer_rlsf, peer_talc};
use std::alloc::Layout;
use std::ptr::NonNull;
use tagheap::NeverGrow;

/// Every allocator sits behind the same spin lock.
pub type Locked<A> = spin::mutex::SpinMutex<A>;

/// An allocator under test, fed from a region of the arena.
pub trait Subject: Send + Sized {
    /// The name in tables, CSV and plots.
    const NAME: &'static str;

    /// A fresh allocator over all of `region`.
    ///
    /// # Safety
    /// `region` must be valid for reads and writes and used by nothing else while the
    /// allocator lives.
    unsafe fn over(region: NonNull<[u8]>) -> Self;

    /// Allocates a block for `layout` (its size is never zero); `None` when out of memory.
    ///
    /// # Safety
    /// The region given to `over` must still be valid.
    unsafe fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>>;

    /// Frees a block.
    ///
    /// # Safety
    /// `ptr` must be a live block of this allocator, allocated with `layout`.
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout);

    /// Resizes a block to `new_size` bytes (never zero), keeping its alignment; on `None` the
    /// old block is still live. Allocators without a resize of their own keep this default:
    /// allocate, copy, free ([`move_block`]).
    ///
    /// # Safety
    /// As for [`Subject::deallocate`].
    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        layout: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: forwarded contract.
        unsafe { move_block(self, ptr, layout, new_size) }
    }
}

/// An allocator that can start small and extend its arena from its out-of-memory hook.
pub trait Growing: Subject {
    /// A fresh allocator over the first `initial` bytes of `region`, growing into the rest.
    ///
    /// # Safety
    /// As for [`Subject::over`].
    unsafe fn growing(region: NonNull<[u8]>, initial: usize) -> Self;

    /// The bytes of the region the allocator has claimed so far.
    fn arena_bytes(&self) -> usize;
}

/// How far an out-of-memory hook extends the arena for `layout`: whole steps of 64 KiB,
/// enough for the request at any alignment, never beyond `room`.
pub fn growth_step(layout: Layout, room: usize) -> usize {
    const STEP: usize = 64 << 10;
    let need = layout.size() + layout.align() + 256;
    need.div_ceil(STEP).saturating_mul(STEP).min(room)
}

/// `reallocate` by moving: allocate, copy, free.
///
/// # Safety
/// As for [`Subject::reallocate`].
pub unsafe fn move_block<A: Subject>(
    allocator: &mut A,
    ptr: NonNull<u8>,
    layout: Layout,
    new_size: usize,
) -> Option<NonNull<u8>> {
    let new = Layout::from_size_align(new_size, layout.align()).ok()?;
    // SAFETY: forwarded contract; the new block is distinct from the live old one.
    unsafe {
        let moved = allocator.allocate(new)?;
        moved.copy_from_nonoverlapping(ptr, layout.size().min(new_size));
        allocator.deallocate(ptr, layout);
        Some(moved)
    }
}

/// A measurement that can run on any allocator.
pub trait OnEach {
    /// Measures allocator `A`.
    fn run<A: Subject>(&mut self);
}

/// A measurement that can run on any growing allocator.
pub trait OnEachGrowing {
    /// Measures allocator `A`.
    fn run<A: Growing>(&mut self);
}

/// A measurement that runs `measurement` on `A`, unless `ALLOCATORS` leaves `A` out.
struct Selected<'a, M>(&'a mut M);

/// Whether the environment's `ALLOCATORS` is unset or names `name`.
fn selected(name: &str) -> bool {
    std::env::var("ALLOCATORS").map_or(true, |names| names.split(',').any(|n| n == name))
}

impl<M: OnEach> Selected<'_, M> {
    fn run<A: Subject>(&mut self) {
        if selected(A::NAME) {
            self.0.run::<A>();
        }
    }
}

impl<M: OnEachGrowing> Selected<'_, M> {
    fn run_growing<A: Growing>(&mut self) {
        if selected(A::NAME) {
            self.0.run::<A>();
        }
    }
}

/// Runs `measurement` on every (selected) allocator, ours first, the baseline last.
pub fn each_subject(measurement: &mut impl OnEach) {
    let mut each = Selected(measurement);
    each.run::<Ours<NeverGrow>>();
    each.run::<OursCached>();
    each.run::<peer_talc::Talc<::talc::source::Manual>>();
    each.run::<peer_rlsf::Tlsf>();
    each.run::<peer_buddy::Buddy>();
    each.run::<peer_dlmalloc::Dlmalloc>();
    each.run::<peer_linked_list::LinkedList>();
}

/// Runs `measurement` on every (selected) allocator that can grow its arena.
pub fn each_growing(measurement: &mut impl OnEachGrowing) {
    let mut each = Selected(measurement);
    each.run_growing::<Ours<ours::ExtendWithin>>();
    each.run_growing::<peer_talc::Talc<peer_talc::ExtendWithin>>();
    each.run_growing::<peer_linked_list::LinkedList>();
}
