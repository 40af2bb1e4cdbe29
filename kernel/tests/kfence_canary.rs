//! The guard pool catches a one-byte overflow that stops short of the guard
//! page (an object at the left edge of its page): the canary after the
//! object changed, and its free reports it with the allocation and the free
//! stack (`boot` symbolizes them; `scripted`).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use kernel::allocator::kfence;

/// Bytes in the driver's status block.
const LEN: usize = 32;

/// A driver's status block, as a probe routine would allocate it.
#[inline(never)]
fn driver_allocates_status_block() -> *mut [u8; LEN] {
    Box::into_raw(Box::new([0; LEN]))
}

kernel::must_panic!(
    "kfence_canary::an_overflow_short_of_the_guard_page_is_seen_at_free",
    "KFENCE: canary corrupted",
    {
        kfence::set_interval(1);
        let status = (0..2)
            .map(|_| driver_allocates_status_block())
            .find(|status| status.addr().is_multiple_of(4096))
            .expect("one of two sampled objects sits at its page's left edge");
        // SAFETY: not safe at all, on purpose: the bug under test writes one
        // byte past the block; then the block is freed as it came.
        unsafe {
            status.cast::<u8>().add(LEN).write_volatile(0);
            drop(Box::from_raw(status));
        }
    }
);
