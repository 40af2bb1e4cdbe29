//! DMA buffers: physically contiguous, page-aligned memory below an address
//! limit a device can reach, with its physical address, mapped in a window of
//! its own.
//!
//! ```text
//!   allocate(bytes, below) ─► frames: the first free run of n frames under
//!                             `below` (16 MiB for ISA DMA, 4 GiB for 32-bit
//!                             devices), charged like any other frame
//!                          ─► DMA window: n pages + one unmapped guard page,
//!                             mapped write-back (x86 DMA is cache-coherent),
//!                             zeroed
//!   drop(DmaBuffer)        ─► unmapped, shot down on every CPU, frames freed
//!
//!   0xffff_a080_4000_0000  DMA_WINDOW_START (level-4 entry 321, 4 MiB)
//! ```

use super::unmap::Unmapped;
use super::MEMORY;
use super::PAGE_SIZE;
use crate::sync::{level, IrqMutex};
use core::fmt;
use core::ptr::NonNull;
use x86_64::structures::paging::{Mapper, Page, PageTableFlags, PhysFrame, Size4KiB};
use x86_64::VirtAddr;

/// Lowest address of the DMA window.
pub const DMA_WINDOW_START: u64 = 0xffff_a080_4000_0000;
/// Pages in the DMA window (4 MiB).
const WINDOW_PAGES: usize = 1024;
/// Page tables the window may need: one level 2, two level 1 (the level 3 is
/// the MMIO window's).
pub const DMA_TABLE_PAGES: usize = 3;
/// What ISA DMA controllers reach.
pub const BELOW_16_MIB: u64 = 16 << 20;
/// What 32-bit PCI devices reach.
pub const BELOW_4_GIB: u64 = 4 << 30;

/// Which pages of the window are in use (a guard page after each buffer included).
static WINDOW: IrqMutex<level::Dma, [u64; WINDOW_PAGES / 64]> =
    IrqMutex::new([0; WINDOW_PAGES / 64]);

/// Why a DMA buffer could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmaError {
    /// A buffer of no bytes was asked for.
    Empty,
    /// No run of that many free frames lies below the limit.
    NoContiguousRun {
        /// Frames asked for.
        frames: u64,
        /// The physical limit.
        below: u64,
    },
    /// The DMA window has no room for the buffer.
    WindowFull,
}

impl fmt::Display for DmaError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("a DMA buffer needs at least one byte"),
            Self::NoContiguousRun { frames, below } => {
                write!(f, "no {frames} contiguous free frames below {below:#x}")
            }
            Self::WindowFull => f.write_str("the DMA window has no room left"),
        }
    }
}

/// A physically contiguous buffer; freed (unmapped, frames returned) on drop.
#[derive(Debug)]
pub struct DmaBuffer {
    virt: NonNull<u8>,
    physical: u64,
    pages: usize,
}

// SAFETY: the buffer owns its pages; any CPU may use and drop it.
unsafe impl Send for DmaBuffer {}

impl DmaBuffer {
    /// The buffer, to read and write.
    pub fn as_ptr(&self) -> NonNull<u8> {
        self.virt
    }

    /// Its physical address, for the device.
    pub fn physical(&self) -> u64 {
        self.physical
    }

    /// Its size in bytes (whole pages).
    pub fn len(&self) -> usize {
        self.pages * PAGE_SIZE as usize
    }

    /// Always false: a buffer has at least one page.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// A zeroed buffer of at least `bytes` bytes, physically contiguous, wholly
/// below physical address `below`.
pub fn allocate(bytes: usize, below: u64) -> Result<DmaBuffer, DmaError> {
    if bytes == 0 {
        return Err(DmaError::Empty);
    }
    let pages = bytes.div_ceil(PAGE_SIZE as usize);
    let first_page = claim_window(pages + 1).ok_or(DmaError::WindowFull)?;
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("DMA before memory::init");
    let Some(first) = memory.frames.allocate_run(pages as u64, below) else {
        release_window(first_page, pages + 1);
        return Err(DmaError::NoContiguousRun {
            frames: pages as u64,
            below,
        });
    };
    let virt = DMA_WINDOW_START + (first_page * PAGE_SIZE as usize) as u64;
    let flags = PageTableFlags::PRESENT | PageTableFlags::WRITABLE | PageTableFlags::NO_EXECUTE;
    for page in 0..pages as u64 {
        let at = Page::<Size4KiB>::containing_address(VirtAddr::new(virt + page * PAGE_SIZE));
        let frame = PhysFrame::containing_address(first.start_address() + page * PAGE_SIZE);
        // SAFETY: the window pages and the frames were just claimed for this
        // buffer and nothing else maps them.
        match unsafe { memory.mapper.map_to(at, frame, flags, &mut memory.tables) } {
            Ok(flush) => flush.flush(),
            Err(error) => panic!("mapping DMA page {virt:#x} failed: {error:?}"),
        }
    }
    let virt = NonNull::new(core::ptr::with_exposed_provenance_mut::<u8>(virt as usize))
        .expect("the window is not null");
    // SAFETY: the pages were just mapped for this buffer.
    unsafe { virt.as_ptr().write_bytes(0, pages * PAGE_SIZE as usize) };
    Ok(DmaBuffer {
        virt,
        physical: first.start_address().as_u64(),
        pages,
    })
}

impl Drop for DmaBuffer {
    fn drop(&mut self) {
        let start = self.virt.as_ptr().addr() as u64;
        {
            let mut memory = MEMORY.lock();
            let memory = memory
                .as_mut()
                .expect("DMA buffers exist after memory::init");
            let mut taken = Unmapped::new();
            for page in 0..self.pages as u64 {
                if taken.is_full() {
                    taken.finish(&mut memory.frames);
                }
                assert!(
                    taken.take(memory, start + page * PAGE_SIZE),
                    "a DMA page was not mapped"
                );
            }
            taken.finish(&mut memory.frames);
        }
        release_window(
            ((start - DMA_WINDOW_START) / PAGE_SIZE) as usize,
            self.pages + 1,
        );
    }
}

/// The first run of `pages` free window pages, now marked in use.
fn claim_window(pages: usize) -> Option<usize> {
    let mut used = WINDOW.lock();
    let is_used =
        |used: &[u64; WINDOW_PAGES / 64], page: usize| used[page / 64] & 1 << (page % 64) != 0;
    let mut start = 0;
    while start + pages <= WINDOW_PAGES {
        match (start..start + pages).find(|&page| is_used(&used, page)) {
            Some(page) => start = page + 1,
            None => {
                (start..start + pages).for_each(|page| used[page / 64] |= 1 << (page % 64));
                return Some(start);
            }
        }
    }
    None
}

fn release_window(first: usize, pages: usize) {
    let mut used = WINDOW.lock();
    (first..first + pages).for_each(|page| used[page / 64] &= !(1 << (page % 64)));
}
