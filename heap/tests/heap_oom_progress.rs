//! The out-of-memory loop's progress signal, which must not depend on the running counters
//! (the `counters` feature; `make test` runs this file with it off too): a hook that makes
//! room by freeing or shrinking a block it holds is seen to have changed the heap, so the
//! allocation is retried and succeeds.
//!
//! ```text
//!   arena 4 KiB: [ spare 2000 B | filler: the rest ]   request 1500 B ─► no fit ─► hook
//!   hook: free the spare (or shrink it to 16 B) ─► Ok ─► free bytes moved ─► retry: fits
//! ```

mod common {
    pub mod memory;
}

use common::memory::Memory;
use core::alloc::Layout;
use core::ptr::NonNull;
use tagheap::{AllocError, Heap, OutOfMemory};

/// How the hook gives the spare block's room back.
#[derive(Clone, Copy, Debug)]
enum GiveBack {
    Free,
    ShrinkTo(usize),
}

/// Holds one block and gives its room back on the first call; fails afterwards.
struct SpareBlock {
    spare: Option<(NonNull<u8>, Layout)>,
    give_back: GiveBack,
    /// The spare after it was shrunk, still live.
    kept: Option<(NonNull<u8>, Layout)>,
    calls: usize,
}

impl OutOfMemory for SpareBlock {
    fn out_of_memory(heap: &mut Heap<Self>, _: Layout) -> Result<(), AllocError> {
        heap.hook.calls += 1;
        let (ptr, layout) = heap.hook.spare.take().ok_or(AllocError)?;
        // SAFETY: the spare is a live block of this heap, allocated with `layout`.
        unsafe {
            match heap.hook.give_back {
                GiveBack::Free => heap.deallocate(ptr, layout),
                GiveBack::ShrinkTo(size) => {
                    let ptr = heap.shrink(ptr, layout, size);
                    let shrunk = Layout::from_size_align(size, layout.align()).unwrap();
                    heap.hook.kept = Some((ptr, shrunk));
                }
            }
        }
        Ok(())
    }
}

#[test]
fn a_hook_that_frees_or_shrinks_a_block_makes_the_allocation_retry_and_succeed() {
    let memory = Memory::new(4096);
    for give_back in [GiveBack::Free, GiveBack::ShrinkTo(16)] {
        let mut heap = Heap::new(SpareBlock {
            spare: None,
            give_back,
            kept: None,
            calls: 0,
        });
        let spare = Layout::from_size_align(2000, 8).unwrap();
        let request = Layout::from_size_align(1500, 8).unwrap();
        // SAFETY: the test's memory; every block is freed once, with its layout.
        unsafe {
            heap.claim(memory.span(0, 4096)).unwrap();
            let spare_block = heap.allocate(spare).unwrap();
            heap.hook.spare = Some((spare_block, spare));
            let room = heap.counters().largest_free_chunk;
            let filler = Layout::from_size_align(room - 64, 8).unwrap();
            let filler_block = heap.allocate(filler).unwrap();
            let block = heap.allocate(request);
            assert!(block.is_ok(), "{give_back:?}: the spare's room is used");
            assert_eq!(heap.hook.calls, 1, "{give_back:?}: one call made room");
            heap.deallocate(block.unwrap(), request);
            heap.deallocate(filler_block, filler);
            if let Some((ptr, layout)) = heap.hook.kept.take() {
                heap.deallocate(ptr, layout);
            }
        }
        heap.check().unwrap();
        assert_eq!(
            heap.counters().free_chunks,
            1,
            "{give_back:?}: all free again"
        );
    }
}
