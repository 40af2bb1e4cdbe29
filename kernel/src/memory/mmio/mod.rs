//! Device memory: physical register ranges (PCI BARs, the APICs) mapped
//! uncached in a window of their own, unmapped when their handle drops.
//!
//! ```text
//!   0xffff_a080_0000_0000  MMIO_WINDOW_START (level-4 entry 321)
//!   | APIC |g| I/O APIC |g| BAR 0: 16 MiB framebuffer ..... |g| free ... |
//!   |<------------- 1 GiB in 64 KiB granules, first fit ------------------>|
//!   g: one unmapped guard granule after each mapping
//!
//!   map(physical, size) ─► Mmio ─► drop: unmapped, shot down on every CPU,
//!                                  granules free again (the device's frames
//!                                  are not RAM: never freed)
//! ```
//!
//! Device registers must not be cached or combined: a read has side effects
//! and must reach the device every time. The physical-memory window of the
//! bootloader maps them write-back, so drivers use this window instead. Its
//! page tables come from the page-table budget, checked before mapping.

mod handle;

pub use handle::Mmio;

use super::run::map_run;
use super::table_budget::TablesExhausted;
use super::window_space::{WindowSpace, GRANULES};
use super::{MEMORY, PAGE_SIZE};
use core::fmt;
use core::ptr::NonNull;
use x86_64::structures::paging::PageTableFlags;

/// Lowest address of the MMIO window.
pub const MMIO_WINDOW_START: u64 = 0xffff_a080_0000_0000;
/// Bytes of address space the MMIO window spans.
pub const MMIO_WINDOW_SIZE: u64 = 1 << 30;
/// Page tables the budget sets aside for the window: its level 3 (shared with
/// the DMA window), its level 2, and level-1 tables for 128 MiB mapped at once
/// (the heap's unused share of the budget covers more).
pub const MMIO_TABLE_PAGES: usize = 1 + 1 + 64;
/// The window's unit of address space.
const GRANULE: u64 = MMIO_WINDOW_SIZE / GRANULES as u64;
/// Physical addresses x86_64 page tables can hold.
const PHYSICAL_LIMIT: u64 = 1 << 52;

/// Which granules of the window are in use (a guard granule after each mapping included).
static SPACE: WindowSpace = WindowSpace::new();

/// Why device memory could not be mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MmioError {
    /// A range of no bytes was asked for.
    Empty,
    /// The range wraps or lies beyond what page tables can address.
    OutOfRange {
        /// Start of the range.
        physical: u64,
        /// Its size.
        size: u64,
    },
    /// The window has no free run that large.
    WindowFull {
        /// Bytes asked for.
        bytes: u64,
    },
    /// The page-table budget cannot cover the mapping.
    NoPageTables(TablesExhausted),
}

impl fmt::Display for MmioError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("a device range needs at least one byte"),
            Self::OutOfRange { physical, size } => {
                write!(f, "{size:#x} bytes at {physical:#x} are not addressable")
            }
            Self::WindowFull { bytes } => {
                write!(f, "the MMIO window has no room for {bytes:#x} bytes")
            }
            Self::NoPageTables(short) => write!(f, "no page tables for the MMIO window: {short}"),
        }
    }
}

/// Maps `size` bytes of device memory at physical address `physical`
/// uncached; errors when the window or the page-table budget has no room.
///
/// # Safety
///
/// This function is unsafe because the physical range must be device memory
/// (or memory nothing else uses): the kernel may then read and write it.
pub unsafe fn map(physical: u64, size: u64) -> Result<Mmio, MmioError> {
    if size == 0 {
        return Err(MmioError::Empty);
    }
    let end = physical
        .checked_add(size)
        .filter(|&end| end <= PHYSICAL_LIMIT);
    let (Some(_), Ok(len)) = (end, usize::try_from(size)) else {
        return Err(MmioError::OutOfRange { physical, size });
    };
    let offset = physical % PAGE_SIZE;
    let pages = (offset + size).div_ceil(PAGE_SIZE);
    let granules = granules_for(pages);
    let first = SPACE
        .claim(granules)
        .ok_or(MmioError::WindowFull { bytes: size })?;
    let start = MMIO_WINDOW_START + first as u64 * GRANULE;
    let flags = PageTableFlags::PRESENT
        | PageTableFlags::WRITABLE
        | PageTableFlags::NO_CACHE
        | PageTableFlags::WRITE_THROUGH
        | PageTableFlags::NO_EXECUTE;
    let mapped = {
        let mut memory = MEMORY.lock();
        let memory = memory.as_mut().expect("mmio::map before memory::init");
        // SAFETY: the granules were just claimed; the caller vouches for the
        // physical range.
        unsafe { map_run(memory, start, physical - offset, pages as usize, flags) }
    };
    if let Err(short) = mapped {
        SPACE.release(first, granules);
        return Err(MmioError::NoPageTables(short));
    }
    let virt = core::ptr::with_exposed_provenance_mut::<u8>((start + offset) as usize);
    let virt = NonNull::new(virt).expect("the window is not null");
    // SAFETY: the granules and the mapping were made above for this handle.
    Ok(unsafe { Mmio::new(virt, physical, len) })
}

/// Granules for `pages` pages and the guard granule after them.
fn granules_for(pages: u64) -> usize {
    (pages * PAGE_SIZE).div_ceil(GRANULE) as usize + 1
}
