//! Device memory: physical register ranges mapped uncached in a window of
//! their own.
//!
//! ```text
//!   0xffff_a080_0000_0000  MMIO_WINDOW_START (level-4 entry 321)
//!   | local APIC | I/O APIC | ...        each mapping page-aligned, handed
//!   |<-------------- 2 MiB ----------->| out in order, never unmapped
//! ```
//!
//! Device registers must not be cached or combined: a read has side effects
//! and must reach the device every time. The physical-memory window of the
//! bootloader maps them write-back, so drivers use this window instead. Its
//! page tables come from `PAGE_TABLE_BUMP` like the heap window's.

use super::MEMORY;
use super::PAGE_SIZE;
use core::sync::atomic::{AtomicU64, Ordering};
use x86_64::structures::paging::{Mapper, Page, PageTableFlags, PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

/// Lowest address of the MMIO window.
pub const MMIO_WINDOW_START: u64 = 0xffff_a080_0000_0000;
/// Bytes the MMIO window can map.
pub const MMIO_WINDOW_SIZE: u64 = 2 << 20;
/// Page tables the window may need: one level 3, one level 2, one level 1.
pub const MMIO_TABLE_PAGES: usize = 3;

/// The next unused address of the window.
static NEXT: AtomicU64 = AtomicU64::new(MMIO_WINDOW_START);

/// Maps `size` bytes of device memory at physical address `physical`
/// uncached, and returns where they are.
///
/// Panics if the window is full or the mapping fails.
///
/// # Safety
///
/// This function is unsafe because the physical range must be device memory
/// (or memory nothing else uses): the kernel may then read and write it.
pub unsafe fn map(physical: u64, size: u64) -> *mut u8 {
    let offset = physical % PAGE_SIZE;
    let pages = (offset + size).div_ceil(PAGE_SIZE);
    let start = NEXT.fetch_add(pages * PAGE_SIZE, Ordering::Relaxed);
    assert!(
        start + pages * PAGE_SIZE <= MMIO_WINDOW_START + MMIO_WINDOW_SIZE,
        "the MMIO window is full: cannot map {size} bytes at {physical:#x}"
    );
    let flags = PageTableFlags::PRESENT
        | PageTableFlags::WRITABLE
        | PageTableFlags::NO_CACHE
        | PageTableFlags::WRITE_THROUGH
        | PageTableFlags::NO_EXECUTE;
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("mmio::map before memory::init");
    for page in 0..pages {
        let virt = Page::<Size4KiB>::containing_address(VirtAddr::new(start + page * PAGE_SIZE));
        let frame =
            PhysFrame::containing_address(PhysAddr::new(physical - offset + page * PAGE_SIZE));
        // SAFETY: the window's pages are handed out once, and the caller vouches
        // for the physical range.
        let mapped = unsafe { memory.mapper.map_to(virt, frame, flags, &mut memory.tables) };
        match mapped {
            Ok(flush) => flush.flush(),
            Err(error) => panic!("mapping device memory {physical:#x} failed: {error:?}"),
        }
    }
    core::ptr::with_exposed_provenance_mut((start + offset) as usize)
}
