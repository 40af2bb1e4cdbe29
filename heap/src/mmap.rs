//! `MmapGrow`: a growth source for hosted programs (feature `mmap`): the heap's one arena
//! lives in a large reservation of address space, and grows by committing more of it, as
//! the kernel's heap grows inside its window.
//!
//! ```text
//!   first use:  mmap(reserve bytes, PROT_NONE, MAP_NORESERVE)   address space only
//!   each grow:  mprotect(next step, READ | WRITE)                commit (charged to the
//!               claim (first) or extend (later) the arena         process); pages are
//!   reserved  |<=== arena: committed, claimed ===>|··· PROT_NONE ···|   backed on first touch
//! ```
//!
//! A step is the request (size + alignment + room for the heap's tags and end record) or
//! [`MmapGrow::STEP`], whichever is larger, in whole pages, and never past the reservation;
//! when the reservation is used up, allocation fails. Nothing is ever unmapped.

use crate::{AllocError, Heap, OutOfMemory, Span};
use core::alloc::Layout;
use core::ptr::null_mut;

/// An out-of-memory hook that grows the heap's arena inside an `mmap` reservation.
///
/// With it, a program gets this heap as its global allocator in three lines:
///
/// ```
/// use tagheap::{MmapGrow, SpinLockedHeap};
/// #[global_allocator]
/// static HEAP: SpinLockedHeap<MmapGrow> = SpinLockedHeap::new(MmapGrow::new(64 << 30));
///
/// fn main() {
///     let words: Vec<String> = (0..1000).map(|n| n.to_string()).collect();
///     assert_eq!(words[999], "999");
///     assert!(HEAP.lock().hook.committed().size() >= MmapGrow::STEP);
/// }
/// ```
#[derive(Debug)]
pub struct MmapGrow {
    reserve: usize,
    reserved: Span,
    /// Bytes committed from the reservation's base.
    committed: usize,
    /// The heap's arena, as `claim` or `extend` last returned it (empty before first use).
    arena: Span,
}

/// The host's page size: commits are whole pages.
const PAGE: usize = 4096;
/// Bytes a step adds beyond the request: the heap's tag, a split-off chunk and the arena's
/// end record, rounded up generously.
const SLACK: usize = 256;

impl MmapGrow {
    /// The smallest step the arena grows by: 1 MiB.
    pub const STEP: usize = 1 << 20;

    /// A hook that will reserve `reserve` bytes of address space on first use (nothing is
    /// mapped before). The reservation costs no memory: reserve generously.
    pub const fn new(reserve: usize) -> Self {
        Self {
            reserve,
            reserved: Span::empty(),
            committed: 0,
            arena: Span::empty(),
        }
    }

    /// The reserved address space (empty before first use).
    pub fn reserved(&self) -> Span {
        self.reserved
    }

    /// The committed part of the reservation, which the heap's arena covers (less the word
    /// below the first 16-byte boundary; see [`Heap::claim`]).
    pub fn committed(&self) -> Span {
        Span::from_base_size(self.reserved.base(), self.committed)
    }

    /// The heap's arena, as the heap last reported it (empty before first use).
    pub fn arena(&self) -> Span {
        self.arena
    }

    /// Reserves the address space unless it is already reserved.
    fn reserve(&mut self) -> Result<(), AllocError> {
        if !self.reserved.is_empty() {
            return Ok(());
        }
        let size = self
            .reserve
            .checked_next_multiple_of(PAGE)
            .ok_or(AllocError)?;
        let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
        // SAFETY: a fresh anonymous mapping at an address of the kernel's choosing touches
        // no existing memory.
        let base = unsafe { libc::mmap(null_mut(), size, libc::PROT_NONE, flags, -1, 0) };
        if base == libc::MAP_FAILED || size == 0 {
            return Err(AllocError);
        }
        self.reserved = Span::from_base_size(base.cast(), size);
        Ok(())
    }

    /// Commits the next step for `layout`; returns the span committed now.
    fn commit(&mut self, layout: Layout) -> Result<Span, AllocError> {
        self.reserve()?;
        let room = self.reserved.size() - self.committed;
        let need = layout
            .size()
            .saturating_add(layout.align())
            .saturating_add(SLACK);
        let step = need.max(Self::STEP).checked_next_multiple_of(PAGE);
        let step = step.filter(|&step| step <= room).ok_or(AllocError)?;
        let start = self.reserved.base().wrapping_add(self.committed).cast();
        let prot = libc::PROT_READ | libc::PROT_WRITE;
        // SAFETY: `[start, start + step)` lies in our reservation, which nothing else uses.
        if unsafe { libc::mprotect(start, step, prot) } != 0 {
            return Err(AllocError);
        }
        self.committed += step;
        Ok(self.committed())
    }
}

impl OutOfMemory for MmapGrow {
    fn out_of_memory(heap: &mut Heap<Self>, layout: Layout) -> Result<(), AllocError> {
        let new = heap.hook.commit(layout)?;
        let old = heap.hook.arena;
        // SAFETY: `new` is committed, readable and writable memory of our own reservation,
        // used by nothing but this heap; its base pointer comes from `mmap`, so it carries
        // the provenance of the whole reservation.
        let arena = unsafe {
            if old.is_empty() {
                heap.claim(new).map_err(|_| AllocError)?
            } else {
                heap.extend(old, new).map_err(|_| AllocError)?
            }
        };
        debug_assert_eq!(
            arena.acme(),
            new.acme(),
            "the committed span ends on a page"
        );
        heap.hook.arena = arena;
        Ok(())
    }
}
