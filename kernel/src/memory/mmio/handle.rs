//! A device-memory mapping's handle: where the registers are, and the drop
//! that unmaps them on every CPU and gives the window space back.

use super::super::run::unmap_run;
use super::super::unmap::Owner;
use super::super::{MEMORY, PAGE_SIZE};
use super::{granules_for, GRANULE, MMIO_WINDOW_START, SPACE};
use core::ptr::NonNull;

/// Device memory mapped uncached; unmapped (and shot down) on drop.
#[derive(Debug)]
pub struct Mmio {
    virt: NonNull<u8>,
    physical: u64,
    len: usize,
}

// SAFETY: the handle owns its window range; registers may be reached from
// any CPU (the driver decides how to share them).
unsafe impl Send for Mmio {}
// SAFETY: `&Mmio` only hands out the address.
unsafe impl Sync for Mmio {}

impl Mmio {
    /// The handle of a mapping `map` made.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the window granules and the pages
    /// behind `virt` must have been claimed and mapped for this handle alone:
    /// it unmaps them when dropped.
    pub(super) unsafe fn new(virt: NonNull<u8>, physical: u64, len: usize) -> Self {
        Self {
            virt,
            physical,
            len,
        }
    }

    /// Where the physical address asked for is mapped.
    pub fn as_ptr(&self) -> NonNull<u8> {
        self.virt
    }

    /// The physical address asked for.
    pub fn physical(&self) -> u64 {
        self.physical
    }

    /// The bytes asked for.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a mapping has at least one byte.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Keeps the mapping for as long as the kernel runs (the APICs' registers).
    pub fn leak(self) -> NonNull<u8> {
        let virt = self.virt;
        core::mem::forget(self);
        virt
    }

    /// The first mapped page, the pages mapped, and the granules claimed.
    fn extent(&self) -> (u64, usize, usize) {
        let start = self.virt.as_ptr().addr() as u64 & !(PAGE_SIZE - 1);
        let pages = (self.physical % PAGE_SIZE + self.len as u64).div_ceil(PAGE_SIZE);
        (start, pages as usize, granules_for(pages))
    }
}

impl Drop for Mmio {
    fn drop(&mut self) {
        let (start, pages, granules) = self.extent();
        {
            let mut memory = MEMORY.lock();
            let memory = memory
                .as_mut()
                .expect("MMIO mappings exist after memory::init");
            unmap_run(memory, start, pages, Owner::Device);
        }
        SPACE.release(((start - MMIO_WINDOW_START) / GRANULE) as usize, granules);
    }
}
