//! `MmapGrow` (feature `mmap`): the heap starts with nothing, reserves address space on its
//! first allocation, commits a step at a time as it runs out, serves requests larger than a
//! step and highly aligned ones, fails cleanly (staying usable) once the reservation is used
//! up, and follows the arena through a truncate or a release, using the pages still committed
//! above it before committing more. Miri cannot `mmap`, so these run only natively.
#![cfg(all(feature = "mmap", not(miri)))]

use core::alloc::Layout;
use std::ptr::NonNull;
use tagheap::{Heap, MmapGrow, Span};

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).expect("test layouts are valid")
}

/// Allocates `layout` on `heap` and fills the block with `fill`.
fn filled(heap: &mut Heap<MmapGrow>, layout: Layout, fill: u8) -> NonNull<u8> {
    // SAFETY: the heap's arenas are its own reservation.
    let block = unsafe { heap.allocate(layout) }.expect("the reservation has room");
    // SAFETY: a fresh block of `layout.size()` bytes.
    unsafe { block.write_bytes(fill, layout.size()) };
    block
}

/// Whether the block holds `fill` in all its bytes.
fn holds(block: NonNull<u8>, size: usize, fill: u8) -> bool {
    // SAFETY: callers pass a live block of `size` bytes they filled.
    unsafe { core::slice::from_raw_parts(block.as_ptr(), size) }
        .iter()
        .all(|&byte| byte == fill)
}

#[test]
fn the_arena_is_reserved_on_first_use_and_grows_a_step_at_a_time() {
    let mut heap = Heap::new(MmapGrow::new(1 << 30));
    assert!(
        heap.hook.reserved().is_empty(),
        "nothing is mapped before use"
    );
    let small = layout(1000, 16);
    let blocks: Vec<_> = (0..3000)
        .map(|n| filled(&mut heap, small, n as u8))
        .collect();
    let committed = heap.hook.committed();
    assert_eq!(committed.base(), heap.hook.reserved().base());
    assert!(
        committed.size() >= 3000 * 1000,
        "{} bytes",
        committed.size()
    );
    assert_eq!(
        committed.size() % MmapGrow::STEP,
        0,
        "whole steps of small requests"
    );
    let word = size_of::<usize>();
    assert_eq!(
        heap.arenas().next(),
        Some(Span::new(
            committed.base().wrapping_add(word),
            committed.acme()
        )),
        "the arena covers the committed pages but their first word"
    );
    assert_eq!(heap.counters().claimed_bytes, committed.size() - word);
    assert_eq!(heap.arenas().count(), 1, "one arena, extended in place");
    for (n, block) in blocks.into_iter().enumerate() {
        assert!(
            holds(block, small.size(), n as u8),
            "block {n} was overwritten"
        );
        // SAFETY: a live block of this heap, freed once with its layout.
        unsafe { heap.deallocate(block, small) };
    }
    assert_eq!(heap.check(), Ok(()));
    assert_eq!(heap.counters().live_allocations, 0);
}

#[test]
fn a_request_larger_than_a_step_and_a_page_aligned_one_are_served() {
    let mut heap = Heap::new(MmapGrow::new(1 << 30));
    let big = layout(5 * MmapGrow::STEP + 123, 8);
    let aligned = layout(3 * MmapGrow::STEP, 1 << 16);
    let first = filled(&mut heap, big, 0xa1);
    let second = filled(&mut heap, aligned, 0xb2);
    assert_eq!(second.as_ptr().addr() % aligned.align(), 0);
    assert!(holds(first, big.size(), 0xa1) && holds(second, aligned.size(), 0xb2));
    assert_eq!(heap.check(), Ok(()));
}

#[test]
fn a_used_up_reservation_fails_the_request_and_keeps_the_heap_usable() {
    let mut heap = Heap::new(MmapGrow::new(2 * MmapGrow::STEP));
    let kept = filled(&mut heap, layout(MmapGrow::STEP / 2, 8), 7);
    // SAFETY: as in `filled`.
    let too_big = unsafe { heap.allocate(layout(3 * MmapGrow::STEP, 8)) };
    assert!(too_big.is_err(), "more than the reservation holds");
    assert_eq!(
        heap.hook.committed().size(),
        MmapGrow::STEP,
        "nothing was committed"
    );
    let small = filled(&mut heap, layout(64, 8), 9);
    assert!(holds(kept, MmapGrow::STEP / 2, 7) && holds(small, 64, 9));
    assert_eq!(heap.check(), Ok(()));
}

/// The heap's one arena.
fn arena(heap: &Heap<MmapGrow>) -> Span {
    let arenas: Vec<Span> = heap.arenas().collect();
    assert_eq!(arenas.len(), 1, "one arena");
    arenas[0]
}

#[test]
fn growth_follows_a_truncated_arena_and_uses_the_pages_above_it_first() {
    let mut heap = Heap::new(MmapGrow::new(1 << 30));
    let small = layout(64, 8);
    let kept = filled(&mut heap, small, 1);
    let big = layout(3 * MmapGrow::STEP, 8);
    let first = filled(&mut heap, big, 2);
    let committed = heap.hook.committed();
    // SAFETY: a live block of this heap, freed once with its layout.
    unsafe { heap.deallocate(first, big) };
    for round in 0..4 {
        let used = heap.allocated_span(arena(&heap)).unwrap();
        let truncated = heap.truncate(arena(&heap), used).unwrap().arena;
        assert!(
            truncated.size() < MmapGrow::STEP,
            "round {round}: {truncated}"
        );
        let again = filled(&mut heap, big, 3);
        assert_eq!(
            heap.hook.committed(),
            committed,
            "round {round}: the pages above the truncated arena are used again, no more committed"
        );
        assert!(holds(again, big.size(), 3));
        // SAFETY: as above.
        unsafe { heap.deallocate(again, big) };
    }
    assert!(holds(kept, small.size(), 1));
    assert_eq!(heap.check(), Ok(()));
}

#[test]
fn growth_claims_the_committed_pages_again_after_a_release() {
    let mut heap = Heap::new(MmapGrow::new(1 << 30));
    let big = layout(2 * MmapGrow::STEP, 8);
    let block = filled(&mut heap, big, 4);
    let committed = heap.hook.committed();
    // SAFETY: a live block of this heap, freed once with its layout.
    unsafe { heap.deallocate(block, big) };
    let released = heap.truncate(arena(&heap), Span::empty()).unwrap();
    assert!(released.arena.is_empty() && heap.arenas().next().is_none());
    for round in 0..4 {
        let block = filled(&mut heap, big, 5);
        assert_eq!(
            heap.hook.committed(),
            committed,
            "round {round}: nothing more committed"
        );
        assert!(holds(block, big.size(), 5));
        // SAFETY: as above.
        unsafe { heap.deallocate(block, big) };
        heap.truncate(arena(&heap), Span::empty()).unwrap();
    }
    let small = filled(&mut heap, layout(64, 8), 6);
    assert_eq!(
        arena(&heap).acme(),
        committed.acme(),
        "claimed up to the committed end"
    );
    assert!(holds(small, 64, 6));
    assert_eq!(heap.check(), Ok(()));
}
