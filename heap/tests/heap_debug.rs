//! Tests of the `debug-checks` feature (on in tests, in builds with debug assertions) and of
//! `check()`: a double free or a pointer the heap never handed out panics with its address; a
//! corrupted chunk is reported with the rule it breaks.

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use heap::{Heap, NeverGrow, Rule};

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
