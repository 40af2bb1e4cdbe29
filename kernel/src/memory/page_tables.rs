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
//!   window, 99 for the MMIO and DMA windows, all of them one shared budget)
//!   | L3 | L2 | L1 | L1 | ... taken | reserved for committed heap | available |
//!                                  ^ consumed
//! ```
//!
//! The bump is a budget, never drained by anyone else: a heap commit reserves
//! the tables its pages may need (`table_budget`), and the page-fault path
//! takes only reserved pages ([`BumpTableFrames::reserved`]); the DMA and
//! MMIO windows check that the tables a mapping needs are available before
//! they map. Running out is an error where the request is made, never a panic
//! in the page-fault handler.
//!
//! A bump page has a virtual address (in the kernel image); the page tables
//! need its physical address, which the active tables know. That lookup walks
//! the kernel image's own level-3, 2 and 1 tables, found once at boot, so it
//! never reads a table that `map_to` is in the middle of changing.

use super::dma::DMA_TABLE_PAGES;
use super::mmio::MMIO_TABLE_PAGES;
use super::page_walk::{self, read_entry};
use super::table_budget::TablesExhausted;
use super::HEAP_WINDOW_SIZE;
use heap::{Bump, Page};
use x86_64::registers::control::Cr3;
use x86_64::structures::paging::{FrameAllocator, OffsetPageTable, PageTable, PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

/// Tables needed to map the whole heap window with 4 KiB pages (one level-1
/// table per 2 MiB, one level-2 table per 1 GiB, one level-3 table), and the
/// MMIO and DMA windows.
pub const PAGE_TABLE_PAGES: usize = HEAP_WINDOW_SIZE.div_ceil(1 << 21)
    + HEAP_WINDOW_SIZE.div_ceil(1 << 30)
    + 1
    + MMIO_TABLE_PAGES
    + DMA_TABLE_PAGES;

/// Every frame that backs a page table the kernel creates.
static PAGE_TABLE_BUMP: Bump<[Page; PAGE_TABLE_PAGES]> = Bump::uninit();

/// Pages of the bump not yet turned into page tables (some may be reserved).
pub fn pages_left() -> usize {
    PAGE_TABLE_BUMP.pages_left()
}

/// The frame source `OffsetPageTable::map_to` uses for new tables, and the
/// budget of table pages promised to committed heap pages.
pub struct BumpTableFrames {
    physical_memory: VirtAddr,
    /// The level-3 table that maps the kernel image, where the bump lives.
    image_level_3: PhysAddr,
    /// Bump pages promised to committed heap pages not mapped yet.
    reserved: usize,
}

impl BumpTableFrames {
    /// A source that translates bump pages through the kernel image's tables.
    ///
    /// # Safety
    ///
    /// This function is unsafe because all physical memory must be mapped at
    /// `physical_memory`, and it must be called before [`active`] hands out
    /// the `&mut` to the level-4 table.
    pub unsafe fn new(physical_memory: VirtAddr) -> Self {
        let bump = VirtAddr::from_ptr(PAGE_TABLE_BUMP.region_start().as_ptr());
        let bump_end = bump + (PAGE_TABLE_PAGES * 4096) as u64 - 1u64;
        assert_eq!(
            bump.p4_index(),
            bump_end.p4_index(),
            "PAGE_TABLE_BUMP straddles two level-4 entries"
        );
        let level_4 = Cr3::read().0.start_address();
        // SAFETY: CR3 holds a live level-4 table, mapped through the window;
        // nothing else references it yet.
        let entry = unsafe { read_entry(physical_memory, level_4, bump.p4_index()) };
        let image_level_3 = match entry.frame() {
            Ok(frame) => frame.start_address(),
            Err(error) => panic!("the kernel image's level-4 entry is unusable: {error:?}"),
        };
        Self {
            physical_memory,
            image_level_3,
            reserved: 0,
        }
    }

    /// Bump pages neither turned into tables nor reserved.
    pub fn available(&self) -> usize {
        pages_left().saturating_sub(self.reserved)
    }

    /// Promises `pages` table pages to later page faults ([`Self::reserved`]).
    pub(super) fn reserve(&mut self, pages: usize) -> Result<(), TablesExhausted> {
        let available = self.available();
        if pages > available {
            return Err(TablesExhausted {
                needed: pages,
                available,
            });
        }
        self.reserved += pages;
        Ok(())
    }

    /// The frame source for mapping committed heap pages: it spends the
    /// pages [`Self::reserve`] promised, and nothing else.
    pub(super) fn reserved(&mut self) -> ReservedTables<'_> {
        ReservedTables(self)
    }

    /// The next bump page, zeroed, as a frame.
    fn take(&self) -> Option<PhysFrame<Size4KiB>> {
        let page = PAGE_TABLE_BUMP.take_page()?;
        let physical = self.translate(VirtAddr::from_ptr(page.as_ptr()));
        Some(PhysFrame::from_start_address(physical).expect("bump pages are page-aligned"))
    }

    /// The physical address behind the bump address `virt`.
    fn translate(&self, virt: VirtAddr) -> PhysAddr {
        // SAFETY: the level-3 table found in `new` maps the kernel image and
        // all physical memory is mapped at `physical_memory`.
        unsafe { page_walk::translate(self.physical_memory, self.image_level_3, 3, virt) }
            .unwrap_or_else(|error| panic!("PAGE_TABLE_BUMP page {virt:?} is not mapped: {error}"))
    }
}

// SAFETY: every frame handed out is a distinct, zeroed, page-aligned page of
// PAGE_TABLE_BUMP, which is never handed out twice or used for anything else.
// Pages reserved for the heap are left alone: `None` when only those remain.
unsafe impl FrameAllocator<Size4KiB> for BumpTableFrames {
    fn allocate_frame(&mut self) -> Option<PhysFrame<Size4KiB>> {
        if self.available() == 0 {
            return None;
        }
        self.take()
    }
}

/// Table pages reserved by heap commits, handed out to the page-fault path.
pub(super) struct ReservedTables<'a>(&'a mut BumpTableFrames);

// SAFETY: as for `BumpTableFrames`; each page handed out spends one reservation.
unsafe impl FrameAllocator<Size4KiB> for ReservedTables<'_> {
    fn allocate_frame(&mut self) -> Option<PhysFrame<Size4KiB>> {
        self.0.reserved = self.0.reserved.checked_sub(1)?;
        self.0.take()
    }
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
