//! Tests of `LockedHeap`: `GlobalAlloc` from several threads at once (each block keeps its
//! bytes, the heap ends empty), failure as a null pointer, zero-size layouts, and (with the
//! `nightly` feature) the `Allocator` implementation behind a `Vec`.
#![cfg_attr(feature = "nightly", feature(allocator_api))]

mod common {
    pub mod memory;
    pub mod rng;
}

use common::memory::Memory;
use common::rng::Rng;
use core::alloc::{GlobalAlloc, Layout};
use tagheap::{ClaimOnFirstUse, NeverGrow, Span, SpinLockedHeap};

#[cfg(not(miri))]
const STEPS: usize = 20_000;
#[cfg(miri)]
const STEPS: usize = 100;

/// Memory for the `static` heap below (u64s, so it is word-aligned).
static mut STATIC_ARENA: [u64; 512] = [0; 512];

/// A heap built entirely in a `static`, as a `#[global_allocator]` would be.
static STATIC_HEAP: SpinLockedHeap<ClaimOnFirstUse> = {
    let bytes = core::ptr::slice_from_raw_parts_mut((&raw mut STATIC_ARENA).cast::<u8>(), 4096);
    // SAFETY: only this heap uses `STATIC_ARENA`.
    SpinLockedHeap::new(unsafe { ClaimOnFirstUse::new(Span::from_slice(bytes)) })
};

fn locked_over(memory: &Memory, size: usize) -> SpinLockedHeap<NeverGrow> {
    let heap = SpinLockedHeap::new(NeverGrow);
    // SAFETY: the test's memory, which outlives the heap.
    unsafe { heap.lock().claim(memory.span(0, size)) }.unwrap();
    heap
}

#[test]
fn global_alloc_serves_several_threads() {
    let memory = Memory::new(1 << 20);
    let heap = locked_over(&memory, 1 << 20);
    std::thread::scope(|scope| {
        for thread in 0..4u8 {
            let heap = &heap;
            scope.spawn(move || {
                let mut rng = Rng::new(u64::from(thread));
                let mut live: Vec<(*mut u8, Layout)> = Vec::new();
                for _ in 0..STEPS {
                    if live.len() < 64 && rng.below(2) == 0 {
                        let layout =
                            Layout::from_size_align(1 + rng.below(512), 1 << rng.below(6)).unwrap();
                        // SAFETY: a non-zero-size layout.
                        let ptr = unsafe { heap.alloc(layout) };
                        assert!(!ptr.is_null() && ptr.addr().is_multiple_of(layout.align()));
                        // SAFETY: the block holds `layout.size()` bytes.
                        unsafe { ptr.write_bytes(thread, layout.size()) };
                        live.push((ptr, layout));
                    } else if let Some((ptr, layout)) = live.pop() {
                        // SAFETY: a live block of this heap, freed once.
                        unsafe {
                            assert!(core::slice::from_raw_parts(ptr, layout.size())
                                .iter()
                                .all(|&byte| byte == thread));
                            let ptr = heap.realloc(ptr, layout, layout.size() * 2);
                            assert_eq!(ptr.read(), thread);
                            heap.dealloc(
                                ptr,
                                Layout::from_size_align(layout.size() * 2, layout.align()).unwrap(),
                            );
                        }
                    }
                }
                for (ptr, layout) in live {
                    // SAFETY: live blocks of this heap, freed once.
                    unsafe { heap.dealloc(ptr, layout) };
                }
            });
        }
    });
    let heap = heap.lock();
    heap.check().unwrap();
    assert_eq!(heap.counters().live_allocations, 0);
    assert_eq!(heap.chunks().count(), 1);
}

#[test]
fn global_alloc_fails_with_null_and_serves_zero_sizes() {
    let memory = Memory::new(4096);
    let heap = locked_over(&memory, 4096);
    // SAFETY: blocks of this heap, freed once.
    unsafe {
        assert!(heap
            .alloc(Layout::from_size_align(8192, 8).unwrap())
            .is_null());
        let empty = Layout::from_size_align(0, 16).unwrap();
        let ptr = heap.alloc(empty);
        assert!(!ptr.is_null() && ptr.addr().is_multiple_of(16));
        let zeroed = heap.alloc_zeroed(Layout::from_size_align(100, 8).unwrap());
        assert!(core::slice::from_raw_parts(zeroed, 100)
            .iter()
            .all(|&byte| byte == 0));
        assert!(heap
            .realloc(
                zeroed,
                Layout::from_size_align(100, 8).unwrap(),
                usize::MAX - 4
            )
            .is_null());
        heap.dealloc(zeroed, Layout::from_size_align(100, 8).unwrap());
        heap.dealloc(ptr, empty);
    }
    heap.lock().check().unwrap();
}

#[test]
fn a_static_heap_claims_its_array_on_first_use() {
    let layout = Layout::from_size_align(100, 8).unwrap();
    // SAFETY: a block of this heap, freed once.
    unsafe {
        let ptr = STATIC_HEAP.alloc(layout);
        assert!(!ptr.is_null());
        STATIC_HEAP.dealloc(ptr, layout);
    }
    let heap = STATIC_HEAP.lock();
    assert_eq!(
        heap.arenas().next().map(|arena| arena.size()),
        Some(4096 - size_of::<usize>()),
        "the array but one word at an end, lost to aligning blocks to 16 bytes"
    );
    heap.check().unwrap();
}

#[cfg(feature = "nightly")]
#[test]
fn allocator_backs_a_vec_and_resizes_in_place() {
    let memory = Memory::new(1 << 16);
    let heap = locked_over(&memory, 1 << 16);
    let mut numbers: Vec<u64, _> = Vec::new_in(&heap);
    for number in 0..2000u64 {
        numbers.push(number);
    }
    numbers.shrink_to(1000);
    assert!(numbers.iter().copied().eq(0..2000));
    numbers.truncate(10);
    numbers.shrink_to_fit();
    assert!(numbers.iter().copied().eq(0..10));
    assert_eq!(heap.lock().counters().live_allocations, 1);
    drop(numbers);
    {
        let boxed = Box::new_in([7u8; 300], &heap);
        assert!(boxed.iter().all(|&byte| byte == 7));
    }
    let heap = heap.lock();
    heap.check().unwrap();
    assert_eq!(heap.chunks().count(), 1);
}

/// Each misuse through the lock panics with its own pointer and sizes (the details wait in
/// the heap while the lock is held: `checking/misuse.rs`), and the heap is as it was.
#[cfg(feature = "nightly")]
#[test]
fn misuses_through_the_lock_report_their_own_details_and_change_nothing() {
    use core::alloc::Allocator;
    use core::ptr::NonNull;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let memory = Memory::new(4096);
    let heap = locked_over(&memory, 4096);
    let layout = Layout::from_size_align(64, 8).unwrap();
    let block = heap.allocate(layout).unwrap().cast::<u8>();
    let mut local = [0u64; 8];
    let foreign = NonNull::from(&mut local).cast::<u8>();
    let before = heap.lock().counters();
    let message = |misuse: &dyn Fn()| {
        let payload = catch_unwind(AssertUnwindSafe(misuse)).expect_err("a misuse must panic");
        heap.lock().check().unwrap();
        assert_eq!(
            heap.lock().counters(),
            before,
            "the misuse changed the heap"
        );
        payload.downcast_ref::<String>().cloned().unwrap()
    };
    // SAFETY: deliberately wrong; the heap stops both before anything changes.
    let freed = message(&|| unsafe { heap.deallocate(foreign, layout) });
    let smaller = Layout::from_size_align(32, 8).unwrap();
    let grown = message(&|| {
        // SAFETY: as above.
        let _ = unsafe { heap.grow(block, layout, smaller) };
    });
    assert!(freed.contains(&format!("{foreign:p}")), "{freed}");
    assert!(freed.contains("never handed out by this heap"), "{freed}");
    assert!(
        grown.contains("new size 32 is below the old size 64"),
        "{grown}"
    );
    // SAFETY: the live block, freed once, with its layout.
    unsafe { heap.deallocate(block, layout) };
    assert_eq!(heap.lock().counters().live_allocations, 0);
}

/// A value aligned above a word: its block may sit behind a back pointer.
#[cfg(feature = "nightly")]
#[repr(align(32))]
struct Aligned32([u8; 40]);

/// A page-aligned value: its block is carved with a free gap below it.
#[cfg(feature = "nightly")]
#[repr(align(4096))]
struct PageAligned([u8; 100]);

#[cfg(feature = "nightly")]
#[test]
fn allocator_boxes_of_every_alignment_are_dropped_into_the_heap() {
    let memory = Memory::new(1 << 16);
    let heap = locked_over(&memory, 1 << 16);
    for round in 0..4u8 {
        let small = Box::new_in(round, &heap);
        let array = Box::new_in([round; 300], &heap);
        let aligned = Box::new_in(Aligned32([round; 40]), &heap);
        let page = Box::new_in(PageAligned([round; 100]), &heap);
        assert_eq!(core::ptr::from_ref(&*aligned).addr() % 32, 0);
        assert_eq!(core::ptr::from_ref(&*page).addr() % 4096, 0);
        assert_eq!(
            (*small, array[299], aligned.0[39], page.0[99]),
            (round, round, round, round)
        );
    }
    let heap = heap.lock();
    heap.check().unwrap();
    assert_eq!(heap.counters().live_allocations, 0);
}

/// Fills `len` bytes at `ptr` with a pattern that depends on `seed` and the offset.
#[cfg(feature = "nightly")]
fn fill(ptr: core::ptr::NonNull<u8>, len: usize, seed: u8) {
    for offset in 0..len {
        // SAFETY: the caller's block holds `len` bytes.
        unsafe { ptr.add(offset).write(seed ^ offset as u8) };
    }
}

/// Whether the `len` bytes at `ptr` still hold `fill`'s pattern for `seed`.
#[cfg(feature = "nightly")]
fn holds_fill(ptr: core::ptr::NonNull<u8>, len: usize, seed: u8) -> bool {
    // SAFETY: the caller's block holds `len` bytes.
    (0..len).all(|offset| unsafe { ptr.add(offset).read() } == seed ^ offset as u8)
}

#[cfg(feature = "nightly")]
#[test]
fn allocator_resizes_honour_a_larger_alignment_when_the_block_moves() {
    use core::alloc::Allocator;
    let memory = Memory::new(1 << 16);
    let heap = locked_over(&memory, 1 << 16);
    let word = Layout::new::<u64>();
    // A 40-byte block takes a 48-byte chunk at the arena's base, one word past the page,
    // so the next block starts 64 bytes in: aligned to 64 by chance, not by request. A
    // block allocated right above it keeps it from growing in place.
    let filler = heap
        .allocate(Layout::from_size_align(40, 8).unwrap())
        .unwrap();
    let ways = [
        ("grow", 8, 200, 64),
        ("grow_zeroed", 8, 200, 64),
        ("shrink", 64, 32, 128),
    ];
    for (way, old_size, new_size, new_align) in ways {
        let old = Layout::from_size_align(old_size, 8).unwrap();
        let new = Layout::from_size_align(new_size, new_align).unwrap();
        let block = heap.allocate(old).unwrap().cast::<u8>();
        let wall = heap.allocate(word).unwrap().cast::<u8>();
        assert_eq!(block.addr().get() % 64, 0, "the test's layout assumption");
        fill(block, 8, 0x5a);
        // SAFETY: `block` is live with `old`; `new` is larger (grow) or smaller (shrink).
        let resized = unsafe {
            match way {
                "grow" => heap.grow(block, old, new),
                "grow_zeroed" => heap.grow_zeroed(block, old, new),
                _ => heap.shrink(block, old, new),
            }
        }
        .unwrap()
        .cast::<u8>();
        assert_eq!(
            resized.addr().get() % new_align,
            0,
            "{way}: the new layout's alignment"
        );
        assert!(
            holds_fill(resized, 8, 0x5a),
            "{way}: the bytes moved with the block"
        );
        if way == "grow_zeroed" {
            // SAFETY: the grown block holds `new_size` bytes.
            let tail =
                unsafe { core::slice::from_raw_parts(resized.as_ptr().add(8), new_size - 8) };
            assert!(
                tail.iter().all(|&byte| byte == 0),
                "grow_zeroed: a zeroed tail"
            );
        }
        // SAFETY: live blocks with their layouts, freed once.
        unsafe {
            heap.deallocate(resized, new);
            heap.deallocate(wall, word);
        }
        heap.lock().check().unwrap();
    }
    // SAFETY: a live block with its layout.
    unsafe { heap.deallocate(filler.cast(), Layout::from_size_align(40, 8).unwrap()) };
    assert_eq!(heap.lock().counters().live_allocations, 0);
}
