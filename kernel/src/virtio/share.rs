//! Giving a device one physical range for a buffer: the buffer's own memory when its pages
//! are physically consecutive, a bounce buffer from the DMA pool when they are not.
//!
//! ```text
//!   heap window (virtual)      | page a | page b |        frames: a ─► 0x1234000
//!   Vec<u8> of 6000 bytes        [=====|=====]                    b ─► 0x0877000
//!                                       ^ crosses into a page whose frame is elsewhere
//!   share ─► pages consecutive? ─ yes ─► the buffer's physical address (no copy)
//!                               └ no  ─► DmaBuf from the pool (one run: contiguous),
//!                                        filled from the buffer unless device-to-driver
//!   unshare ─► paddr is a pool block that is not the buffer itself? ─► copy back unless
//!              driver-to-device, free the bounce block
//! ```
//!
//! A block inside one page, a DMA pool block and a DMA buffer never bounce. Pages of the
//! heap window are mapped on first touch, so `share` touches each page before it asks the
//! page tables where the page lies.

use crate::memory::dma_buf::DmaBuf;
use crate::memory::dma_pool::POOL;
use crate::memory::translate::translate;
use crate::memory::PAGE_SIZE;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU64, Ordering};
use virtio_drivers::BufferDirection;
use x86_64::VirtAddr;

static SHARED: AtomicU64 = AtomicU64::new(0);
static BOUNCED: AtomicU64 = AtomicU64::new(0);

/// Buffers shared with devices so far, and how many of them bounced.
pub fn counts() -> (u64, u64) {
    (
        SHARED.load(Ordering::Relaxed),
        BOUNCED.load(Ordering::Relaxed),
    )
}

/// The physical address of `buffer` if all of it lies in one physical range.
pub fn contiguous(buffer: NonNull<[u8]>) -> Option<u64> {
    let start = buffer.cast::<u8>();
    let len = buffer.len().max(1);
    let physical_of = |offset: usize| {
        // SAFETY: `offset` lies in the buffer.
        let byte = unsafe { start.add(offset) };
        // SAFETY: the buffer is valid for reads; a volatile read maps a heap page not
        // touched yet (the compiler cannot drop it).
        unsafe { byte.read_volatile() };
        translate(VirtAddr::from_ptr(byte.as_ptr())).map(|(physical, _)| physical.as_u64())
    };
    let first = physical_of(0)?;
    let page = PAGE_SIZE as usize;
    let next_page = page - start.as_ptr().addr() % page;
    (next_page..len)
        .step_by(page)
        .all(|offset| physical_of(offset) == Some(first + offset as u64))
        .then_some(first)
}

/// The physical address the device uses for `buffer`.
///
/// Panics if the buffer must bounce and the DMA pool cannot give the bounce block: the
/// crate's `share` has no way to report an error.
///
/// # Safety
///
/// This function is unsafe because `buffer` must be valid and untouched by anyone else until
/// [`unshare`] (the device reads or writes it, or its bounce copy, meanwhile).
pub unsafe fn share(buffer: NonNull<[u8]>, direction: BufferDirection) -> u64 {
    SHARED.fetch_add(1, Ordering::Relaxed);
    if let Some(physical) = contiguous(buffer) {
        return physical;
    }
    BOUNCED.fetch_add(1, Ordering::Relaxed);
    let len = buffer.len();
    let mut bounce = DmaBuf::zeroed(&POOL, len).unwrap_or_else(|error| {
        panic!("virtio: a {len}-byte buffer spans scattered pages and cannot bounce: {error}")
    });
    if direction != BufferDirection::DeviceToDriver {
        // SAFETY: the caller's promise: the buffer is valid for `len` bytes.
        bounce.copy_from_slice(unsafe { buffer.as_ref() });
    }
    let physical = bounce.physical();
    bounce.into_raw();
    physical
}

/// Ends sharing `buffer` at `physical`: copies a bounce block back (unless the device only
/// read it) and frees it.
///
/// # Safety
///
/// This function is unsafe because `physical` must come from [`share`] of this `buffer`
/// with this `direction`, and the device must be done with it.
pub unsafe fn unshare(physical: u64, mut buffer: NonNull<[u8]>, direction: BufferDirection) {
    let Some(block) = POOL.virtual_of(physical) else {
        return;
    };
    if block == buffer.cast::<u8>() {
        return;
    }
    // SAFETY: `share` gave up this bounce block of `buffer.len()` bytes at `physical`.
    let bounce = unsafe { DmaBuf::from_raw(&POOL, block, buffer.len()) };
    if direction != BufferDirection::DriverToDevice {
        // SAFETY: the caller's promise: the buffer is valid and unused meanwhile.
        unsafe { buffer.as_mut() }.copy_from_slice(&bounce);
    }
}
