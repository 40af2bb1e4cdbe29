//! A `LockedHeap` as this program's `#[global_allocator]`: every `Box`, `Vec` and `String`
//! of the program comes from it and is freed into it. Under Miri (Stacked Borrows and Tree
//! Borrows) this shows that freeing a `Box` never reaches the heap's metadata through the
//! `Box`'s own pointer, which may touch only the value.
//!
//! The program has no test harness (`harness = false`): libtest runs each test on a thread,
//! and `std` frees a thread's `Box<dyn FnOnce>` inside the call that consumes it. A `Box`
//! freed inside a function it was passed to by value is still protected there, and Miri's
//! aliasing models then forbid any allocator written in Rust (ours, talc, rlsf, ...) to store
//! free-list links in the freed bytes; see `heap/INTERNALS.md`, "Provenance". The `Box`es here
//! are freed where they go out of scope, as most are.

use core::alloc::Layout;
use tagheap::{ClaimOnFirstUse, Span, SpinLockedHeap};

/// Room for the harness and the tests (u64s, so it is word-aligned).
const ARENA_WORDS: usize = 1 << 19;

/// The global heap's memory.
static mut ARENA: [u64; ARENA_WORDS] = [0; ARENA_WORDS];

#[global_allocator]
static GLOBAL: SpinLockedHeap<ClaimOnFirstUse> = {
    let bytes = core::ptr::slice_from_raw_parts_mut((&raw mut ARENA).cast::<u8>(), ARENA_WORDS * 8);
    // SAFETY: only this heap uses `ARENA`.
    SpinLockedHeap::new(unsafe { ClaimOnFirstUse::new(Span::from_slice(bytes)) })
};

/// A value whose alignment is above a word, so that its block may sit one or two words
/// above its chunk's tag, behind a back pointer.
#[derive(Debug, PartialEq)]
#[repr(align(32))]
struct Aligned32([u8; 40]);

/// A page-aligned value: its block is carved out of a chunk with a free gap below it.
#[derive(Debug, PartialEq)]
#[repr(align(4096))]
struct PageAligned([u8; 100]);

/// Runs `check()` on the global heap; the lock is released before any panic, whose message
/// is itself allocated.
fn check_global_heap() {
    let verdict = GLOBAL.lock().check();
    verdict.unwrap();
}

/// Runs each check in turn and reports like libtest, so that `boot test` counts them; a
/// failing check panics, which ends the program with a failure status.
fn main() {
    let checks: [(&str, fn()); 2] = [
        (
            "boxes_of_every_alignment_are_dropped_into_the_global_heap",
            boxes_of_every_alignment_are_dropped_into_the_global_heap,
        ),
        (
            "vectors_grow_and_shrink_in_the_global_heap",
            vectors_grow_and_shrink_in_the_global_heap,
        ),
    ];
    for (name, check) in checks {
        check();
        println!("test {name} ... ok");
    }
    println!(
        "test result: ok. {} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out",
        checks.len()
    );
}

fn boxes_of_every_alignment_are_dropped_into_the_global_heap() {
    for round in 0..4u8 {
        let small = Box::new(round);
        let word = Box::new(u64::from(round) << 40);
        let array = Box::new([round; 300]);
        let aligned = Box::new(Aligned32([round; 40]));
        let page = Box::new(PageAligned([round; 100]));
        let text = format!("round {round}");
        assert_eq!(core::ptr::from_ref(&*aligned).addr() % 32, 0);
        assert_eq!(core::ptr::from_ref(&*page).addr() % 4096, 0);
        assert_eq!(
            (*small, *word >> 40, array[299]),
            (round, u64::from(round), round)
        );
        assert_eq!((aligned.0[39], page.0[99]), (round, round));
        assert!(text.ends_with(&round.to_string()));
    }
    check_global_heap();
}

fn vectors_grow_and_shrink_in_the_global_heap() {
    let mut numbers: Vec<u64> = Vec::new();
    for number in 0..3000 {
        numbers.push(number);
    }
    numbers.truncate(5);
    numbers.shrink_to_fit();
    {
        let boxed: Box<[u64]> = numbers.into_boxed_slice();
        assert_eq!(&*boxed, &[0, 1, 2, 3, 4]);
    }
    let layout = Layout::new::<PageAligned>();
    let mut pages: Vec<Box<PageAligned>> =
        (0..3).map(|_| Box::new(PageAligned([9; 100]))).collect();
    assert!(pages
        .iter()
        .all(|page| core::ptr::from_ref(&**page).addr() % layout.align() == 0));
    pages.clear();
    check_global_heap();
}
