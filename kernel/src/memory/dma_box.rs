//! An owned value in a DMA pool block: [`DmaBox<T>`] holds one `T` (a request header, a
//! status byte), knows its physical address and gives its block back to its pool on drop
//! ([`super::dma_buf::DmaBuf`] is the same for a byte buffer).
//!
//! ```text
//!   DmaBox::new(&POOL, header) ─► pool block ─► header written ─► &mut T for the driver,
//!                                   │                              .physical() for the device
//!   drop ─► T dropped ─► block freed into the pool (the run stays until `shrink`)
//! ```

use super::dma_pool::{DmaPool, PoolError};
use core::alloc::Layout;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

/// One `T` in a DMA pool block.
pub struct DmaBox<'pool, T> {
    value: NonNull<T>,
    physical: u64,
    pool: &'pool DmaPool,
}

// SAFETY: the box owns its value like a `Box` does.
unsafe impl<T: Send> Send for DmaBox<'_, T> {}

impl<'pool, T> DmaBox<'pool, T> {
    /// Moves `value` into a block of `pool`.
    pub fn new(pool: &'pool DmaPool, value: T) -> Result<Self, PoolError> {
        let (block, physical) = pool.allocate(Layout::new::<T>())?;
        let value_at = block.cast::<T>();
        // SAFETY: the block is fresh, sized and aligned for a `T`.
        unsafe { value_at.write(value) };
        Ok(Self {
            value: value_at,
            physical,
            pool,
        })
    }

    /// The value's physical address, for the device.
    pub fn physical(&self) -> u64 {
        self.physical
    }

    /// Where the value lies.
    pub fn as_ptr(&self) -> *const T {
        self.value.as_ptr()
    }
}

impl<T> Deref for DmaBox<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the box owns an initialised `T`.
        unsafe { self.value.as_ref() }
    }
}

impl<T> DerefMut for DmaBox<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the box owns an initialised `T`, borrowed uniquely through `&mut self`.
        unsafe { self.value.as_mut() }
    }
}

impl<T> Drop for DmaBox<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the value is initialised and dropped once; the block came from this pool
        // with this layout.
        unsafe {
            self.value.drop_in_place();
            self.pool.deallocate(self.value.cast(), Layout::new::<T>());
        }
    }
}
