//! Tests of the redzones and poison of `debug-checks` (on in tests, in builds with debug
//! assertions): an overflow by less than a granule is caught when the block is freed, and a
//! write after free when the freed chunk is allocated from or merged.
#![cfg(debug_assertions)]

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use std::panic::{catch_unwind, AssertUnwindSafe};
use tagheap::{Heap, NeverGrow};

const WORD: usize = size_of::<usize>();

/// A heap over `memory` with blocks of `layout`, `count` of them, in address order.
fn heap_with(memory: &Memory, layout: Layout, count: usize) -> (Heap<NeverGrow>, Vec<NonNull<u8>>) {
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory.
    unsafe {
        heap.claim(memory.span(0, 4096)).unwrap();
        let blocks = (0..count).map(|_| heap.allocate(layout).unwrap()).collect();
        (heap, blocks)
    }
}

/// The message `operation` panicked with.
fn panic_message(operation: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(operation)).expect_err("the heap must panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_one_byte_overflow_is_caught_by_the_redzone_at_the_free() {
    let memory = Memory::new(4096);
    // 20 bytes get a 24-byte room: 4 bytes of redzone.
    let layout = Layout::from_size_align(20, 4).unwrap();
    let (mut heap, blocks) = heap_with(&memory, layout, 2);
    let block = blocks[0].as_ptr();
    // SAFETY: the byte lies in the block's chunk; writing it is the bug under test.
    let message = panic_message(|| unsafe {
        block.add(20).write(0x41);
        heap.deallocate(blocks[0], layout);
    });
    let chunk = block.addr() - WORD;
    assert_eq!(
        message,
        format!(
            "deallocate: heap corrupted at the chunk {chunk:#x}: the 20-byte block at {block:p} \
             was written past its end: {:p} holds 0x41, not the redzone",
            block.wrapping_add(20)
        )
    );
}

#[test]
fn an_untouched_redzone_survives_a_shrink_and_a_grow_in_place() {
    let memory = Memory::new(4096);
    let layout = Layout::from_size_align(100, 4).unwrap();
    let (mut heap, blocks) = heap_with(&memory, layout, 1);
    // SAFETY: every call names the block's current layout.
    unsafe {
        let block = heap.shrink(blocks[0], layout, 37);
        let smaller = Layout::from_size_align(37, 4).unwrap();
        let block = heap.grow_in_place(block, smaller, 90).unwrap();
        block.as_ptr().write_bytes(7, 90);
        heap.deallocate(block, Layout::from_size_align(90, 4).unwrap());
    }
    assert_eq!(heap.check(), Ok(()));
}

#[test]
fn a_write_after_free_is_caught_when_the_chunk_is_allocated_again() {
    let memory = Memory::new(4096);
    let layout = Layout::from_size_align(200, 8).unwrap();
    let (mut heap, blocks) = heap_with(&memory, layout, 2);
    let block = blocks[0].as_ptr();
    // SAFETY: the write hits the freed chunk's poison, on purpose.
    let message = panic_message(|| unsafe {
        heap.deallocate(blocks[0], layout);
        // A driver's late DMA completion, say, into the freed buffer.
        block.add(40).write(0x41);
        let _ = heap.allocate(layout);
    });
    let chunk = block.addr() - WORD;
    assert_eq!(
        message,
        format!(
            "heap check: heap corrupted at the chunk {chunk:#x}: written after it was freed: \
             {:p} holds 0x41, not the poison",
            block.wrapping_add(40)
        )
    );
}

#[test]
fn a_write_after_free_is_caught_when_the_chunk_is_merged() {
    let memory = Memory::new(4096);
    let layout = Layout::from_size_align(200, 8).unwrap();
    let (mut heap, blocks) = heap_with(&memory, layout, 3);
    let block = blocks[0].as_ptr();
    // SAFETY: as above.
    let message = panic_message(|| unsafe {
        heap.deallocate(blocks[0], layout);
        block.add(16).write(0x41);
        // The block above merges with the freed one below it.
        heap.deallocate(blocks[1], layout);
    });
    assert!(message.contains("written after it was freed"), "{message}");
}
