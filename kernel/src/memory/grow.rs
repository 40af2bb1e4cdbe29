//! The heap's `Grow` hook: commit more of the heap window, in doubling steps.
//!
//! ```text
//!   window  [committed arena      |+ step ......... |          reserved ]
//!           HEAP_WINDOW_START     old end         new end           window end
//!   step = max(arena size, request + slack), rounded to pages, capped at the window
//! ```
//!
//! Committing maps nothing: the page-fault handler maps each page when the
//! heap first writes to it. The committed end is raised before `extend`,
//! because `extend` itself writes the new end record at the new top.

use super::{counters, window};
use crate::allocator::HEAP;
use core::alloc::Layout;
use heap::{Grow, Heap, Span};

/// Room for chunk tags and alignment padding on top of a request's size.
const SLACK: usize = 4096;
const PAGE: usize = 4096;

/// The hook's state: the one arena the heap has in the window.
#[derive(Debug)]
pub struct WindowGrow {
    arena: Span,
}

impl WindowGrow {
    /// A hook with no arena yet; it refuses to grow until [`memory::init`](super::init)
    /// has claimed the initial arena.
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

impl Grow for WindowGrow {
    fn grow(heap: &mut Heap<Self>, layout: Layout) -> Result<(), heap::AllocError> {
        let old = heap.grow.arena;
        if old.is_empty() {
            return Err(heap::AllocError);
        }
        let needed = layout
            .size()
            .saturating_add(layout.align())
            .saturating_add(SLACK);
        let step = old.size().max(needed).next_multiple_of(PAGE);
        let room = window::window_end() as usize - old.acme() as usize;
        if needed > room {
            return Err(heap::AllocError);
        }
        let new = old.extend(0, step.min(room));
        window::set_committed_end(new.acme() as u64);
        // SAFETY: the new span lies in the heap window, which nothing but the
        // heap uses, and the committed end now covers it, so each page is
        // mapped when first touched.
        let arena = unsafe { heap.extend(old, new) }.map_err(|error| {
            window::set_committed_end(old.acme() as u64);
            log::error!("extending the heap arena failed: {error}");
            heap::AllocError
        })?;
        heap.grow.arena = arena;
        counters::extended();
        Ok(())
    }
}

/// Commits [`window::INITIAL_ARENA`] at the start of the window and gives it to
/// the heap.
pub(super) fn claim_initial_arena() {
    let base = core::ptr::with_exposed_provenance_mut(window::HEAP_WINDOW_START as usize);
    let span = Span::from_base_size(base, window::INITIAL_ARENA);
    window::set_committed_end(span.acme() as u64);
    let mut heap = HEAP.lock();
    assert!(heap.grow.arena.is_empty(), "the heap already has an arena");
    // SAFETY: the window is reserved for the heap, unused (checked by
    // `memory::init`), and committed, so its pages fault in on first touch.
    let arena = unsafe { heap.claim(span) }
        .unwrap_or_else(|error| panic!("claiming the initial heap arena failed: {error}"));
    heap.grow.arena = arena;
}
