//! The guard pool catches a driver freeing a buffer twice (once on an error
//! path, once in its cleanup): the second free is an invalid free, reported
//! with the allocation stack, the first free's stack and the second's
//! (`boot` symbolizes them; `scripted`).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use kernel::allocator::kfence;

/// Allocates a DMA bounce buffer, as a driver would.
#[inline(never)]
fn driver_allocates_bounce_buffer() -> *mut [u8; 128] {
    Box::into_raw(Box::new([0; 128]))
}

/// Frees the buffer, as both the error path and the cleanup do.
#[inline(never)]
fn driver_frees_bounce_buffer(buffer: *mut [u8; 128]) {
    // SAFETY: `buffer` came from `Box::into_raw`; the second call is the bug.
    drop(unsafe { Box::from_raw(buffer) });
}

kernel::must_panic!(
    "kfence_double_free::a_second_free_is_an_invalid_free",
    "KFENCE: invalid free",
    {
        kfence::set_interval(1);
        let buffer = driver_allocates_bounce_buffer();
        driver_frees_bounce_buffer(buffer);
        driver_frees_bounce_buffer(buffer);
    }
);
