//! The kernel's page tables, with every new table frame from a private,
//! static `Bump`, charged like frames.
//!
//! Mapping a heap page may need up to three new tables (level 3, 2 and 1).
//! They come from `PAGE_TABLE_BUMP`, an array of pages inside the kernel
//! image, never from the frame allocator: the tables that describe the heap
//! window then cost nothing from the memory they describe, and their number is
//! fixed and visible at build time.
//!
//! ```text
//!   CR3 ─► level 4 ─[entry 320]─► level 3 ─► level 2 ─► level 1 ─► heap page
//!                                  (1)        (1)        (one per 2 MiB, up to 512)
//!
//!   PAGE_TABLE_BUMP (in the kernel image's .bss: 514 pages for the heap
//!   window, 99 for the MMIO and DMA windows, 3 for the guard pool, all of
//!   them one shared budget)
//!   | L3 | L2 | L1 | L1 | ... taken | reserved for committed heap | available |
//!                                  ^ consumed
//! ```
//!
//! The bump is a budget, never drained by anyone else: a heap commit reserves
//! the tables its pages may need (`table_budget`), and the page-fault path
//! takes only reserved pages (`BumpTableFrames::reserved`); the DMA and
//! MMIO windows check that the tables a mapping needs are available before
//! they map. Running out is an error where the request is made, never a panic
//! in the page-fault handler.
//!
//! A bump page has a virtual address (in the kernel image); the page tables
//! need its physical address, which the active tables know. That lookup walks
//! the kernel image's own level-3, 2 and 1 tables, found once at boot, so it
//! never reads a table that `map_to` is in the middle of changing.

mod bump_frames;

pub use bump_frames::BumpTableFrames;

use super::dma::DMA_TABLE_PAGES;
use super::guard_pool::GUARD_POOL_TABLE_PAGES;
use super::mmio::MMIO_TABLE_PAGES;
use super::HEAP_WINDOW_SIZE;
use heap::{Bump, Page};
use x86_64::registers::control::Cr3;
use x86_64::structures::paging::{OffsetPageTable, PageTable};
use x86_64::VirtAddr;

/// Tables needed to map the whole heap window with 4 KiB pages (one level-1
/// table per 2 MiB, one level-2 table per 1 GiB, one level-3 table), and the
/// MMIO and DMA windows, and the guard pool.
pub const PAGE_TABLE_PAGES: usize = HEAP_WINDOW_SIZE.div_ceil(1 << 21)
    + HEAP_WINDOW_SIZE.div_ceil(1 << 30)
    + 1
    + MMIO_TABLE_PAGES
    + DMA_TABLE_PAGES
    + GUARD_POOL_TABLE_PAGES;

/// Every frame that backs a page table the kernel creates.
static PAGE_TABLE_BUMP: Bump<[Page; PAGE_TABLE_PAGES]> = Bump::uninit();

/// Pages of the bump not yet turned into page tables (some may be reserved).
pub fn pages_left() -> usize {
    PAGE_TABLE_BUMP.pages_left()
}

/// The active level-4 table, as an `OffsetPageTable`.
///
/// # Safety
///
/// This function is unsafe because all physical memory must be mapped at
/// `physical_memory`, and it must be called once: the result holds the only
/// `&mut` to the level-4 table.
pub unsafe fn active(physical_memory: VirtAddr) -> OffsetPageTable<'static> {
    let level_4 = Cr3::read().0.start_address();
    let table: *mut PageTable = (physical_memory + level_4.as_u64()).as_mut_ptr();
    // SAFETY: the caller guarantees the mapping and that this is the only reference.
    unsafe { OffsetPageTable::new(&mut *table, physical_memory) }
}
