//! Fuzz target: the fuzzer's bytes, four at a time, become heap operations (allocate, free,
//! realloc, grow in place, extend, truncate) on a heap with two arenas, checked against a
//! model of the live blocks; `check()` runs after every operation.
//!
//! ```text
//!   [kind, a, b, c]   size = u16(a, b) % 4097, align = 1 << (c % 13), index = a
//! ```
//!
//! Run with `cargo fuzz run heap_ops` from `heap/`.
#![no_main]

use core::alloc::Layout;
use core::ptr::NonNull;
use heap::{Heap, NeverGrow, Span};
use libfuzzer_sys::fuzz_target;

const ROOM: usize = 1 << 17;

struct Block {
    ptr: NonNull<u8>,
    layout: Layout,
    fill: u8,
}

fn verify(block: &Block, size: usize) {
    // SAFETY: a live block of at least `size` bytes.
    let bytes = unsafe { core::slice::from_raw_parts(block.ptr.as_ptr(), size) };
    assert!(
        bytes.iter().all(|&byte| byte == block.fill),
        "block {:p} lost its bytes",
        block.ptr
    );
}

fuzz_target!(|data: &[u8]| {
    let mut memory = vec![0u64; ROOM / 8];
    let room = Span::from_base_size(memory.as_mut_ptr().cast(), ROOM);
    let mut heap = Heap::new(NeverGrow);
    let home = Span::from_base_size(room.base().wrapping_add(ROOM / 2), 4096);
    // SAFETY: two disjoint parts of `memory`, which outlives the heap.
    let mut moving = unsafe {
        heap.claim(Span::from_base_size(room.base(), 4096)).unwrap();
        heap.claim(home).unwrap()
    };
    let moving_room = Span::new(room.base().wrapping_add(4096), room.acme());
    let mut blocks: Vec<Block> = Vec::new();
    for (step, op) in data.chunks_exact(4).enumerate() {
        let size = usize::from(u16::from_le_bytes([op[1], op[2]])) % 4097;
        let layout = Layout::from_size_align(size, 1 << (op[3] % 13)).unwrap();
        let index = usize::from(op[1]) % blocks.len().max(1);
        // SAFETY: every pointer passed back is a live block with its layout; spans lie in `room`.
        unsafe {
            match op[0] % 6 {
                0 | 1 => {
                    if let Ok(ptr) = heap.allocate(layout) {
                        ptr.as_ptr().write_bytes(step as u8, size);
                        blocks.push(Block {
                            ptr,
                            layout,
                            fill: step as u8,
                        });
                    }
                }
                2 if !blocks.is_empty() => {
                    let block = blocks.swap_remove(index);
                    verify(&block, block.layout.size());
                    heap.deallocate(block.ptr, block.layout);
                }
                3 | 4 if !blocks.is_empty() => {
                    let block = &mut blocks[index];
                    let old = block.layout;
                    let result = if op[0] % 6 == 3 {
                        heap.realloc(block.ptr, old, size)
                    } else if size >= old.size() {
                        heap.grow_in_place(block.ptr, old, size)
                    } else {
                        Ok(heap.shrink(block.ptr, old, size))
                    };
                    if let Ok(ptr) = result {
                        let kept = size.min(old.size());
                        *block = Block {
                            ptr,
                            layout: Layout::from_size_align(size, old.align()).unwrap(),
                            fill: block.fill,
                        };
                        verify(block, kept);
                        ptr.as_ptr().add(kept).write_bytes(block.fill, size - kept);
                    }
                }
                5 if op[3].is_multiple_of(2) => {
                    let grown = moving
                        .extend(usize::from(op[1]) * 8, usize::from(op[2]) * 8)
                        .fit_within(moving_room);
                    moving = heap.extend(moving, grown).unwrap();
                }
                5 => {
                    let used = heap.allocated_span(moving).unwrap();
                    let keep = if used.is_empty() {
                        Span::from_base_size(moving.base(), usize::from(op[1]) * 8)
                            .fit_within(moving)
                    } else {
                        used
                    };
                    let arena = heap.truncate(moving, keep).unwrap().arena;
                    moving = if arena.is_empty() {
                        heap.claim(home).unwrap()
                    } else {
                        arena
                    };
                }
                _ => {}
            }
        }
        if let Err(error) = heap.check() {
            panic!("step {step}: {error}");
        }
    }
    for block in blocks {
        verify(&block, block.layout.size());
        // SAFETY: a live block with its layout.
        unsafe { heap.deallocate(block.ptr, block.layout) };
    }
    heap.check().unwrap();
});
