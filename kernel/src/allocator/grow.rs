//! The heap's `OutOfMemory` hook: commit more of the heap window, in doubling steps.
//!
//! ```text
//!   window  [committed arena  | free top |+ step ........ |        reserved ]
//!           HEAP_WINDOW_START            old end          new end      window end
//!   missing = request + alignment + slack - the free chunk already at the top
//!   step    = max(arena size, missing), or just `missing` if RAM cannot back
//!             the doubling; page-rounded and capped at the window
//! ```
//!
//! Committing maps nothing but reserves a frame per new page (`commit`), so a
//! request the machine cannot back fails here, as an allocation error, and not
//! later in the page-fault handler. The committed end is raised before
//! `extend`, because `extend` itself writes the new end record at the new top.

use super::HEAP;
use crate::memory::{commit, counters, window};
use core::alloc::Layout;
use heap::{HookHeap, OutOfMemory, Span};

/// Room for chunk tags and alignment padding on top of a request's size.
const SLACK: usize = 4096;

/// The hook's state: the one arena the heap has in the window.
#[derive(Debug)]
pub struct WindowGrow {
    arena: Span,
}

impl WindowGrow {
    /// A hook with no arena yet; it refuses to grow until `allocator::init`
    /// has run.
    pub const fn new() -> Self {
        Self {
            arena: Span::empty(),
        }
    }

    /// The arena as the heap knows it.
    pub fn arena(&self) -> Span {
        self.arena
    }

    /// Records the arena after `trim` truncated it.
    pub(super) fn set_arena(&mut self, arena: Span) {
        self.arena = arena;
    }
}

impl Default for WindowGrow {
    fn default() -> Self {
        Self::new()
    }
}

impl OutOfMemory for WindowGrow {
    fn out_of_memory(heap: &mut HookHeap<Self>, layout: Layout) -> Result<(), heap::AllocError> {
        let old = heap.hook().arena;
        if old.is_empty() {
            return Err(heap::AllocError);
        }
        let used = heap
            .allocated_span(old)
            .expect("the hook's arena is an arena of its heap");
        let free_top = if used.is_empty() {
            old.size()
        } else {
            old.acme() as usize - used.acme() as usize
        };
        let missing = layout
            .size()
            .saturating_add(layout.align())
            .saturating_add(SLACK)
            .saturating_sub(free_top);
        let room = window::window_end() as usize - old.acme() as usize;
        if missing > room {
            return Err(heap::AllocError);
        }
        for step in [old.size().max(missing), missing] {
            let acme = commit::page_top((old.acme() as usize + step.min(room)) as u64);
            if commit::commit(old.acme() as u64, acme).is_err() {
                continue;
            }
            let new = Span::new(old.base(), old.base().with_addr(acme as usize));
            // SAFETY: the new span lies in the heap window, which nothing but
            // the heap uses, and it is committed, so each page is mapped when
            // first touched.
            match unsafe { heap.extend(old, new) } {
                Ok(arena) => {
                    heap.hook_mut().arena = arena;
                    counters::extended();
                    return Ok(());
                }
                Err(error) => {
                    log::error!("extending the heap arena {old} to {new} failed: {error}");
                    commit::decommit(old.acme() as u64);
                    commit::drain();
                    return Err(heap::AllocError);
                }
            }
        }
        counters::commit_refused();
        Err(heap::AllocError)
    }
}

/// Commits [`window::INITIAL_ARENA`] at the start of the window and gives it to
/// the heap.
///
/// Panics if the heap already has an arena, or if the frames cannot back it.
pub(super) fn claim_initial_arena() {
    let base = core::ptr::with_exposed_provenance_mut(window::HEAP_WINDOW_START as usize);
    let span = Span::from_base_size(base, window::INITIAL_ARENA);
    commit::commit(window::HEAP_WINDOW_START, span.acme() as u64)
        .unwrap_or_else(|short| panic!("no frames for the initial heap arena: {short}"));
    let mut heap = HEAP.heap().lock();
    assert!(heap.hook.arena.is_empty(), "the heap already has an arena");
    // SAFETY: the window is reserved for the heap, unused (checked by
    // `memory::init`), and committed, so its pages fault in on first touch.
    let arena = unsafe { heap.claim(span) }
        .unwrap_or_else(|error| panic!("claiming the initial heap arena failed: {error}"));
    heap.hook.arena = arena;
    // The free lists' secret (with `heap-harden`; a no-op otherwise): the cycle count at
    // boot differs from boot to boot.
    heap.set_link_secret(crate::arch::tsc());
}
