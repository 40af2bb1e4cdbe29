//! Tests of the `harden` feature: free-list links are stored mangled, and a link, size word
//! or tag corrupted through the raw memory (as a driver's stray write would) is reported
//! naming the chunk, before the heap follows it.
#![cfg(feature = "harden")]

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use std::panic::{catch_unwind, AssertUnwindSafe};
use tagheap::{Heap, NeverGrow};

const WORD: usize = size_of::<usize>();

/// Blocks of 48 bytes: 64-byte chunks, the block one word above the chunk's base.
fn layout() -> Layout {
    Layout::from_size_align(48, 8).unwrap()
}

/// A heap over `memory` with five blocks `a` to `e` in address order (`e` keeps `d` from
/// merging with the free rest of the arena).
fn heap_with_blocks(memory: &Memory) -> (Heap<NeverGrow>, [NonNull<u8>; 5]) {
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory.
    unsafe {
        heap.claim(memory.span(0, 4096)).unwrap();
        let blocks = [(); 5].map(|()| heap.allocate(layout()).unwrap());
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

/// The word `offset` bytes above the freed block at `block` (a negative offset reaches its
/// chunk's first word), written as a stray write would.
fn scribble(block: NonNull<u8>, offset: isize, value: usize) {
    // SAFETY: the word lies in the test's memory, inside the freed block's chunk.
    unsafe { block.as_ptr().offset(offset).cast::<usize>().write(value) }
}

fn chunk_of(block: NonNull<u8>) -> usize {
    block.as_ptr().addr() - WORD
}

#[test]
fn links_are_stored_mangled_and_reseeding_keeps_the_lists() {
    let memory = Memory::new(4096);
    let (mut heap, [_, b, _, d, _]) = heap_with_blocks(&memory);
    // SAFETY: each block is freed once, with its layout.
    unsafe {
        heap.deallocate(b, layout());
        heap.deallocate(d, layout());
        // `d` heads the bin; its `next` link (its chunk's first word) leads to `b`.
        let stored = d.as_ptr().sub(WORD).cast::<usize>().read();
        assert_ne!(stored, chunk_of(b), "the link must not be stored as it is");
        assert_eq!(stored & 1, 0, "a free chunk's first word keeps bit 0 clear");
        heap.set_link_secret(0x1234_5678_9abc_def0);
        assert_ne!(d.as_ptr().sub(WORD).cast::<usize>().read(), stored);
        assert_eq!(heap.check(), Ok(()));
        let again = [(); 2].map(|()| heap.allocate(layout()).unwrap());
        assert_eq!(again, [d, b], "the list survived the new secret");
    }
}

#[test]
fn a_corrupted_next_link_is_reported_at_the_next_allocation() {
    let memory = Memory::new(4096);
    let (mut heap, [a, b, _, d, _]) = heap_with_blocks(&memory);
    // SAFETY: each block is freed once; the stray write hits a freed chunk, on purpose.
    let message = panic_message(|| unsafe {
        heap.deallocate(b, layout());
        heap.deallocate(d, layout());
        // An underflow out of the block above `d` would land here: a plausible pointer into `a`.
        scribble(d, -(WORD as isize), a.as_ptr().addr() + 16);
        let _ = heap.allocate(layout());
    });
    let chunk = chunk_of(d);
    assert!(
        message.starts_with(&format!(
            "heap check: heap corrupted at the chunk {chunk:#x}: its next link leads to"
        )),
        "{message}"
    );
}

#[test]
fn a_use_after_free_write_over_the_prev_link_is_reported() {
    let memory = Memory::new(4096);
    let (mut heap, [a, b, _, d, _]) = heap_with_blocks(&memory);
    // SAFETY: as above.
    let message = panic_message(|| unsafe {
        heap.deallocate(b, layout());
        heap.deallocate(d, layout());
        // A write through a dangling pointer to `b`: its first word is the `prev` link.
        scribble(b, 0, a.as_ptr().addr());
        heap.deallocate(a, layout());
    });
    let chunk = chunk_of(b);
    assert!(
        message.starts_with(&format!(
            "heap check: heap corrupted at the chunk {chunk:#x}: its prev link leads to"
        )),
        "{message}"
    );
}

#[test]
fn a_corrupted_size_word_is_reported_when_the_chunk_is_reused() {
    let memory = Memory::new(4096);
    let (mut heap, [_, b, _, _, _]) = heap_with_blocks(&memory);
    // SAFETY: as above.
    let message = panic_message(|| unsafe {
        heap.deallocate(b, layout());
        // The low size word sits one word into the freed block.
        scribble(b, WORD as isize, 4096);
        let _ = heap.allocate(layout());
    });
    let chunk = chunk_of(b);
    assert_eq!(
        message,
        format!("heap check: heap corrupted at the chunk {chunk:#x}: its size words disagree: 4096 at its base, which runs out of its arena")
    );
}

#[test]
fn a_corrupted_boundary_tag_is_reported_before_a_free_merges() {
    let memory = Memory::new(4096);
    let (mut heap, [_, b, c, _, _]) = heap_with_blocks(&memory);
    // SAFETY: as above.
    let message = panic_message(|| unsafe {
        heap.deallocate(b, layout());
        // The top size word of `b`'s free chunk, which `c`'s free reads to find `b`'s base.
        scribble(b, 48, 32);
        heap.deallocate(c, layout());
    });
    let chunk = chunk_of(c);
    assert_eq!(
        message,
        format!("heap check: heap corrupted at the chunk {chunk:#x}: the word below it says the free chunk below has 32 bytes; the chunk there has 0")
    );
}
