//! The guard pool catches a driver reading the byte before its buffer: the
//! read lands on the guard page before the object, and the report names the
//! function that allocated the buffer (`boot` symbolizes it; `scripted`).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use kernel::allocator::kfence;

/// Bytes in the driver's descriptor.
const LEN: usize = 48;

/// A driver's descriptor, as a probe routine would allocate it.
#[inline(never)]
fn driver_allocates_descriptor() -> *mut [u8; LEN] {
    Box::into_raw(Box::new([0; LEN]))
}

kernel::must_panic!(
    "kfence_underflow::reading_before_a_block_hits_the_guard_page",
    "KFENCE: out-of-bounds read",
    {
        kfence::set_interval(1);
        // One of two sampled objects sits at the left edge of its page.
        let descriptor = (0..2)
            .map(|_| driver_allocates_descriptor())
            .find(|descriptor| descriptor.addr().is_multiple_of(4096))
            .expect("one of two sampled objects sits at its page's left edge");
        // SAFETY: not safe at all, on purpose: the bug under test.
        let before = unsafe { descriptor.cast::<u8>().sub(1).read_volatile() };
        kernel::serial_println!("read {before:#x} before the descriptor");
    }
);
