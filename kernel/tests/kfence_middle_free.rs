//! The guard pool catches a driver freeing a pointer into the middle of its
//! block (it advanced the pointer past a header, then freed that): an
//! invalid free, with its offset into the object and the allocation stack
//! (`boot` symbolizes it; `scripted`).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::alloc::{alloc, dealloc};
use core::alloc::Layout;
use kernel::allocator::kfence;

/// Allocates a packet (an 8-byte header, then the payload), as a driver would.
#[inline(never)]
fn driver_allocates_packet(layout: Layout) -> *mut u8 {
    // SAFETY: the layout is not zero-sized.
    unsafe { alloc(layout) }
}

kernel::must_panic!(
    "kfence_middle_free::freeing_an_inner_pointer_is_an_invalid_free",
    "KFENCE: invalid free",
    {
        kfence::set_interval(1);
        let layout = Layout::from_size_align(96, 8).expect("a valid layout");
        let packet = driver_allocates_packet(layout);
        assert!(!packet.is_null(), "the pool has a free slot");
        // SAFETY: not safe at all, on purpose: the payload pointer is freed
        // instead of the packet.
        unsafe { dealloc(packet.add(8), layout) };
    }
);
