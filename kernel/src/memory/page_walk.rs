//! Translating a virtual address by reading page tables through the
//! physical-memory window, without `OffsetPageTable`.
//!
//! The walk starts at any level, which lets the page-table bump translate its
//! own pages from the kernel image's level-3 table while `map_to` holds the
//! only `&mut` to the level-4 table. At levels 3 and 2 an entry may map a huge
//! page (1 GiB, 2 MiB: the `HUGE_PAGE` bit); at level 1 the same bit is PAT, a
//! caching attribute, and the entry always maps a 4 KiB page.
//!
//! ```text
//!   level   index bits   an entry with HUGE_PAGE maps
//!     4      47..39       (reserved: never huge)
//!     3      38..30       1 GiB  = 1 << (12 + 9 * 2)
//!     2      29..21       2 MiB  = 1 << (12 + 9 * 1)
//!     1      20..12       4 KiB  (bit 7 is PAT here)
//! ```

use core::fmt;
use x86_64::structures::paging::page_table::{PageTableEntry, PageTableFlags};
use x86_64::structures::paging::PageTableIndex;
use x86_64::{PhysAddr, VirtAddr};

/// Why a walk found no mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotMapped {
    /// The level of the table whose entry was not present.
    pub level: u8,
}

impl fmt::Display for NotMapped {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "its level-{} entry is not present", self.level)
    }
}

/// Bytes one entry of a level-`level` table maps (4 KiB at level 1).
pub const fn entry_span(level: u8) -> u64 {
    1 << (12 + 9 * (level as u32 - 1))
}

/// The physical address `virt` maps to, walking down from the level-`level`
/// table at physical address `table`.
///
/// # Safety
///
/// This function is unsafe because `table` must be a live page table of that
/// level, every table below it must be live, and all physical memory must be
/// mapped at `physical_memory`.
pub unsafe fn translate(
    physical_memory: VirtAddr,
    mut table: PhysAddr,
    level: u8,
    virt: VirtAddr,
) -> Result<PhysAddr, NotMapped> {
    assert!((1..=4).contains(&level), "no page-table level {level}");
    for level in (1..=level).rev() {
        let index = PageTableIndex::new_truncate((virt.as_u64() >> (12 + 9 * (level - 1))) as u16);
        // SAFETY: `table` is a live table (the caller's promise, then a present
        // entry of the table above it).
        let entry = unsafe { read_entry(physical_memory, table, index) };
        let flags = entry.flags();
        if !flags.contains(PageTableFlags::PRESENT) {
            return Err(NotMapped { level });
        }
        let huge = level != 1 && flags.contains(PageTableFlags::HUGE_PAGE);
        if level == 1 || huge {
            let span = entry_span(level);
            // A huge entry's PAT bit (bit 12) sits inside the address field.
            return Ok(entry.addr().align_down(span) + (virt.as_u64() & (span - 1)));
        }
        table = entry.addr();
    }
    unreachable!("the walk returns at level 1")
}

/// Entry `index` of the table at `table`, read by value.
///
/// # Safety
///
/// This function is unsafe because `table` must be a page table mapped at
/// `physical_memory + table`.
pub unsafe fn read_entry(
    physical_memory: VirtAddr,
    table: PhysAddr,
    index: PageTableIndex,
) -> PageTableEntry {
    let entries: *const PageTableEntry = (physical_memory + table.as_u64()).as_ptr();
    // SAFETY: a page table is 512 entries, and `index` is below 512; the read
    // goes through a raw pointer, so no reference to the table is created.
    unsafe { entries.add(usize::from(index)).read() }
}
