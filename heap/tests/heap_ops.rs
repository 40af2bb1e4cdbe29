//! Unit tests of each heap operation: claim, allocate, deallocate, the resizing paths,
//! the walks and the counters; `check()` after every change.

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use tagheap::{AllocError, ClaimError, Heap, NeverGrow, Span};

const WORD: usize = size_of::<usize>();
/// The free chunk of a fresh arena over page-aligned memory of `size` bytes: the first word
/// lies below the first chunk boundary (one word past a 16-byte boundary, so that blocks are
/// 16-aligned) and the end record takes three words.
const fn fresh(size: usize) -> usize {
    size - 4 * WORD
}

/// The chunk a block of `size` bytes takes: its tag and bytes in whole 16-byte granules, and
/// at least four words.
fn chunk_for(size: usize) -> usize {
    (size + WORD).next_multiple_of(16).max(4 * WORD)
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

fn heap_over(memory: &Memory, size: usize) -> (Heap<NeverGrow>, Span) {
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the memory is the test's own and outlives the heap.
    let arena = unsafe { heap.claim(memory.span(0, size)) }.unwrap();
    heap.check().unwrap();
    (heap, arena)
}

fn free_chunks(heap: &Heap<NeverGrow>) -> Vec<usize> {
    heap.chunks()
        .filter(|chunk| !chunk.allocated)
        .map(|chunk| chunk.size)
        .collect()
}

#[test]
fn a_claimed_arena_is_one_free_chunk_below_its_end_record() {
    let memory = Memory::new(4096);
    let (heap, arena) = heap_over(&memory, 4096);
    assert_eq!(
        arena,
        memory.span(WORD, 4096 - WORD),
        "blocks one word above chunk boundaries are 16-aligned"
    );
    assert_eq!(heap.arenas().collect::<Vec<_>>(), vec![arena]);
    assert_eq!(free_chunks(&heap), vec![fresh(4096)]);
    let counters = heap.counters();
    assert_eq!(
        (
            counters.claimed_bytes,
            counters.free_bytes,
            counters.free_chunks
        ),
        (4096 - WORD, fresh(4096), 1)
    );
    assert_eq!(counters.largest_free_chunk, fresh(4096));
}

#[test]
fn claim_aligns_inward_and_refuses_bad_arenas() {
    let memory = Memory::new(8192);
    let (mut heap, arena) = heap_over(&memory, 4096);
    let before = heap.counters();
    // SAFETY: every refused claim writes nothing; the accepted one is the test's memory.
    unsafe {
        let null = Span::from_base_size(core::ptr::without_provenance_mut(0x800), 4096);
        assert_eq!(
            heap.claim(null),
            Err(ClaimError::NullPage { base: 0x800 + WORD })
        );
        let tiny = memory.span(4096, 5 * WORD);
        assert_eq!(
            heap.claim(tiny),
            Err(ClaimError::TooSmall {
                size: 3 * WORD,
                minimum: 7 * WORD
            }),
            "one word is lost at the base, one at the top"
        );
        let overlapping = memory.span(4000, 1000);
        let error = heap.claim(overlapping).unwrap_err();
        assert_eq!(
            error,
            ClaimError::Overlaps {
                arena: memory.span(4000 + WORD, 1000 - 2 * WORD),
                existing: arena
            }
        );
        assert!(error.to_string().contains("overlaps"), "{error}");
        assert_eq!(heap.counters(), before);
        let unaligned = memory.span(4099, 1000);
        assert_eq!(heap.claim(unaligned), Ok(memory.span(4104, 984)));
    }
    assert_eq!(heap.arenas().count(), 2);
    heap.check().unwrap();
}

#[test]
fn allocations_are_aligned_disjoint_and_freed_back_into_one_chunk() {
    let memory = Memory::new(1 << 16);
    let (mut heap, _) = heap_over(&memory, 1 << 16);
    let mut blocks = Vec::new();
    for (index, &(size, align)) in [
        (0, 1),
        (1, 1),
        (8, 8),
        (24, 8),
        (100, 16),
        (3, 64),
        (513, 4096),
        (40, 32),
    ]
    .iter()
    .enumerate()
    {
        // SAFETY: the heap's arena is valid.
        let ptr = unsafe { heap.allocate(layout(size, align)) }.unwrap();
        assert_eq!(
            ptr.as_ptr().addr() % align,
            0,
            "{size} bytes aligned to {align}"
        );
        // SAFETY: the block holds `size` bytes.
        unsafe { ptr.as_ptr().write_bytes(index as u8, size) };
        blocks.push((ptr, layout(size, align), index as u8));
        heap.check().unwrap();
    }
    assert_eq!(heap.counters().live_allocations, 8);
    assert_eq!(
        heap.counters().allocated_bytes,
        1 + 8 + 24 + 100 + 3 + 513 + 40
    );
    for order in [1, 6, 3, 0, 7, 2, 5, 4] {
        let (ptr, layout, fill) = blocks[order];
        // SAFETY: each block is read within its size, then freed once.
        unsafe {
            assert!(core::slice::from_raw_parts(ptr.as_ptr(), layout.size())
                .iter()
                .all(|&byte| byte == fill));
            heap.deallocate(ptr, layout);
        }
        heap.check().unwrap();
    }
    assert_eq!(free_chunks(&heap), vec![fresh(1 << 16)]);
    assert_eq!(heap.counters().allocated_bytes, 0);
}

#[test]
fn a_zero_size_allocation_takes_a_minimal_chunk() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_over(&memory, 4096);
    // SAFETY: the arena is valid; the block is freed once.
    unsafe {
        let ptr = heap.allocate(layout(0, 1)).unwrap();
        let chunk = heap.chunks().find(|chunk| chunk.allocated).unwrap();
        assert_eq!(
            (chunk.base.addr() + WORD, chunk.size),
            (ptr.as_ptr().addr(), 4 * WORD)
        );
        heap.deallocate(ptr, layout(0, 1));
    }
    heap.check().unwrap();
}

#[test]
fn requests_that_cannot_fit_fail_cleanly() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_over(&memory, 4096);
    let before = heap.counters();
    // SAFETY: the arena is valid.
    unsafe {
        assert_eq!(heap.allocate(layout(4096, 8)), Err(AllocError));
        assert_eq!(
            heap.allocate(layout(isize::MAX as usize - 4095, 4096)),
            Err(AllocError)
        );
        assert_eq!(heap.allocate(layout(1, 1 << 40)), Err(AllocError));
    }
    assert_eq!(heap.counters(), before);
    heap.check().unwrap();
    assert!(AllocError.to_string().contains("allocation failed"));
}

#[test]
fn free_merges_with_both_neighbours() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_over(&memory, 4096);
    let block = layout(64, 8);
    // SAFETY: the arena is valid; each block is freed once.
    unsafe {
        let [a, b, c, d] = [(); 4].map(|()| heap.allocate(block).unwrap());
        heap.deallocate(a, block);
        heap.deallocate(c, block);
        assert_eq!(heap.counters().free_chunks, 3);
        heap.deallocate(b, block);
        heap.check().unwrap();
        assert_eq!(
            free_chunks(&heap),
            vec![3 * chunk_for(64), fresh(4096) - 4 * chunk_for(64)]
        );
        heap.deallocate(d, block);
    }
    assert_eq!(free_chunks(&heap), vec![fresh(4096)]);
    heap.check().unwrap();
}

fn filled(heap: &mut Heap<NeverGrow>, size: usize, fill: u8) -> NonNull<u8> {
    // SAFETY: the arena is valid; the block holds `size` bytes.
    unsafe {
        let ptr = heap.allocate(layout(size, 8)).unwrap();
        ptr.as_ptr().write_bytes(fill, size);
        ptr
    }
}

fn holds(ptr: NonNull<u8>, size: usize, fill: u8) -> bool {
    // SAFETY: the callers pass live blocks of at least `size` bytes.
    unsafe {
        core::slice::from_raw_parts(ptr.as_ptr(), size)
            .iter()
            .all(|&byte| byte == fill)
    }
}

#[test]
fn grow_in_place_absorbs_the_free_chunk_above_or_fails_unchanged() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_over(&memory, 4096);
    let a = filled(&mut heap, 40, 1);
    let b = filled(&mut heap, 40, 2);
    // SAFETY: live blocks allocated with these layouts.
    unsafe {
        assert_eq!(heap.grow_in_place(a, layout(40, 8), 48), Err(AllocError));
        assert_eq!(
            heap.grow_in_place(a, layout(40, 8), usize::MAX),
            Err(AllocError)
        );
        heap.check().unwrap();
        assert_eq!(heap.grow_in_place(b, layout(40, 8), 1000), Ok(b));
        assert!(holds(b, 40, 2));
        heap.check().unwrap();
        heap.deallocate(b, layout(1000, 8));
        assert_eq!(heap.grow_in_place(a, layout(40, 8), 2000), Ok(a));
        assert_eq!(heap.counters().allocated_bytes, 2000);
        heap.check().unwrap();
        heap.deallocate(a, layout(2000, 8));
    }
    assert_eq!(free_chunks(&heap), vec![fresh(4096)]);
}

#[test]
fn grow_within_the_chunk_keeps_the_block_even_under_an_allocated_chunk() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_over(&memory, 4096);
    let a = filled(&mut heap, 100, 6);
    let fence = filled(&mut heap, 8, 7);
    let room = chunk_for(100) - WORD;
    let before: Vec<_> = heap.chunks().collect();
    // SAFETY: live blocks allocated with these layouts.
    unsafe {
        assert_eq!(
            heap.grow(a, layout(100, 8), room),
            Ok(a),
            "the chunk already holds {room} bytes"
        );
        assert_eq!(heap.chunks().collect::<Vec<_>>(), before);
        assert_eq!(heap.counters().allocated_bytes, room + 8);
        heap.check().unwrap();
        heap.deallocate(fence, layout(8, 8));
        let grown = heap.realloc(a, layout(room, 8), room + 1).unwrap();
        assert_eq!(grown, a, "one byte more absorbs the free chunk above");
        assert_eq!(
            heap.chunks().next().map(|chunk| chunk.size),
            Some(chunk_for(room + 1))
        );
        assert!(holds(grown, 100, 6));
        heap.check().unwrap();
        heap.deallocate(grown, layout(room + 1, 8));
    }
    assert_eq!(free_chunks(&heap), vec![fresh(4096)]);
}

#[test]
fn grow_moves_only_when_in_place_fails_and_keeps_the_bytes() {
    let memory = Memory::new(8192);
    let (mut heap, _) = heap_over(&memory, 8192);
    let a = filled(&mut heap, 100, 7);
    let fence = filled(&mut heap, 8, 9);
    // SAFETY: live blocks allocated with these layouts.
    unsafe {
        let moved = heap.grow(a, layout(100, 8), 500).unwrap();
        assert_ne!(moved, a);
        assert!(holds(moved, 100, 7));
        heap.check().unwrap();
        let same = heap.realloc(moved, layout(500, 8), 900).unwrap();
        assert_eq!(
            same, moved,
            "the chunk above is free, so realloc grows in place"
        );
        assert_eq!(heap.grow(same, layout(900, 8), 1 << 20), Err(AllocError));
        assert!(holds(same, 100, 7));
        heap.check().unwrap();
        heap.deallocate(same, layout(900, 8));
        heap.deallocate(fence, layout(8, 8));
    }
    heap.check().unwrap();
    assert_eq!(heap.counters().live_allocations, 0);
}

#[test]
fn a_block_in_an_older_arena_grows_in_place_and_moves_like_any_other() {
    let memory = Memory::new(8192);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the test's memory, claimed as two arenas; the blocks are live with these
    // layouts.
    unsafe {
        heap.claim(memory.span(0, 4096)).unwrap();
        let old = filled(&mut heap, 100, 3);
        let fence = filled(&mut heap, 8, 4);
        heap.claim(memory.span(4096, 4096)).unwrap();
        heap.deallocate(fence, layout(8, 8));
        let grown = heap.grow(old, layout(100, 8), 600).unwrap();
        assert_eq!(
            grown, old,
            "the free chunk above in the older arena is absorbed"
        );
        assert!(holds(grown, 100, 3));
        heap.check().unwrap();
        let fence = filled(&mut heap, 8, 5);
        let moved = heap.realloc(grown, layout(600, 8), 3900).unwrap();
        assert!(
            memory.span(4096, 4096).contains(moved.as_ptr()),
            "moved to the newest arena"
        );
        assert!(holds(moved, 100, 3));
        heap.check().unwrap();
        heap.deallocate(moved, layout(3900, 8));
        heap.deallocate(fence, layout(8, 8));
    }
    heap.check().unwrap();
    assert_eq!(heap.counters().live_allocations, 0);
}

#[test]
fn shrink_gives_back_the_tail_and_merges_it() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_over(&memory, 4096);
    let a = filled(&mut heap, 1000, 3);
    let fence = filled(&mut heap, 8, 4);
    // SAFETY: live blocks allocated with these layouts.
    unsafe {
        assert_eq!(heap.shrink(a, layout(1000, 8), 100), a);
        assert!(holds(a, 100, 3));
        heap.check().unwrap();
        assert_eq!(heap.counters().free_chunks, 2);
        assert_eq!(heap.realloc(a, layout(100, 8), 99), Ok(a));
        assert_eq!(
            heap.counters().free_chunks,
            2,
            "a one-byte shrink leaves no room for a chunk"
        );
        heap.deallocate(fence, layout(8, 8));
        assert_eq!(heap.shrink(a, layout(99, 8), 0), a);
        heap.check().unwrap();
        heap.deallocate(a, layout(0, 8));
    }
    assert_eq!(free_chunks(&heap), vec![fresh(4096)]);
}

#[test]
fn over_aligned_blocks_resize_and_free_like_others() {
    let memory = Memory::new(1 << 15);
    let (mut heap, _) = heap_over(&memory, 1 << 15);
    // SAFETY: live blocks allocated with these layouts.
    unsafe {
        let _shift = heap.allocate(layout(8, 8)).unwrap();
        for align in [16, 32, 64, 128, 4096] {
            let ptr = heap.allocate(layout(24, align)).unwrap();
            assert_eq!(ptr.as_ptr().addr() % align, 0);
            ptr.as_ptr().write_bytes(5, 24);
            let ptr = heap.realloc(ptr, layout(24, align), 300).unwrap();
            assert!(holds(ptr, 24, 5));
            let ptr = heap.shrink(ptr, layout(300, align), 16);
            heap.check().unwrap();
            heap.deallocate(ptr, layout(16, align));
            heap.check().unwrap();
        }
    }
    assert_eq!(heap.counters().live_allocations, 1);
}

#[test]
fn chunks_and_counters_describe_the_heap() {
    let memory = Memory::new(8192);
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: two disjoint parts of the test's memory.
    let (low, high) = unsafe {
        (
            heap.claim(memory.span(0, 4096)).unwrap(),
            heap.claim(memory.span(4096, 4096)).unwrap(),
        )
    };
    let a = filled(&mut heap, 10, 1);
    let _b = filled(&mut heap, 20, 2);
    let chunks: Vec<_> = heap.chunks().collect();
    assert_eq!(chunks.iter().filter(|chunk| chunk.allocated).count(), 2);
    assert_eq!(
        chunks.iter().map(|chunk| chunk.size).sum::<usize>(),
        2 * fresh(4096)
    );
    assert!(chunks
        .iter()
        .all(|chunk| chunk.arena == low || chunk.arena == high));
    assert!(chunks
        .iter()
        .all(|chunk| chunk.arena.contains_span(chunk.span())));
    let counters = heap.counters();
    assert_eq!(
        (
            counters.allocated_bytes,
            counters.live_allocations,
            counters.total_allocations
        ),
        (30, 2, 2)
    );
    // SAFETY: a live block.
    unsafe { heap.deallocate(a, layout(10, 8)) };
    let counters = heap.counters();
    assert_eq!(
        (
            counters.allocated_bytes,
            counters.peak_allocated_bytes,
            counters.live_allocations
        ),
        (20, 30, 1)
    );
    assert_eq!(
        counters.free_bytes,
        chunks
            .iter()
            .filter(|c| !c.allocated)
            .map(|c| c.size)
            .sum::<usize>()
            + chunk_for(10)
    );
    heap.check().unwrap();
}

#[test]
fn an_over_aligned_request_takes_an_exact_placement_in_a_smaller_chunk() {
    let memory = Memory::new(3 * 4096);
    let mut heap = Heap::new(NeverGrow);
    // One free chunk of 4176 bytes that starts 8 bytes below a page boundary, below its
    // 24-byte end record: a page-aligned block of 4000 bytes fits with its tag just below
    // the boundary, although the chunk is smaller than size + alignment.
    let arena = memory.span(4096 - WORD, 4176 + 3 * WORD);
    // SAFETY: the test's memory.
    unsafe { heap.claim(arena) }.unwrap();
    assert_eq!(free_chunks(&heap), vec![4176]);
    let page = layout(4000, 4096);
    // SAFETY: the arena is the test's memory; the block is freed once.
    unsafe {
        let ptr = heap
            .allocate(page)
            .expect("the memory is there: a placement fits");
        assert_eq!(ptr.as_ptr(), memory.span(4096, WORD).base());
        heap.check().unwrap();
        assert_eq!(
            heap.allocate(layout(8, 1 << 30)),
            Err(AllocError),
            "no placement for 1 GiB alignment"
        );
        heap.deallocate(ptr, page);
    }
    assert_eq!(free_chunks(&heap), vec![4176]);
    heap.check().unwrap();
}

#[test]
fn claim_refuses_an_empty_span_as_too_small_and_tests_the_aligned_base() {
    let memory = Memory::new(4096);
    let (mut heap, _) = heap_over(&memory, 4096);
    let low = core::ptr::without_provenance_mut::<u8>(0x801);
    // SAFETY: both claims are refused, so nothing is written.
    unsafe {
        assert_eq!(
            heap.claim(Span::empty()),
            Err(ClaimError::TooSmall {
                size: 0,
                minimum: 7 * WORD
            })
        );
        assert_eq!(
            heap.claim(Span::from_base_size(low, 4096)),
            Err(ClaimError::NullPage { base: 0x808 }),
            "the base once aligned to a chunk boundary, as extend reports it"
        );
    }
    heap.check().unwrap();
}

#[test]
fn a_large_request_takes_its_own_bins_first_chunk_when_it_fits() {
    // Above 512 bytes a bin spans a range of sizes (chunks of 640 to 767 bytes here), so it
    // may hold chunks too small for a request of its range. Its first chunk is taken when it
    // fits, before a larger chunk is split; when it does not, a larger bin serves the request.
    let memory = Memory::new(16 * 4096);
    let (mut heap, _) = heap_over(&memory, 16 * 4096);
    let guard = layout(64, 16);
    let [wide, narrow] = [layout(700, 16), layout(640, 16)];
    // SAFETY: the arena is valid; each block is freed once, with its layout.
    unsafe {
        let a = heap.allocate(wide).unwrap();
        let g = heap.allocate(guard).unwrap();
        let b = heap.allocate(narrow).unwrap();
        let h = heap.allocate(guard).unwrap();
        heap.deallocate(a, wide);
        let reused = heap.allocate(layout(650, 16)).unwrap();
        assert_eq!(
            reused, a,
            "650 bytes fit the 720-byte chunk of their own bin"
        );
        heap.check().unwrap();
        heap.deallocate(reused, layout(650, 16));

        heap.deallocate(b, narrow);
        assert_eq!(free_chunks(&heap)[..2], [chunk_for(700), chunk_for(640)]);
        let above = heap.allocate(wide).unwrap();
        assert!(
            above != b && above > h,
            "the 656-byte chunk first in the bin is too small"
        );
        heap.check().unwrap();
        heap.deallocate(above, wide);
        heap.deallocate(g, guard);
        heap.deallocate(h, guard);
    }
    assert_eq!(free_chunks(&heap), vec![fresh(16 * 4096)]);
    heap.check().unwrap();
}

#[test]
fn a_merge_that_stays_in_its_bin_keeps_the_chunks_place_in_its_list() {
    // Bins above 512 bytes span a range of sizes (1024 to 1279 bytes here). A free whose
    // merged chunk starts at the free chunk below and stays in that chunk's bin grows that
    // chunk where it lies in the bin's list; any other merge links the result at the head.
    let memory = Memory::new(16 * 4096);
    let (mut heap, _) = heap_over(&memory, 16 * 4096);
    let [large, small, guard] = [layout(1016, 16), layout(48, 16), layout(64, 16)];
    assert_eq!((chunk_for(1016), chunk_for(48)), (1024, 64));
    // SAFETY: the arena is valid; each block is freed once, with its layout.
    unsafe {
        let a = heap.allocate(large).unwrap();
        let x = heap.allocate(small).unwrap();
        let g = heap.allocate(guard).unwrap();
        let b = heap.allocate(large).unwrap();
        let h = heap.allocate(guard).unwrap();
        heap.deallocate(a, large);
        heap.deallocate(b, large);
        heap.deallocate(x, small);
        heap.check().unwrap();
        assert_eq!(free_chunks(&heap)[..2], [1024 + 64, 1024]);
        let taken = heap.allocate(large).unwrap();
        assert_eq!(
            taken, b,
            "the bin's head is still b, freed last: a grew behind it"
        );
        heap.check().unwrap();
        heap.deallocate(taken, large);
        heap.deallocate(g, guard);
        heap.deallocate(h, guard);
    }
    assert_eq!(free_chunks(&heap), vec![fresh(16 * 4096)]);
    heap.check().unwrap();
}
