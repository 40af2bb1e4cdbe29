//! Mapping and unmapping runs of pages in the device windows (MMIO, DMA).
//!
//! ```text
//!   map_run:    the tables the run needs are in the budget? no ─► Err
//!               map every page (virtual run ─► physical run), flush locally
//!   unmap_run:  unmap in batches, shoot down on every CPU, then free the
//!               frames (DMA) or leave them (device registers)
//! ```
//!
//! Both run under the memory lock, so the check and the mapping see the same
//! tables.

use super::table_budget::TablesExhausted;
use super::unmap::{Owner, Unmapped};
use super::{Memory, PAGE_SIZE};
use x86_64::structures::paging::{Mapper, Page, PageTableFlags, PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

/// Maps `pages` pages from virtual `virt` to the physical run from
/// `physical` with `flags`; errors, with nothing mapped, when the page-table
/// budget cannot cover the new tables.
///
/// # Safety
///
/// This function is unsafe because the virtual run must be claimed by the
/// caller and unmapped, and the physical run must be memory the caller may
/// hand to whoever uses the mapping.
pub(super) unsafe fn map_run(
    memory: &mut Memory,
    virt: u64,
    physical: u64,
    pages: usize,
    flags: PageTableFlags,
) -> Result<(), TablesExhausted> {
    let bytes = pages as u64 * PAGE_SIZE;
    memory.check_tables(virt..virt + bytes)?;
    for offset in (0..bytes).step_by(PAGE_SIZE as usize) {
        let page = Page::<Size4KiB>::containing_address(VirtAddr::new(virt + offset));
        let frame = PhysFrame::containing_address(PhysAddr::new(physical + offset));
        // SAFETY: the caller vouches for both runs; the page is unmapped.
        match unsafe { memory.mapper.map_to(page, frame, flags, &mut memory.tables) } {
            Ok(flush) => flush.flush(),
            Err(error) => panic!(
                "mapping {:#x} failed after its tables were checked: {error:?}",
                virt + offset
            ),
        }
    }
    Ok(())
}

/// Unmaps the `pages` pages from `start` (all mapped, all `owner`'s), shot
/// down on every CPU, their frames freed unless they are device memory.
///
/// Panics if one of them was not mapped: its owner lost count.
pub(super) fn unmap_run(memory: &mut Memory, start: u64, pages: usize, owner: Owner) {
    let mut taken = Unmapped::of(owner);
    for page in 0..pages as u64 {
        if taken.is_full() {
            taken.finish(&mut memory.frames);
        }
        let address = start + page * PAGE_SIZE;
        assert!(
            taken.take(memory, address),
            "{owner:?} page {address:#x} was not mapped"
        );
    }
    taken.finish(&mut memory.frames);
}
