//! The bump's pages as frames for `map_to`: translated to physical addresses
//! through the kernel image's own tables, and counted against the budget
//! (pages reserved for committed heap pages go only to the page-fault path).

use super::{pages_left, PAGE_TABLE_BUMP, PAGE_TABLE_PAGES};
use crate::memory::page_walk::{self, read_entry};
use crate::memory::table_budget::TablesExhausted;
use x86_64::registers::control::Cr3;
use x86_64::structures::paging::{FrameAllocator, PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

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
    /// `physical_memory`, and it must be called before `active` hands out
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
    pub(in crate::memory) fn reserve(&mut self, pages: usize) -> Result<(), TablesExhausted> {
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
    pub(in crate::memory) fn reserved(&mut self) -> ReservedTables<'_> {
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
pub(in crate::memory) struct ReservedTables<'a>(&'a mut BumpTableFrames);

// SAFETY: as for `BumpTableFrames`; each page handed out spends one reservation.
unsafe impl FrameAllocator<Size4KiB> for ReservedTables<'_> {
    fn allocate_frame(&mut self) -> Option<PhysFrame<Size4KiB>> {
        self.0.reserved = self.0.reserved.checked_sub(1)?;
        self.0.take()
    }
}
