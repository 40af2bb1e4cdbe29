//! What the memory system has done, for the serial report.

use super::{page_tables, window, MEMORY};
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};

static PAGE_FAULTS: AtomicU64 = AtomicU64::new(0);
static MAPPED_PAGES: AtomicU64 = AtomicU64::new(0);
static EXTENDS: AtomicU64 = AtomicU64::new(0);
static TRUNCATES: AtomicU64 = AtomicU64::new(0);

/// Counts a page fault served by mapping a page.
pub(super) fn page_fault_served() {
    PAGE_FAULTS.fetch_add(1, Ordering::Relaxed);
    MAPPED_PAGES.fetch_add(1, Ordering::Relaxed);
}

/// Counts an `extend` of the heap arena.
pub(super) fn extended() {
    EXTENDS.fetch_add(1, Ordering::Relaxed);
}

/// Counts a `truncate` that unmapped `pages` pages.
pub(super) fn truncated(pages: u64) {
    TRUNCATES.fetch_add(1, Ordering::Relaxed);
    MAPPED_PAGES.fetch_sub(pages, Ordering::Relaxed);
}

/// A snapshot of the memory counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryReport {
    /// Bytes of the heap window committed to the arena.
    pub committed_bytes: u64,
    /// Heap pages currently mapped.
    pub mapped_pages: u64,
    /// Page faults served by mapping a page.
    pub page_faults: u64,
    /// Times the arena was extended.
    pub extends: u64,
    /// Times the arena was truncated.
    pub truncates: u64,
    /// Pages of `PAGE_TABLE_BUMP` handed out.
    pub bump_pages_used: usize,
    /// Frames the frame allocator can still hand out (0 before `init`).
    pub free_frames: u64,
}

impl MemoryReport {
    /// Reads every counter now; takes the memory lock briefly.
    pub fn now() -> Self {
        let free_frames = MEMORY.lock().as_ref().map_or(0, |m| m.frames.free_frames());
        Self {
            committed_bytes: window::committed_bytes(),
            mapped_pages: MAPPED_PAGES.load(Ordering::Relaxed),
            page_faults: PAGE_FAULTS.load(Ordering::Relaxed),
            extends: EXTENDS.load(Ordering::Relaxed),
            truncates: TRUNCATES.load(Ordering::Relaxed),
            bump_pages_used: page_tables::PAGE_TABLE_PAGES
                - page_tables::PAGE_TABLE_BUMP.pages_left(),
            free_frames,
        }
    }
}

impl fmt::Display for MemoryReport {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "committed {} KiB, {} pages mapped, {} page faults served, {} extends, {} truncates, \
             {}/{} bump pages used, {} free frames",
            self.committed_bytes / 1024,
            self.mapped_pages,
            self.page_faults,
            self.extends,
            self.truncates,
            self.bump_pages_used,
            page_tables::PAGE_TABLE_PAGES,
            self.free_frames
        )
    }
}
