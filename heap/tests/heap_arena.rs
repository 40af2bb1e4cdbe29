//! Tests of the arena operations: extend at either end, truncate, allocated_span, and the
//! errors each gives for bad spans (with nothing changed).

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use tagheap::{ExtendError, Heap, NeverGrow, Span, TruncateError, Truncated};

const WORD: usize = size_of::<usize>();

/// The arena `claim` makes of `memory.span(offset, size)` when both are multiples of 16: it
/// starts one word in, so that every block above a one-word tag is 16-aligned.
fn claimed(memory: &Memory, offset: usize, size: usize) -> Span {
    memory.span(offset + WORD, size - WORD)
}

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

#[test]
fn extend_grows_either_end_and_merges_free_memory() {
    let memory = Memory::new(1 << 16);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory; every span lies inside it.
    unsafe {
        let arena = heap.claim(memory.span(8192, 4096)).unwrap();
        let block = heap.allocate(layout(4000)).unwrap();
        assert!(heap.allocate(layout(4000)).is_err());
        let arena = heap.extend(arena, memory.span(8192, 8192)).unwrap();
        assert_eq!(arena, claimed(&memory, 8192, 8192));
        heap.check().unwrap();
        let second = heap.allocate(layout(4000)).unwrap();
        let arena = heap.extend(arena, memory.span(4096, 12288)).unwrap();
        assert_eq!(arena, claimed(&memory, 4096, 12288));
        heap.check().unwrap();
        let third = heap.allocate(layout(4000)).unwrap();
        assert!(third < block, "the new low memory is used");
        assert_eq!(heap.counters().claimed_bytes, 12288 - WORD);
        for ptr in [block, second, third] {
            heap.deallocate(ptr, layout(4000));
        }
        assert_eq!(heap.chunks().count(), 1);
        heap.check().unwrap();
    }
}

#[test]
fn extend_refuses_bad_spans_and_skips_slivers() {
    let memory = Memory::new(1 << 16);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory; refused calls write nothing.
    unsafe {
        let arena = heap.claim(memory.span(8192, 4096)).unwrap();
        let other = heap.claim(memory.span(16384, 4096)).unwrap();
        let stranger = memory.span(8192, 1000);
        assert_eq!(
            heap.extend(stranger, memory.span(0, 20000)),
            Err(ExtendError::NotAnArena { old: stranger })
        );
        assert_eq!(arena, claimed(&memory, 8192, 4096));
        assert_eq!(
            heap.extend(arena, memory.span(8192, 2048)),
            Err(ExtendError::DoesNotContain {
                old: arena,
                new: claimed(&memory, 8192, 2048)
            }),
            "the error reports the span aligned inward"
        );
        let over = memory.span(8192, 10000);
        assert_eq!(
            heap.extend(arena, over),
            Err(ExtendError::Overlaps {
                new: claimed(&memory, 8192, 10000),
                existing: other
            })
        );
        let low = Span::new(core::ptr::without_provenance_mut(16), arena.acme());
        assert_eq!(
            heap.extend(arena, low),
            Err(ExtendError::NullPage { base: 16 + WORD })
        );
        assert!(heap
            .extend(arena, over)
            .unwrap_err()
            .to_string()
            .contains("overlaps"));
        heap.check().unwrap();
        let _fill = [(); 2].map(|()| heap.allocate(layout(4096 - 6 * WORD)).unwrap());
        let first = heap.chunks().find(|chunk| chunk.arena == arena).unwrap();
        assert!(first.allocated);
        let sliver = memory.span(8192 - 2 * WORD, 4096 + 2 * WORD);
        assert_eq!(
            heap.extend(arena, sliver),
            Ok(arena),
            "two words (one granule) below an allocated chunk are left unused"
        );
        heap.check().unwrap();
    }
}

#[test]
fn allocated_span_and_truncate_release_only_free_ends() {
    let memory = Memory::new(1 << 16);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory; blocks freed once.
    unsafe {
        let full = heap.claim(memory.span(0, 1 << 16)).unwrap();
        let arena = full;
        assert!(heap.allocated_span(arena).unwrap().is_empty());
        let spacer = heap.allocate(layout(1000)).unwrap();
        let kept = heap.allocate(layout(100)).unwrap();
        heap.deallocate(spacer, layout(1000));
        let used = heap.allocated_span(arena).unwrap();
        assert_eq!(
            used,
            Span::from_base_size(kept.as_ptr().wrapping_sub(WORD), 100 + WORD + 4)
        );

        let into = memory.span(4096, 4096);
        assert_eq!(
            heap.truncate(arena, into),
            Err(TruncateError::WouldCutAllocated {
                new: into,
                allocated: used
            })
        );
        let wider = Span::from_base_size(arena.base(), 1 << 17);
        assert_eq!(
            heap.truncate(arena, wider),
            Err(TruncateError::NotWithin {
                old: arena,
                new: wider
            })
        );
        assert_eq!(
            heap.truncate(into, into),
            Err(TruncateError::NotAnArena { old: into })
        );
        heap.check().unwrap();

        let Truncated {
            arena,
            released_below,
            released_above,
        } = heap.truncate(arena, used).unwrap();
        heap.check().unwrap();
        assert!(arena.contains_span(used));
        assert!(
            arena.size() <= used.size() + 3 * WORD + 4 * WORD,
            "keeps at most a record and a minimal chunk more"
        );
        assert_eq!(released_below, Span::new(full.base(), arena.base()));
        assert_eq!(released_above, Span::new(arena.acme(), full.acme()));
        assert_eq!(heap.counters().claimed_bytes, arena.size());

        heap.deallocate(kept, layout(100));
        let Truncated {
            arena: gone,
            released_below,
            released_above,
        } = heap.truncate(arena, Span::empty()).unwrap();
        assert!(gone.is_empty() && released_above.is_empty());
        assert_eq!(released_below, arena);
        assert_eq!(heap.arenas().count(), 0);
        assert_eq!(heap.counters().claimed_bytes, 0);
        heap.check().unwrap();
    }
}

#[test]
fn truncate_then_extend_round_trips() {
    let memory = Memory::new(1 << 16);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory.
    unsafe {
        let full = heap.claim(memory.span(0, 1 << 16)).unwrap();
        let small = heap.truncate(full, memory.span(8192, 4096)).unwrap().arena;
        assert_eq!(
            small,
            memory.span(8192 - WORD, 4096 + WORD),
            "the base goes down to a chunk boundary"
        );
        heap.check().unwrap();
        let tiny = heap.truncate(small, memory.span(10000, 8)).unwrap().arena;
        heap.check().unwrap();
        assert!(tiny.size() <= 6 * WORD + 8);
        let back = heap.extend(tiny, full).unwrap();
        assert_eq!(back, full);
        assert_eq!(heap.chunks().count(), 1);
        heap.check().unwrap();
        let block = heap.allocate(layout(60000)).unwrap();
        heap.deallocate(block, layout(60000));
    }
}

#[test]
fn allocated_span_of_an_unknown_arena_is_an_error() {
    let memory = Memory::new(1 << 14);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory.
    let arena = unsafe { heap.claim(memory.span(4096, 4096)) }.unwrap();
    let stranger = memory.span(4096, 1000);
    assert_eq!(
        heap.allocated_span(stranger),
        Err(TruncateError::NotAnArena { old: stranger })
    );
    assert_eq!(heap.allocated_span(arena), Ok(Span::empty()));
}

#[test]
fn truncate_may_leave_a_bare_end_record_that_extends_again() {
    let memory = Memory::new(1 << 14);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory; every span lies inside it.
    unsafe {
        let arena = heap.claim(memory.span(4096, 4096)).unwrap();
        let tiny = memory.span(4096 + WORD, WORD);
        let truncated = heap.truncate(arena, tiny).unwrap();
        assert_eq!(
            truncated.arena,
            memory.span(4096 + WORD, 3 * WORD),
            "the end record alone"
        );
        heap.check().unwrap();
        assert!(heap.allocate(layout(8)).is_err());
        let arena = heap
            .extend(truncated.arena, memory.span(4096, 4096))
            .unwrap();
        let block = heap.allocate(layout(4000)).unwrap();
        heap.check().unwrap();
        heap.deallocate(block, layout(4000));
        let gone = heap.truncate(arena, Span::empty()).unwrap();
        assert_eq!(gone.arena, Span::empty());
    }
    assert_eq!(heap.arenas().count(), 0);
    heap.check().unwrap();
}
