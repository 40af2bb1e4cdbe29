//! Replays a trace on one allocator: every operation through the allocator's lock, every
//! block stamped after it is allocated or resized and checked before it is freed or resized.
//!
//! ```text
//!   allocate id:  lock ─► probe.allocate ─► stamp          blocks[id] = (ptr, layout)
//!   free id:      check stamp ─► lock ─► probe.free                blocks[id] = None
//!   realloc id:   check stamp ─► lock ─► reallocate ─► stamp   blocks[id] = (new, layout)
//! ```
//!
//! A `Probe` wraps the allocate and free calls, inside the lock: `Untimed` adds nothing,
//! the latency workload's probe reads the time-stamp counter around them. A size-0 request
//! asks for one byte, as the adapters take no zero sizes.
//!
//! Every allocator is reached through the out-of-line `call_allocate`, `call_deallocate` and
//! `call_reallocate`, as a program reaches its global allocator through `__rust_alloc`: the
//! replay's own code is then the same machine code for every allocator, and callgrind can
//! count an allocator alone (`--toggle-collect='*player::call_*'`, heap/INTERNALS.md). Every
//! adapter's methods are `#[inline(always)]`, so that a wrapper calls the allocator itself:
//! left to the inliner, an adapter was inlined in one build and called in the next, and an
//! unrelated change moved the count by an instruction per operation.

use super::stamp;
use super::subject::{Locked, Subject};
use super::trace::{Kind, Trace};
use std::alloc::Layout;
use std::ptr::NonNull;

/// A live block: where it is and the layout it was allocated with.
pub type Block = Option<(NonNull<u8>, Layout)>;

/// What happens around each allocate and free call.
pub trait Probe {
    /// Calls `heap.allocate(layout)`.
    fn allocate<A: Subject>(&mut self, heap: &mut A, layout: Layout) -> Option<NonNull<u8>>;
    /// Calls `heap.deallocate(ptr, layout)`.
    ///
    /// # Safety
    /// As for [`Subject::deallocate`].
    unsafe fn free<A: Subject>(&mut self, heap: &mut A, ptr: NonNull<u8>, layout: Layout);
}

/// A probe that only makes the calls.
pub struct Untimed;

impl Probe for Untimed {
    #[inline(always)]
    fn allocate<A: Subject>(&mut self, heap: &mut A, layout: Layout) -> Option<NonNull<u8>> {
        call_allocate(heap, layout)
    }

    #[inline(always)]
    unsafe fn free<A: Subject>(&mut self, heap: &mut A, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { call_deallocate(heap, ptr, layout) }
    }
}

/// `heap.allocate(layout)`, never inlined (see the module header).
#[inline(never)]
pub fn call_allocate<A: Subject>(heap: &mut A, layout: Layout) -> Option<NonNull<u8>> {
    // SAFETY: the replay's region outlives the allocator.
    unsafe { heap.allocate(layout) }
}

/// `heap.deallocate(ptr, layout)`, never inlined.
///
/// # Safety
/// As for [`Subject::deallocate`].
#[inline(never)]
pub unsafe fn call_deallocate<A: Subject>(heap: &mut A, ptr: NonNull<u8>, layout: Layout) {
    // SAFETY: forwarded contract.
    unsafe { heap.deallocate(ptr, layout) }
}

/// `heap.reallocate(ptr, layout, new_size)`, never inlined.
///
/// # Safety
/// As for [`Subject::reallocate`].
#[inline(never)]
unsafe fn call_reallocate<A: Subject>(
    heap: &mut A,
    ptr: NonNull<u8>,
    layout: Layout,
    new_size: usize,
) -> Option<NonNull<u8>> {
    // SAFETY: forwarded contract.
    unsafe { heap.reallocate(ptr, layout, new_size) }
}

/// Replays `trace` on `heap`, using `blocks` as the table of live blocks. `Err(index)` names
/// the operation the allocator could not serve; a block found corrupted panics.
pub fn replay<A: Subject>(
    heap: &Locked<A>,
    trace: &Trace,
    probe: &mut impl Probe,
    blocks: &mut Vec<Block>,
) -> Result<(), usize> {
    blocks.clear();
    blocks.resize(trace.blocks, None);
    for (index, op) in trace.ops.iter().enumerate() {
        let slot = &mut blocks[op.id as usize];
        let block = match op.kind {
            Kind::Allocate => {
                let layout = Layout::from_size_align(op.size.max(1), 1 << op.align_log2)
                    .expect("a trace asks for valid layouts");
                let ptr = probe.allocate(&mut *heap.lock(), layout).ok_or(index)?;
                Some((ptr, layout))
            }
            Kind::Free => {
                let (ptr, layout) = checked::<A>(*slot, trace, index);
                // SAFETY: a live block of this allocator, with its layout.
                unsafe { probe.free(&mut *heap.lock(), ptr, layout) };
                None
            }
            Kind::Realloc => {
                let (ptr, layout) = checked::<A>(*slot, trace, index);
                let size = op.size.max(1);
                // SAFETY: a live block of this allocator, with its layout.
                let moved = unsafe { call_reallocate(&mut *heap.lock(), ptr, layout, size) }
                    .ok_or(index)?;
                let layout = Layout::from_size_align(size, layout.align()).expect("as before");
                Some((moved, layout))
            }
        };
        if let Some((ptr, layout)) = block {
            // SAFETY: the allocator just handed out `layout.size()` bytes at `ptr`.
            unsafe { stamp::write(ptr, layout.size(), op.id) };
        }
        *slot = block;
    }
    Ok(())
}

/// The live block that operation `index` frees or resizes, after checking its stamps.
fn checked<A: Subject>(block: Block, trace: &Trace, index: usize) -> (NonNull<u8>, Layout) {
    let id = trace.ops[index].id;
    let (ptr, layout) = block.expect("a trace frees and resizes only live blocks");
    // SAFETY: a live block of `layout.size()` bytes, stamped when it was allocated.
    let intact = unsafe { stamp::intact(ptr, layout.size(), id) };
    assert!(
        intact,
        "{}: trace {}, op {index}: block {id} at {ptr:p} ({layout:?}) was overwritten",
        A::NAME,
        trace.name,
    );
    (ptr, layout)
}
