//! The guard pool catches a driver writing one byte past its buffer: the
//! write lands on the guard page after the object, and the report names the
//! function that allocated the buffer (`boot` symbolizes it; `scripted`).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use kernel::allocator::kfence;

/// Bytes in the driver's receive buffer.
const LEN: usize = 64;

/// A driver's receive buffer, as a probe routine would allocate it.
#[inline(never)]
fn driver_allocates_rx_buffer() -> *mut [u8; LEN] {
    Box::into_raw(Box::new([0; LEN]))
}

kernel::must_panic!(
    "kfence_overflow::one_byte_past_a_block_hits_the_guard_page",
    "KFENCE: out-of-bounds write",
    {
        kfence::set_interval(1);
        // Objects alternate between the left and the right edge of their
        // page: one of two is flush against the guard page after it.
        let buffer = (0..2)
            .map(|_| driver_allocates_rx_buffer())
            .find(|buffer| (buffer.addr() + LEN).is_multiple_of(4096))
            .expect("one of two sampled objects sits at its page's right edge");
        // SAFETY: not safe at all, on purpose: the bug under test.
        unsafe { buffer.cast::<u8>().add(LEN).write_volatile(0xff) };
    }
);
