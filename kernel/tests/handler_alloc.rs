//! Interrupt handlers allocate fallibly into bounded buffers: when the queue
//! is full or the heap refuses to grow, the data is dropped and counted, and
//! the kernel goes on (an infallible allocation in the timer interrupt used
//! to abort it with "memory allocation of 16 bytes failed").
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::alloc::{alloc, dealloc};
use alloc::vec::Vec;
use core::alloc::Layout;
use core::ptr::null_mut;
use kernel::serial::Received;
use kernel::testing::check_heap;
use kernel::timer;

kernel::test_kernel!(|_boot_info| {
    timer::start();
});

#[test_case]
fn a_full_receive_queue_drops_and_counts() {
    let mut queue = Received::new(64);
    let bytes: Vec<u8> = (0..100).collect();
    assert_eq!(queue.push(&bytes), 64);
    assert_eq!(queue.push(&bytes[..10]), 0);
    assert_eq!(queue.dropped(), 36 + 10);
    let kept: Vec<u8> = core::iter::from_fn(|| queue.pop()).collect();
    assert_eq!(kept, bytes[..64]);
}

/// Every block the heap would still hand out, linked through their first
/// word; freed on drop.
struct Hoard(*mut u8);

impl Hoard {
    /// Takes blocks of 64 MiB, then halving sizes down to 8 bytes, until the
    /// heap refuses each size.
    fn everything() -> Self {
        let mut hoard = Self(null_mut());
        let mut size = 64 << 20;
        while size >= 8 {
            let layout = Layout::from_size_align(size, 8).unwrap();
            // SAFETY: the layout is not zero-sized.
            let block = unsafe { alloc(layout) };
            if block.is_null() {
                size /= 2;
                continue;
            }
            // SAFETY: the block is at least 8 bytes and 8-aligned; it keeps
            // its size and the previous block.
            unsafe { block.cast::<(*mut u8, usize)>().write((hoard.0, size)) };
            hoard.0 = block;
        }
        hoard
    }
}

impl Drop for Hoard {
    fn drop(&mut self) {
        while !self.0.is_null() {
            // SAFETY: `everything` wrote the link and the size into the block.
            let (next, size) = unsafe { self.0.cast::<(*mut u8, usize)>().read() };
            // SAFETY: the block came from `alloc` with this layout.
            unsafe { dealloc(self.0, Layout::from_size_align(size, 8).unwrap()) };
            self.0 = next;
        }
    }
}

#[test_case]
fn an_exhausted_heap_costs_handler_data_not_the_kernel() {
    let failures = timer::allocation_failures();
    let hoard = Hoard::everything();
    let mut queue = Received::new(4096);
    assert_eq!(queue.push(b"lost"), 0, "the queue could not grow");
    assert_eq!(queue.dropped(), 4);
    let ticks = timer::ticks();
    while timer::ticks() < ticks + 50 {
        x86_64::instructions::hlt();
    }
    assert!(
        timer::allocation_failures() > failures,
        "50 timer ticks allocated from a full heap"
    );
    drop(hoard);
    let allocations = timer::allocations();
    let ticks = timer::ticks();
    while timer::ticks() < ticks + 20 {
        x86_64::instructions::hlt();
    }
    assert!(
        timer::allocations() > allocations,
        "the timer allocates again"
    );
    assert_eq!(queue.push(b"kept"), 4);
    check_heap();
}
