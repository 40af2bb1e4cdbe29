//! Tests of the `debug-checks` feature (on in tests, in builds with debug assertions) and of
//! `check()`: a double free, a pointer the heap never handed out or a layout the block was not
//! allocated with panics with its address, before anything changes; a corrupted chunk is
//! reported with the rule it breaks.

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use std::panic::{catch_unwind, AssertUnwindSafe};
use tagheap::{Counters, Heap, NeverGrow, Rule};

fn heap_with_blocks(memory: &Memory) -> (Heap<NeverGrow>, [NonNull<u8>; 3]) {
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory.
    unsafe {
        heap.claim(memory.span(0, 4096)).unwrap();
        let blocks = [(); 3].map(|()| heap.allocate(layout()).unwrap());
        (heap, blocks)
    }
}

fn layout() -> Layout {
    Layout::from_size_align(64, 8).unwrap()
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "double free")]
fn a_double_free_panics() {
    let memory = Memory::new(4096);
    let (mut heap, [a, _, _]) = heap_with_blocks(&memory);
    // SAFETY: deliberately wrong; the debug checks stop the second free.
    unsafe {
        heap.deallocate(a, layout());
        heap.deallocate(a, layout());
    }
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "never handed out")]
fn a_pointer_into_a_block_panics() {
    let memory = Memory::new(4096);
    let (mut heap, [_, b, _]) = heap_with_blocks(&memory);
    // SAFETY: deliberately wrong; the debug checks stop it.
    unsafe { heap.deallocate(b.add(16), layout()) };
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "was never handed out by this heap: a block aligned to 1 starts at")]
fn a_misaligned_pointer_into_a_block_panics_without_a_misaligned_read() {
    let memory = Memory::new(4096);
    let (mut heap, [_, b, _]) = heap_with_blocks(&memory);
    let byte = Layout::from_size_align(1, 1).unwrap();
    // SAFETY: deliberately wrong; the debug checks stop it (under Miri: without reading the
    // unaligned word below the pointer).
    unsafe { heap.deallocate(b.add(3), byte) };
}

#[test]
#[should_panic(expected = "was never handed out by this heap")]
fn a_pointer_in_no_arena_panics_with_or_without_debug_checks() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_with_blocks(&memory);
    let mut outside = [0u64; 4];
    // SAFETY: deliberately wrong; the arena lookup stops it in every build.
    unsafe { heap.deallocate(NonNull::from(&mut outside[1]).cast(), layout()) };
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "lies in no chunk")]
fn a_foreign_pointer_panics() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_with_blocks(&memory);
    let mut outside = [0u64; 4];
    // SAFETY: deliberately wrong; the debug checks stop it.
    unsafe { heap.shrink(NonNull::from(&mut outside[1]).cast(), layout(), 8) };
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
#[should_panic(expected = "does not fit the block")]
fn a_layout_larger_than_the_block_panics() {
    let memory = Memory::new(4096);
    let (mut heap, [a, _, _]) = heap_with_blocks(&memory);
    // SAFETY: deliberately wrong; the debug checks stop it.
    unsafe { heap.deallocate(a, Layout::from_size_align(4000, 8).unwrap()) };
}

#[test]
fn check_reports_a_corrupted_tag_and_a_corrupted_size() {
    let memory = Memory::new(4096);
    let (mut heap, [a, b, _]) = heap_with_blocks(&memory);
    // SAFETY: the test corrupts its own heap's metadata, then only calls `check`.
    unsafe {
        heap.deallocate(b, layout());
        let tag = a.as_ptr().sub(8).cast::<usize>();
        let saved = tag.read();
        tag.write(saved | 2);
        let error = heap.check().unwrap_err();
        assert_eq!(
            (error.rule, error.address),
            (Rule::BelowFreeBit, tag.addr()),
            "{error}"
        );
        tag.write(saved);
        heap.check().unwrap();
        let top_size = b.as_ptr().add(64).cast::<usize>();
        top_size.write(top_size.read() + 8);
        let error = heap.check().unwrap_err();
        assert!(
            matches!(error.rule, Rule::SizeWordsAgree | Rule::ChunkBounds),
            "{error}"
        );
        assert!(
            error.to_string().contains("SizeWordsAgree")
                || error.to_string().contains("ChunkBounds")
        );
    }
}

/// Runs `misuse`, which must panic; returns the panic's message after checking that the heap
/// is exactly as it was (same chunks, same counters, and `check()` passes).
fn panics_without_change(
    heap: &mut Heap<NeverGrow>,
    misuse: impl FnOnce(&mut Heap<NeverGrow>),
) -> String {
    let chunks: Vec<_> = heap.chunks().collect();
    let counters: Counters = heap.counters();
    let payload = catch_unwind(AssertUnwindSafe(|| misuse(heap)))
        .expect_err("the debug checks should have stopped the misuse");
    assert_eq!(
        heap.chunks().collect::<Vec<_>>(),
        chunks,
        "the chunks changed"
    );
    assert_eq!(heap.counters(), counters, "the counters changed");
    heap.check().unwrap();
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
fn a_free_with_a_smaller_size_panics_before_anything_changes() {
    let memory = Memory::new(4096);
    let (mut heap, [a, _, _]) = heap_with_blocks(&memory);
    // SAFETY: deliberately wrong; the debug checks stop it.
    let message = panics_without_change(&mut heap, |heap| unsafe {
        heap.deallocate(a, Layout::from_size_align(32, 8).unwrap())
    });
    assert!(message.contains(&format!("{a:p}")), "{message}");
    assert!(message.contains("size 32"), "{message}");
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
fn a_zero_size_block_freed_with_size_16_panics_before_anything_changes() {
    let memory = Memory::new(4096);
    let mut heap = Heap::new(NeverGrow);
    let empty = Layout::from_size_align(0, 8).unwrap();
    // SAFETY: the test's memory.
    let block = unsafe {
        heap.claim(memory.span(0, 4096)).unwrap();
        heap.allocate(empty).unwrap()
    };
    // SAFETY: deliberately wrong; the debug checks stop it.
    let message = panics_without_change(&mut heap, |heap| unsafe {
        heap.deallocate(block, Layout::from_size_align(16, 8).unwrap())
    });
    assert!(message.contains(&format!("{block:p}")), "{message}");
    // SAFETY: the block, with its own layout, freed once.
    unsafe { heap.deallocate(block, empty) };
    heap.check().unwrap();
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "the debug checks need debug assertions"
)]
fn an_interior_pointer_behind_a_word_that_looks_like_a_back_pointer_panics() {
    let memory = Memory::new(4096);
    let (mut heap, [a, _, _]) = heap_with_blocks(&memory);
    // The block's first word holds its chunk's base, as a back pointer would.
    let base = a.as_ptr().wrapping_sub(8);
    // SAFETY: the block holds 64 bytes.
    unsafe { a.cast::<*mut u8>().write(base) };
    // SAFETY: deliberately wrong: a pointer one word into the block; the checks stop it.
    let inside = unsafe { a.add(8) };
    // SAFETY: as above: the checks stop the free before it changes anything.
    let message = panics_without_change(&mut heap, |heap| unsafe {
        heap.deallocate(inside, Layout::from_size_align(56, 8).unwrap())
    });
    assert!(message.contains(&format!("{inside:p}")), "{message}");
    assert!(message.contains("never handed out"), "{message}");
}
