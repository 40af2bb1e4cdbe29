//! The out-of-memory loop's progress signal, which must not depend on the running counters
//! (the `counters` feature; `make test` runs this file with it off too): a hook that gives
//! the heap memory through its `HookHeap` is seen to have changed the heap, so the
//! allocation is retried and succeeds; a hook that answers `Ok` and changes nothing ends
//! the loop after one call instead of hanging it.
//!
//! ```text
//!   arena 4 KiB, full ─► request 1500 B ─► no fit ─► hook
//!     claims 4 KiB more ─► Ok ─► an arena changed ─► retry: fits
//!     changes nothing   ─► Ok ─► nothing changed  ─► AllocError, one call
//! ```

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use tagheap::{AllocError, Heap, HookHeap, OutOfMemory, Span};

/// Claims its spare region on the first call if it has one; answers `Ok` either way.
struct Spare {
    region: Option<Span>,
    calls: usize,
}

impl OutOfMemory for Spare {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, _: Layout) -> Result<(), AllocError> {
        heap.hook_mut().calls += 1;
        if let Some(region) = heap.hook_mut().region.take() {
            // SAFETY: the region is the test's own memory, given to this heap only.
            unsafe { heap.claim(region) }.map_err(|_| AllocError)?;
        }
        Ok(())
    }
}

fn full_heap(memory: &Memory, spare: Option<Span>) -> Heap<Spare> {
    let mut heap = Heap::new(Spare {
        region: spare,
        calls: 0,
    });
    // SAFETY: the test's memory, claimed once.
    unsafe { heap.claim(memory.span(0, 4096)).unwrap() };
    let room = heap.counters().largest_free_chunk;
    let filler = Layout::from_size_align(room - 64, 8).unwrap();
    // SAFETY: the heap's arena is valid; the filler is never freed (the memory outlives it).
    unsafe { heap.allocate(filler).unwrap() };
    heap
}

#[test]
fn a_hook_that_claims_memory_makes_the_allocation_retry_and_succeed() {
    let memory = Memory::new(8192);
    let mut heap = full_heap(&memory, Some(memory.span(4096, 4096)));
    let request = Layout::from_size_align(1500, 8).unwrap();
    // SAFETY: the arenas are the test's memory; the block is freed with its layout.
    unsafe {
        let block = heap.allocate(request).expect("the claimed region has room");
        heap.deallocate(block, request);
    }
    assert_eq!(heap.hook.calls, 1, "one call made room");
    heap.check().unwrap();
}

#[test]
fn a_hook_that_changes_nothing_ends_the_loop_after_one_call() {
    let memory = Memory::new(4096);
    let mut heap = full_heap(&memory, None);
    let request = Layout::from_size_align(1500, 8).unwrap();
    // SAFETY: the arena is the test's memory.
    let block = unsafe { heap.allocate(request) };
    assert_eq!(block, Err(AllocError));
    assert_eq!(
        heap.hook.calls, 1,
        "an Ok that changed nothing is not retried"
    );
    heap.check().unwrap();
}
