//! Tests of the out-of-memory hook: a hook that extends the arena makes the allocation
//! retry and succeed; one that fails, or succeeds without changing anything, makes the
//! allocation fail cleanly (once, without looping); `ClaimOnFirstUse` claims its region once
//! and cannot be duplicated. (That a hook cannot swap the heap it is given is shown by the
//! `compile_fail` examples on `HookHeap`.)

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use core::marker::PhantomData;
use tagheap::{AllocError, ClaimOnFirstUse, Heap, HookHeap, OutOfMemory, Span};

const WORD: usize = size_of::<usize>();

/// Extends its arena by `step` bytes per call, up to the end of `room`.
struct ExtendBySteps {
    arena: Span,
    room: Span,
    step: usize,
    calls: usize,
}

impl OutOfMemory for ExtendBySteps {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, _: Layout) -> Result<(), AllocError> {
        let hook = heap.hook_mut();
        hook.calls += 1;
        let new = hook.arena.extend(0, hook.step).fit_within(hook.room);
        let old = hook.arena;
        // SAFETY: `room` is the test's memory and holds only this arena.
        let arena = unsafe { heap.extend(old, new) }.map_err(|_| AllocError)?;
        heap.hook_mut().arena = arena;
        Ok(())
    }
}

/// Moves `step` bytes of claimed memory from the top of one arena to the top of the other
/// per call: claimed and free bytes stay the same, but the second arena's free chunk grows.
struct MoveMemory {
    from: Span,
    to: Span,
    step: usize,
    calls: usize,
}

impl OutOfMemory for MoveMemory {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, _: Layout) -> Result<(), AllocError> {
        heap.hook_mut().calls += 1;
        let MoveMemory { from, to, step, .. } = *heap.hook();
        let kept = Span::new(from.base(), from.acme().wrapping_sub(step));
        let from = heap.truncate(from, kept).map_err(|_| AllocError)?.arena;
        // SAFETY: the test's memory: `to` may grow into the room above it.
        let to = unsafe { heap.extend(to, to.extend(0, step)) }.map_err(|_| AllocError)?;
        (heap.hook_mut().from, heap.hook_mut().to) = (from, to);
        Ok(())
    }
}

/// Counts its calls and answers with `answer`, changing nothing.
struct Stubborn {
    answer: Result<(), AllocError>,
    calls: usize,
}

impl OutOfMemory for Stubborn {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, _: Layout) -> Result<(), AllocError> {
        heap.hook_mut().calls += 1;
        heap.hook().answer
    }
}

#[test]
fn a_hook_that_extends_makes_the_allocation_retry_and_succeed() {
    let memory = Memory::new(1 << 16);
    let room = memory.span(0, 1 << 16);
    let mut heap = Heap::new(ExtendBySteps {
        arena: Span::empty(),
        room,
        step: 4096,
        calls: 0,
    });
    // SAFETY: the test's memory.
    heap.hook.arena = unsafe { heap.claim(memory.span(0, 4096)) }.unwrap();
    let big = Layout::from_size_align(10_000, 8).unwrap();
    // SAFETY: the arena is the test's memory; blocks freed once.
    unsafe {
        let ptr = heap.allocate(big).unwrap();
        assert_eq!(
            heap.hook.calls, 2,
            "two 4 KiB steps make room for 10 000 bytes"
        );
        let grown = heap.grow(ptr, big, 30_000).unwrap();
        assert_eq!(
            grown, ptr,
            "the hook extends the arena right above the block"
        );
        heap.check().unwrap();
        assert_eq!(
            heap.allocate(Layout::from_size_align(1 << 16, 8).unwrap()),
            Err(AllocError)
        );
        heap.deallocate(grown, Layout::from_size_align(30_000, 8).unwrap());
    }
    assert_eq!(
        heap.hook.arena,
        Span::new(room.base().wrapping_add(WORD), room.acme()),
        "all the room but the word below the first 16-byte boundary"
    );
    heap.check().unwrap();
}

#[test]
fn a_hook_that_fails_or_changes_nothing_fails_the_allocation_once() {
    let memory = Memory::new(4096);
    for answer in [Err(AllocError), Ok(())] {
        let mut heap = Heap::new(Stubborn { answer, calls: 0 });
        // SAFETY: the test's memory.
        unsafe {
            heap.claim(memory.span(0, 4096)).unwrap();
            let before = heap.counters();
            assert_eq!(
                heap.allocate(Layout::from_size_align(8192, 8).unwrap()),
                Err(AllocError)
            );
            assert_eq!(
                heap.hook.calls, 1,
                "hook answering {answer:?} is called once"
            );
            assert_eq!(heap.counters(), before);
        }
        heap.check().unwrap();
    }
}

#[test]
fn claim_on_first_use_claims_its_region_once() {
    let memory = Memory::new(4096);
    // SAFETY: the region is the test's memory and outlives the heap.
    let mut heap = Heap::new(unsafe { ClaimOnFirstUse::new(memory.span(0, 4096)) });
    assert_eq!(heap.arenas().count(), 0);
    let layout = Layout::from_size_align(1000, 8).unwrap();
    // SAFETY: the arena is the hook's region; blocks freed once.
    unsafe {
        let ptr = heap.allocate(layout).unwrap();
        assert_eq!(
            heap.arenas().collect::<Vec<_>>(),
            vec![memory.span(WORD, 4096 - WORD)],
            "the region but the word below the first 16-byte boundary"
        );
        assert_eq!(
            heap.allocate(Layout::from_size_align(4000, 8).unwrap()),
            Err(AllocError)
        );
        heap.deallocate(ptr, layout);
    }
    heap.check().unwrap();
}

/// `Duplicable::<T>::COPY` and `CLONE` say whether `T` implements `Copy` and `Clone`: the
/// inherent constants (declared only where the bound holds) win over the trait's `false`.
struct Duplicable<T>(PhantomData<T>);

trait NotDuplicable {
    const COPY: bool = false;
    const CLONE: bool = false;
}

impl<T> NotDuplicable for Duplicable<T> {}

#[allow(dead_code, reason = "read only where `T: Copy`")]
impl<T: Copy> Duplicable<T> {
    const COPY: bool = true;
}

#[allow(dead_code, reason = "read only where `T: Clone`")]
impl<T: Clone> Duplicable<T> {
    const CLONE: bool = true;
}

#[test]
fn claim_on_first_use_cannot_be_copied_or_cloned() {
    let never_grow = (
        Duplicable::<tagheap::NeverGrow>::COPY,
        Duplicable::<tagheap::NeverGrow>::CLONE,
    );
    assert_eq!(never_grow, (true, true), "the probe sees a Copy type");
    let claim_on_first_use = (
        Duplicable::<ClaimOnFirstUse>::COPY,
        Duplicable::<ClaimOnFirstUse>::CLONE,
    );
    assert_eq!(
        claim_on_first_use,
        (false, false),
        "a copy of the hook would hand its region to a second heap"
    );
}

#[test]
fn a_hook_that_moves_memory_between_arenas_counts_as_a_change() {
    let memory = Memory::new(1 << 15);
    let mut heap = Heap::new(MoveMemory {
        from: Span::empty(),
        to: Span::empty(),
        step: 1024,
        calls: 0,
    });
    // SAFETY: the test's memory: two arenas with room above the second.
    unsafe {
        heap.hook.from = heap.claim(memory.span(0, 4096)).unwrap();
        heap.hook.to = heap.claim(memory.span(8192, 4096)).unwrap();
        let big = Layout::from_size_align(4500, 8).unwrap();
        let before = heap.counters();
        let block = heap.allocate(big).expect("the second arena grew by 1 KiB");
        assert_eq!(heap.hook.calls, 1);
        let after = heap.counters();
        assert_eq!(after.claimed_bytes, before.claimed_bytes);
        heap.deallocate(block, big);
    }
    heap.check().unwrap();
}
