//! Counting the page tables a mapping will need, so the budget of table pages
//! (`page_tables`) is charged where a request is made.
//!
//! ```text
//!   heap window: tables never go away, so a commit up to `top` needs
//!     tables(top) = L3 + one L2 per GiB + one L1 per 2 MiB below top
//!   and reserves tables(new top) - tables(highest top so far)
//!
//!   device windows (MMIO, DMA): walk the live tables over the range and
//!   count the entries that are not present
//!     level 4 ─ entry present? ─ level 3 ─ present? ─ level 2 ─ present?
//!                 no: +1 (L3)                 no: +1 (L2)       no: +1 (L1)
//! ```

use super::page_walk::{entry_span, read_entry};
use super::{Memory, HEAP_WINDOW_START};
use core::fmt;
use core::ops::Range;
use x86_64::registers::control::Cr3;
use x86_64::structures::paging::{PageTableFlags, PageTableIndex};
use x86_64::{PhysAddr, VirtAddr};

/// The page-table budget cannot cover a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TablesExhausted {
    /// Table pages the mapping needs.
    pub needed: usize,
    /// Table pages neither used nor promised.
    pub available: usize,
}

impl fmt::Display for TablesExhausted {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "{} page-table pages needed, {} available",
            self.needed, self.available
        )
    }
}

/// Tables that map the heap window from its start up to `top`.
fn heap_tables(top: u64) -> usize {
    let bytes = top.saturating_sub(HEAP_WINDOW_START);
    if bytes == 0 {
        return 0;
    }
    (1 + bytes.div_ceil(entry_span(3)) + bytes.div_ceil(entry_span(2))) as usize
}

impl Memory {
    /// Reserves the tables the heap window needs up to `top` that no earlier
    /// commit reserved.
    pub(super) fn reserve_heap_tables(&mut self, top: u64) -> Result<(), TablesExhausted> {
        let needed = heap_tables(top).saturating_sub(heap_tables(self.heap_table_top));
        self.tables.reserve(needed)?;
        self.heap_table_top = self.heap_table_top.max(top);
        Ok(())
    }

    /// Checks that the budget covers the tables mapping every page of
    /// `range` (in a device window) would create.
    pub(super) fn check_tables(&self, range: Range<u64>) -> Result<(), TablesExhausted> {
        let level_4 = Cr3::read().0.start_address();
        let needed = missing_below(self.physical_memory, Some(level_4), 4, range);
        let available = self.tables.available();
        match needed <= available {
            true => Ok(()),
            false => Err(TablesExhausted { needed, available }),
        }
    }
}

/// Tables missing under the level-`level` table `table` (`None`: missing
/// itself) to map every page of `range`.
fn missing_below(
    physical_memory: VirtAddr,
    table: Option<PhysAddr>,
    level: u8,
    range: Range<u64>,
) -> usize {
    if level == 1 {
        return 0;
    }
    let span = entry_span(level);
    let mut missing = 0;
    let mut at = range.start;
    while at < range.end {
        let end = (at - at % span).saturating_add(span).min(range.end);
        let index = PageTableIndex::new_truncate((at >> (12 + 9 * (u32::from(level) - 1))) as u16);
        let child = table.and_then(|table| {
            // SAFETY: `table` is a live table of this level: CR3's, or the
            // address in a present entry of the table above.
            let entry = unsafe { read_entry(physical_memory, table, index) };
            entry
                .flags()
                .contains(PageTableFlags::PRESENT)
                .then(|| entry.addr())
        });
        missing += usize::from(child.is_none());
        missing += missing_below(physical_memory, child, level - 1, at..end);
        at = end;
    }
    missing
}
