//! What the memory system has done, for the serial report, and the frame count that
//! must not change while the heap grows and shrinks (`make run` checks it).

use super::{page_tables, window, MEMORY};
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};

static PAGE_FAULTS: AtomicU64 = AtomicU64::new(0);
static MAPPED_PAGES: AtomicU64 = AtomicU64::new(0);
static EXTENDS: AtomicU64 = AtomicU64::new(0);
static REFUSED_COMMITS: AtomicU64 = AtomicU64::new(0);
static TRIMS: AtomicU64 = AtomicU64::new(0);
static DISCARDED_PAGES: AtomicU64 = AtomicU64::new(0);

/// Counts a page fault served by mapping a page.
pub(super) fn page_fault_served() {
    PAGE_FAULTS.fetch_add(1, Ordering::Relaxed);
    MAPPED_PAGES.fetch_add(1, Ordering::Relaxed);
}

/// Counts an `extend` of the heap arena.
pub(crate) fn extended() {
    EXTENDS.fetch_add(1, Ordering::Relaxed);
}

/// Counts a growth step refused because no frames could back it.
pub(crate) fn commit_refused() {
    REFUSED_COMMITS.fetch_add(1, Ordering::Relaxed);
}

/// Counts a heap page unmapped (its frame freed).
pub(super) fn page_unmapped() {
    MAPPED_PAGES.fetch_sub(1, Ordering::Relaxed);
}

/// Counts a trim that discarded `inside` pages in free chunks.
pub(crate) fn trimmed(inside: u64) {
    TRIMS.fetch_add(1, Ordering::Relaxed);
    DISCARDED_PAGES.fetch_add(inside, Ordering::Relaxed);
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
    /// Growth steps refused because the free frames could not back them.
    pub refused_commits: u64,
    /// Times the heap was trimmed.
    pub trims: u64,
    /// Pages inside free chunks that trims unmapped (all trims together).
    pub discarded_pages: u64,
    /// Pages of the page-table bump turned into tables.
    pub bump_pages_used: usize,
    /// Page-table pages neither used nor reserved (0 before `init`).
    pub table_pages_available: usize,
    /// Frames not handed out (0 before `init`); some are reserved.
    pub free_frames: u64,
    /// Free frames promised to committed heap pages not mapped yet.
    pub reserved_frames: u64,
}

impl MemoryReport {
    /// Reads every counter now, as one snapshot: the free frames and the mapped pages are
    /// read under the memory lock, which every change of either holds (a page fault takes a
    /// frame and counts its page, an unmap counts the page and frees the frame, both with
    /// the lock held), so `free_frames + mapped_pages` adds up in every report even while
    /// other CPUs, or an interrupt on this one, map and unmap pages.
    pub fn now() -> Self {
        let memory = MEMORY.lock();
        let (free_frames, reserved_frames, table_pages_available) =
            memory.as_ref().map_or((0, 0, 0), |m| {
                (
                    m.frames.free_frames(),
                    m.frames.reserved(),
                    m.tables.available(),
                )
            });
        let report = Self {
            committed_bytes: window::committed_bytes(),
            mapped_pages: MAPPED_PAGES.load(Ordering::Relaxed),
            page_faults: PAGE_FAULTS.load(Ordering::Relaxed),
            extends: EXTENDS.load(Ordering::Relaxed),
            refused_commits: REFUSED_COMMITS.load(Ordering::Relaxed),
            trims: TRIMS.load(Ordering::Relaxed),
            discarded_pages: DISCARDED_PAGES.load(Ordering::Relaxed),
            bump_pages_used: page_tables::PAGE_TABLE_PAGES - page_tables::pages_left(),
            table_pages_available,
            free_frames,
            reserved_frames,
        };
        drop(memory);
        report
    }

    /// Frames either free or under a mapped heap page: constant while the heap grows and
    /// shrinks, if no frame is lost.
    pub fn frames_in_play(&self) -> u64 {
        self.free_frames + self.mapped_pages
    }
}

impl fmt::Display for MemoryReport {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "committed {} KiB, {} pages mapped, {} page faults served, {} extends ({} refused), \
             {} trims ({} pages discarded inside), {}/{} bump pages used ({} available), \
             {} free frames ({} reserved)",
            self.committed_bytes / 1024,
            self.mapped_pages,
            self.page_faults,
            self.extends,
            self.refused_commits,
            self.trims,
            self.discarded_pages,
            self.bump_pages_used,
            page_tables::PAGE_TABLE_PAGES,
            self.table_pages_available,
            self.free_frames,
            self.reserved_frames
        )
    }
}
