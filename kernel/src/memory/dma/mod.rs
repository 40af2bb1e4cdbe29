//! DMA buffers: physically contiguous, page-granular memory placed where a
//! device can use it ([`Constraints`]), with its physical address, mapped in
//! a window of its own.
//!
//! ```text
//!   allocate(bytes, rules) ─► frames: the first free run of n frames that
//!                             meets the rules (below a limit, aligned, within
//!                             a boundary), charged like any other frame
//!                          ─► DMA window: n pages + one unmapped guard page,
//!                             mapped write-back (x86 DMA is cache-coherent),
//!                             page tables checked against the budget, zeroed
//!   drop(DmaBuffer)        ─► unmapped, shot down on every CPU, frames freed
//!
//!   0xffff_a080_4000_0000  DMA_WINDOW_START (level-4 entry 321, 64 MiB)
//! ```
//!
//! Every failure is an `Err` with nothing kept: no frames, no window space.

mod buffer;
mod constraints;
mod error;

pub use buffer::{DmaBuffer, RawDmaBuffer};
pub use constraints::{Constraints, ANYWHERE, BELOW_16_MIB, BELOW_4_GIB};
pub use error::DmaError;

use super::run::map_run;
use super::window_space::{WindowSpace, GRANULES};
use super::{MEMORY, PAGE_SIZE};
use core::ptr::NonNull;
use x86_64::structures::paging::PageTableFlags;

/// Lowest address of the DMA window.
pub const DMA_WINDOW_START: u64 = 0xffff_a080_4000_0000;
/// Page tables the budget sets aside for the window: one level 2 and a
/// level 1 per 2 MiB (the level 3 is the MMIO window's).
pub const DMA_TABLE_PAGES: usize = 1 + GRANULES / 512;

/// Which pages of the window are in use (a guard page after each buffer included).
static SPACE: WindowSpace = WindowSpace::new();

/// A zeroed buffer of at least `bytes` bytes, physically contiguous, placed
/// by `constraints`.
pub fn allocate(bytes: usize, constraints: Constraints) -> Result<DmaBuffer, DmaError> {
    if bytes == 0 {
        return Err(DmaError::Empty);
    }
    let pages = bytes.div_ceil(PAGE_SIZE as usize);
    if !constraints.admit(pages as u64 * PAGE_SIZE) {
        return Err(DmaError::BadConstraints { bytes, constraints });
    }
    let first_page = SPACE.claim(pages + 1).ok_or(DmaError::WindowFull)?;
    let virt = DMA_WINDOW_START + (first_page * PAGE_SIZE as usize) as u64;
    let placed = place(virt, pages, constraints);
    let physical = placed.inspect_err(|_| SPACE.release(first_page, pages + 1))?;
    let virt = NonNull::new(core::ptr::with_exposed_provenance_mut::<u8>(virt as usize))
        .expect("the window is not null");
    // SAFETY: the pages were just mapped for this buffer, and nothing else
    // reaches them yet.
    unsafe { virt.as_ptr().write_bytes(0, pages * PAGE_SIZE as usize) };
    // SAFETY: the window pages and frames were claimed above for this buffer.
    Ok(unsafe {
        DmaBuffer::from_raw(RawDmaBuffer {
            virt,
            physical,
            pages,
        })
    })
}

/// Takes a run of `pages` frames that meets `constraints` and maps it at
/// `virt` (claimed window pages); its physical address. On error nothing is
/// kept.
fn place(virt: u64, pages: usize, constraints: Constraints) -> Result<u64, DmaError> {
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("DMA before memory::init");
    let first = memory
        .frames
        .allocate_run(
            pages as u64,
            constraints.limit(),
            constraints.align(),
            constraints.boundary(),
        )
        .ok_or(DmaError::NoContiguousRun {
            frames: pages as u64,
            below: constraints.limit(),
        })?;
    let physical = first.start_address().as_u64();
    let flags = PageTableFlags::PRESENT | PageTableFlags::WRITABLE | PageTableFlags::NO_EXECUTE;
    // SAFETY: the window pages and the frames were just claimed for this
    // buffer and nothing else maps them.
    if let Err(short) = unsafe { map_run(memory, virt, physical, pages, flags) } {
        for frame in 0..pages as u64 {
            // SAFETY: the frames were just taken and never mapped.
            unsafe { memory.frames.deallocate(first + frame) };
        }
        return Err(DmaError::NoPageTables(short));
    }
    Ok(physical)
}

/// Gives a buffer's window pages (and its guard page) back.
fn release_window(virt: NonNull<u8>, pages: usize) {
    let first = (virt.as_ptr().addr() as u64 - DMA_WINDOW_START) / PAGE_SIZE;
    SPACE.release(first as usize, pages + 1);
}
