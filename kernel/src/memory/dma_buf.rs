//! A zeroed byte buffer in a DMA pool block: it knows its physical address, frees its block
//! on drop, and can be given up as an address and taken back (how a bounce buffer lives
//! between `share` and `unshare`).
//!
//! ```text
//!   DmaBuf::zeroed(&POOL, 6000) ─► 6000 bytes, 64-aligned, one physical range
//!   into_raw ─► address (the length is the caller's) ─► from_raw ─► drop: block freed
//! ```

use super::dma_pool::{DmaPool, PoolError};
use core::alloc::Layout;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

/// Bytes a [`DmaBuf`] is aligned to: a cache line, so no two buffers share one.
pub const BUF_ALIGN: usize = 64;

/// A zeroed byte buffer in a DMA pool block.
pub struct DmaBuf<'pool> {
    bytes: NonNull<u8>,
    len: usize,
    physical: u64,
    pool: &'pool DmaPool,
}

// SAFETY: the buffer owns its bytes like a `Box<[u8]>` does.
unsafe impl Send for DmaBuf<'_> {}

impl<'pool> DmaBuf<'pool> {
    /// A zeroed buffer of `len` bytes (at least one) from `pool`, aligned to [`BUF_ALIGN`].
    pub fn zeroed(pool: &'pool DmaPool, len: usize) -> Result<Self, PoolError> {
        let layout = Self::layout(len);
        let (bytes, physical) = pool.allocate(layout)?;
        // SAFETY: the block holds `len` bytes.
        unsafe { bytes.write_bytes(0, len) };
        Ok(Self {
            bytes,
            len,
            physical,
            pool,
        })
    }

    /// The buffer's physical address, for the device.
    pub fn physical(&self) -> u64 {
        self.physical
    }

    /// Gives up ownership without freeing: the block's address (its length is the caller's
    /// to remember). [`Self::from_raw`] takes it back.
    pub fn into_raw(self) -> NonNull<u8> {
        let bytes = self.bytes;
        core::mem::forget(self);
        bytes
    }

    /// Takes back a buffer given up by [`Self::into_raw`].
    ///
    /// # Safety
    ///
    /// This function is unsafe because `bytes` must come from `into_raw` on a buffer of
    /// exactly `len` bytes from `pool`, and be taken back only once.
    pub unsafe fn from_raw(pool: &'pool DmaPool, bytes: NonNull<u8>, len: usize) -> Self {
        let physical = pool
            .physical(bytes)
            .expect("a buffer given up by into_raw lies in its pool");
        Self {
            bytes,
            len,
            physical,
            pool,
        }
    }

    fn layout(len: usize) -> Layout {
        Layout::from_size_align(len.max(1), BUF_ALIGN).expect("a DMA buffer's size fits a layout")
    }
}

impl Deref for DmaBuf<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: the buffer owns `len` initialised bytes.
        unsafe { core::slice::from_raw_parts(self.bytes.as_ptr(), self.len) }
    }
}

impl DerefMut for DmaBuf<'_> {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: the buffer owns `len` initialised bytes, borrowed uniquely.
        unsafe { core::slice::from_raw_parts_mut(self.bytes.as_ptr(), self.len) }
    }
}

impl Drop for DmaBuf<'_> {
    fn drop(&mut self) {
        // SAFETY: the block came from this pool with this layout and is freed once.
        unsafe { self.pool.deallocate(self.bytes, Self::layout(self.len)) }
    }
}
