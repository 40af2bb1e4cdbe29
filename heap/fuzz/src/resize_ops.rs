//! Resizing live blocks through every entry point: `Heap::grow`, `grow_in_place`, `shrink`,
//! `realloc`, `GlobalAlloc::realloc` and the `Allocator`'s `grow`, `grow_zeroed`, `shrink`
//! (which may change the alignment). Sizes may be hostile: beyond memory, or no `Layout`.
//!
//! ```text
//!   Ok   ──► the kept bytes moved with the block; in-place methods did not move it
//!   Err  ──► the block is untouched; a move was refused only if no free chunk fits
//! ```

use crate::block_ops::assert_no_chunk_fits;
use crate::input::{Align, ResizeVia, Size};
use crate::model::Model;
use crate::Fuzzed;
use std::alloc::{Allocator, GlobalAlloc, Layout};
use std::ptr::NonNull;

/// Resizes a live block through `via` to a size taken from `size` (added to the old size for
/// the growing methods, wrapped below it for the shrinking ones).
pub fn resize(
    heap: &Fuzzed,
    model: &mut Model,
    pick: u16,
    size: Size,
    align: Align,
    via: ResizeVia,
) {
    let Some(index) = model.pick(pick) else {
        return;
    };
    let block = model.blocks[index];
    let old = block.layout;
    let grows = !matches!(via, ResizeVia::HeapShrink | ResizeVia::AllocatorShrink);
    let new_size = match via {
        ResizeVia::HeapRealloc | ResizeVia::GlobalRealloc => size.bytes(),
        _ if grows => old.size().saturating_add(size.bytes()),
        _ => size.bytes() % (old.size() + 1),
    };
    let same_align = Layout::from_size_align(new_size, old.align()).ok();
    let new_align = Layout::from_size_align(new_size, align.bytes()).ok();
    let in_place = matches!(via, ResizeVia::HeapGrowInPlace | ResizeVia::HeapShrink);
    // SAFETY: a live block with its layout; the size moves the way each method requires;
    // GlobalAlloc gets a non-zero size.
    let result = unsafe {
        let ptr = block.ptr;
        match via {
            ResizeVia::HeapGrow => heap.lock().grow(ptr, old, new_size).ok(),
            ResizeVia::HeapGrowInPlace => heap.lock().grow_in_place(ptr, old, new_size).ok(),
            ResizeVia::HeapShrink => Some(heap.lock().shrink(ptr, old, new_size)),
            ResizeVia::HeapRealloc => heap.lock().realloc(ptr, old, new_size).ok(),
            ResizeVia::GlobalRealloc if new_size == 0 => return,
            ResizeVia::GlobalRealloc => NonNull::new(heap.realloc(ptr.as_ptr(), old, new_size)),
            ResizeVia::AllocatorGrow => match new_align {
                Some(new) => heap.grow(ptr, old, new).ok().map(NonNull::cast),
                None => return,
            },
            ResizeVia::AllocatorGrowZeroed => match new_align {
                Some(new) => heap.grow_zeroed(ptr, old, new).ok().map(NonNull::cast),
                None => return,
            },
            ResizeVia::AllocatorShrink => match new_align {
                Some(new) => heap.shrink(ptr, old, new).ok().map(NonNull::cast),
                None => return,
            },
        }
    };
    let allocator = matches!(
        via,
        ResizeVia::AllocatorGrow | ResizeVia::AllocatorGrowZeroed | ResizeVia::AllocatorShrink
    );
    let new = if allocator { new_align } else { same_align };
    let mut locked = heap.lock();
    model.apply_hook_log(&mut locked);
    match (result, new) {
        (Some(ptr), Some(new)) => {
            assert!(!in_place || ptr == block.ptr, "{via:?} moved the block");
            if matches!(via, ResizeVia::AllocatorGrowZeroed) {
                // SAFETY: the grown block holds `new.size()` bytes.
                let tail = unsafe {
                    core::slice::from_raw_parts(
                        ptr.as_ptr().add(old.size()),
                        new.size() - old.size(),
                    )
                };
                assert!(
                    tail.iter().all(|&byte| byte == 0),
                    "grow_zeroed left bytes in the tail"
                );
            }
            model.resized(index, ptr, new);
        }
        (Some(ptr), None) => panic!("{via:?} to {new_size} bytes returned {ptr:p} for no layout"),
        (None, new) => {
            block.verify(old.size());
            if let (Some(new), false) = (new, in_place) {
                assert_no_chunk_fits(&locked, new);
            }
        }
    }
}
