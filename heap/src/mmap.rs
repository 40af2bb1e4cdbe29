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
//! A step is what the request needs (size + alignment + room for the heap's tags and end
//! record) beyond the committed pages above the arena, or [`MmapGrow::STEP`], whichever is
//! larger, in whole pages, and never past the reservation (the last step may be smaller);
//! when the reservation cannot hold what the request needs, allocation fails. Nothing is
//! ever unmapped.
//!
//! The hook keeps no copy of the arena: it finds it among the heap's arenas on every call,
//! so it follows a `truncate` (the pages above a truncated arena stay committed, and the next
//! growth uses them before committing more) and a release (the next growth claims the
//! committed pages again). A step whose `extend` or `claim` fails is taken back.

use crate::{AllocError, HookHeap, OutOfMemory, Span};
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
        }
    }

    /// The reserved address space (empty before first use).
    pub fn reserved(&self) -> Span {
        self.reserved
    }

    /// The committed part of the reservation, from its base. The heap's arena lies in it and
    /// reaches its end after every growth (less the word below the first 16-byte boundary;
    /// see [`Heap::claim`](crate::Heap::claim)); after a `truncate` or a release, the pages
    /// above the arena stay committed until the next growth takes them.
    pub fn committed(&self) -> Span {
        Span::from_base_size(self.reserved.base(), self.committed)
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

    /// Commits enough of the reservation that `need` bytes fit above `top` (the arena's end,
    /// or the reservation's base when there is no arena); returns the bytes committed now
    /// (0 when the committed pages above `top` already have the room).
    fn commit_for(&mut self, top: usize, need: usize) -> Result<usize, AllocError> {
        let committed_acme = self.reserved.base().addr() + self.committed;
        let missing = need.saturating_sub(committed_acme - top);
        if missing == 0 {
            return Ok(0);
        }
        let room = self.reserved.size() - self.committed;
        let missing = missing.checked_next_multiple_of(PAGE);
        let missing = missing
            .filter(|&missing| missing <= room)
            .ok_or(AllocError)?;
        let step = missing.max(Self::STEP).min(room);
        self.protect(self.committed, step, libc::PROT_READ | libc::PROT_WRITE)?;
        self.committed += step;
        Ok(step)
    }

    /// Gives back the last `step` bytes committed (a growth that the heap refused).
    fn uncommit(&mut self, step: usize) {
        if step == 0 {
            return;
        }
        self.committed -= step;
        // The pages were never handed out; if they cannot be protected again they stay
        // committed and counted, and the next growth uses them.
        if self.protect(self.committed, step, libc::PROT_NONE).is_err() {
            self.committed += step;
        }
    }

    /// Sets the protection of `size` bytes at `offset` into the reservation.
    fn protect(&self, offset: usize, size: usize, prot: libc::c_int) -> Result<(), AllocError> {
        let start = self.reserved.base().wrapping_add(offset).cast();
        // SAFETY: `[start, start + size)` lies in our reservation, whose pages beyond the
        // committed ones nothing uses.
        match unsafe { libc::mprotect(start, size, prot) } {
            0 => Ok(()),
            _ => Err(AllocError),
        }
    }
}

impl OutOfMemory for MmapGrow {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, layout: Layout) -> Result<(), AllocError> {
        heap.hook_mut().reserve()?;
        let reserved = heap.hook().reserved;
        // The arena as the heap has it now: a truncate or a release may have changed it.
        let arena = heap.arenas().find(|&arena| reserved.contains_span(arena));
        let top = arena.map_or(reserved.base().addr(), |arena| arena.acme().addr());
        let need = layout
            .size()
            .saturating_add(layout.align())
            .saturating_add(SLACK);
        let step = heap.hook_mut().commit_for(top, need)?;
        let committed = heap.hook().committed();
        // SAFETY: `committed` is readable and writable memory of our own reservation, used by
        // nothing but this heap; its base pointer comes from `mmap`, so it carries the
        // provenance of the whole reservation.
        let grown = unsafe {
            match arena {
                None => heap.claim(committed).map_err(|_| AllocError),
                Some(old) => {
                    let base = committed.base().with_addr(old.base().addr());
                    let new = Span::new(base, committed.acme());
                    heap.extend(old, new).map_err(|_| AllocError)
                }
            }
        };
        match grown {
            Ok(arena) => {
                debug_assert_eq!(
                    arena.acme(),
                    committed.acme(),
                    "the committed span ends on a page"
                );
                Ok(())
            }
            Err(error) => {
                heap.hook_mut().uncommit(step);
                Err(error)
            }
        }
    }
}
