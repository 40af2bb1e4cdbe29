//! Committing and decommitting heap window space, charged against frames.
//!
//! A committed page is one the heap may touch; the page-fault handler maps it
//! on first touch, with a frame reserved for it when it was committed (see
//! `frames::reserve`). Decommitting lowers the committed end at once and
//! unmaps the pages above it afterwards, a batch at a time, so a trim never
//! keeps interrupts off for the whole range:
//!
//! ```text
//!   window  [ committed: mapped or reserved | pending unmap: the same | .... ]
//!           START              committed end ▲    ▲ page-aligned     ▲ end of pending
//!   commit:    pages above the end get a reservation, except pending pages,
//!              which are still accounted for and are taken back as they are
//!   decommit:  lowers the end; every whole page above it becomes pending
//!   drain:     unmaps pending pages from the top (frame freed after a TLB
//!              shootdown), or drops the reservation of those never mapped
//! ```
//!
//! Invariant: every page that is committed or pending is either mapped or has
//! one reserved frame, never both. The page tables committed pages may need
//! are reserved too, up to the highest end ever committed (tables stay).

use super::frames::Shortfall;
use super::table_budget::TablesExhausted;
use super::unmap::{Unmapped, BATCH};
use super::PAGE_SIZE;
use super::{window, MEMORY};
use core::fmt;
use core::ops::Range;

/// Why a commit was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refused {
    /// The free frames cannot back the pages.
    Frames(Shortfall),
    /// The page-table budget cannot map them.
    Tables(TablesExhausted),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Frames(short) => write!(f, "frames: {short}"),
            Self::Tables(short) => write!(f, "page tables: {short}"),
        }
    }
}

/// Raises the committed end from `old_end` to `new_end`, reserving a frame for
/// every newly committed page that is not still pending (and so accounted
/// for), and the page tables the new pages need.
///
/// Errors, with nothing changed, when the free frames or the page-table
/// budget cannot cover the pages.
pub(super) fn commit(old_end: u64, new_end: u64) -> Result<(), Refused> {
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("commit before memory::init");
    let new_pages = page_top(new_end).saturating_sub(page_top(old_end)) / PAGE_SIZE;
    let accounted = overlap(&memory.pending_unmap, page_top(old_end)..page_top(new_end));
    let frames = new_pages - accounted;
    memory.frames.reserve(frames).map_err(Refused::Frames)?;
    if let Err(short) = memory.reserve_heap_tables(page_top(new_end)) {
        memory.frames.release(frames);
        return Err(Refused::Tables(short));
    }
    let pending = &mut memory.pending_unmap;
    pending.start = pending.start.max(page_top(new_end)).min(pending.end);
    window::set_committed_end(new_end);
    Ok(())
}

/// Lowers the committed end to `new_end`; every whole page above it becomes
/// pending. Call [`drain`] afterwards, without the heap lock.
pub(super) fn decommit(new_end: u64) {
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("decommit before memory::init");
    let old_top = page_top(window::committed_end());
    let pending = &mut memory.pending_unmap;
    *pending = page_top(new_end)..pending.end.max(old_top);
    window::set_committed_end(new_end);
}

/// Unmaps the pending pages, a batch per hold of the memory lock; returns how
/// many were mapped (their frames are free again).
pub(super) fn drain() -> u64 {
    let mut unmapped = 0;
    loop {
        let mut memory = MEMORY.lock();
        let memory = memory.as_mut().expect("drain before memory::init");
        let pending = memory.pending_unmap.clone();
        if pending.is_empty() {
            return unmapped;
        }
        let batch = pending
            .end
            .saturating_sub(BATCH as u64 * PAGE_SIZE)
            .max(pending.start);
        let mut taken = Unmapped::new();
        for address in (batch..pending.end).step_by(PAGE_SIZE as usize) {
            if taken.take(memory, address) {
                unmapped += 1;
            } else {
                memory.frames.release(1);
            }
        }
        taken.finish(&mut memory.frames);
        memory.pending_unmap.end = batch;
    }
}

/// The end of the page that holds the byte below `end` (page-aligned `end`
/// stays as it is).
pub(super) fn page_top(end: u64) -> u64 {
    end.next_multiple_of(PAGE_SIZE)
}

/// Pages of `range` (page-aligned) that also lie in `pending`.
fn overlap(pending: &Range<u64>, range: Range<u64>) -> u64 {
    let start = range.start.max(pending.start);
    let end = range.end.min(pending.end);
    end.saturating_sub(start) / PAGE_SIZE
}
