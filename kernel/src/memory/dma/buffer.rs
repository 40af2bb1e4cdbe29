//! A DMA buffer's handle: where the kernel reaches it, where the device does,
//! and the drop that gives both back.

use super::super::run::unmap_run;
use super::super::unmap::Owner;
use super::super::{MEMORY, PAGE_SIZE};
use super::release_window;
use core::ptr::NonNull;

/// A physically contiguous buffer; freed (unmapped, frames returned) on drop.
#[derive(Debug)]
pub struct DmaBuffer {
    virt: NonNull<u8>,
    physical: u64,
    pages: usize,
}

/// A buffer's parts, for code that must keep it as addresses (the `Hal` of
/// `virtio-drivers` gets only addresses back): see [`DmaBuffer::into_raw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawDmaBuffer {
    /// Where the kernel reaches the buffer.
    pub virt: NonNull<u8>,
    /// Where the device does.
    pub physical: u64,
    /// Its size in pages.
    pub pages: usize,
}

// SAFETY: the buffer owns its pages; any CPU may use and drop it.
unsafe impl Send for DmaBuffer {}
// SAFETY: `&DmaBuffer` reads only (`as_slice`); writes need `&mut`.
unsafe impl Sync for DmaBuffer {}

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

    /// Its size in pages.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Always false: a buffer has at least one page.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The buffer's bytes. Read them only once the device is done writing.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the buffer's pages are mapped and owned by it.
        unsafe { core::slice::from_raw_parts(self.virt.as_ptr(), self.len()) }
    }

    /// The buffer's bytes, to fill before handing the buffer to the device.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as for `as_slice`, and `&mut self` makes this the only view.
        unsafe { core::slice::from_raw_parts_mut(self.virt.as_ptr(), self.len()) }
    }

    /// Gives the buffer up as its parts; [`Self::from_raw`] takes it back.
    pub fn into_raw(self) -> RawDmaBuffer {
        let raw = RawDmaBuffer {
            virt: self.virt,
            physical: self.physical,
            pages: self.pages,
        };
        core::mem::forget(self);
        raw
    }

    /// The buffer `raw` describes.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `raw` must come from
    /// [`Self::into_raw`] (or `allocate`'s own claim), once: the buffer frees
    /// its pages and frames when dropped.
    pub unsafe fn from_raw(raw: RawDmaBuffer) -> Self {
        Self {
            virt: raw.virt,
            physical: raw.physical,
            pages: raw.pages,
        }
    }
}

impl Drop for DmaBuffer {
    fn drop(&mut self) {
        {
            let mut memory = MEMORY.lock();
            let memory = memory
                .as_mut()
                .expect("DMA buffers exist after memory::init");
            let start = self.virt.as_ptr().addr() as u64;
            unmap_run(memory, start, self.pages, Owner::Dma);
        }
        release_window(self.virt, self.pages);
    }
}
