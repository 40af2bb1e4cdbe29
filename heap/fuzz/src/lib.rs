//! The fuzz driver: decodes the fuzzer's bytes into operations on every public part of the
//! `heap` crate and checks each against a shadow model.
//!
//! ```text
//!   one run:  Room (128 KiB)  ──  SpinLockedHeap<FuzzGrow>  ──  Model      (block_ops, resize_ops,
//!                                                                           arena_ops, arena_trim, hook)
//!             Bump<[u64; 512]>, Bump<[Page; 3]>  ──  Bumps         (bump_ops, bump_free)
//!             SpinLockedHeap<ClaimOnFirstUse> over its own 4 KiB          (first_use)
//!             CachedHeap over 16 KiB of its own room, CPUs played in turn  (cache_ops)
//!             Heap<MmapGrow> over an 8 MiB reservation                     (mmap_ops)
//!             CachedHeap over ThreadCpu, each step on a new thread         (thread_ops)
//!             Span arithmetic on raw addresses                             (span_ops)
//!   after every step: check(), counters and arenas against the model, the room outside the
//!   arenas untouched, one live block's bytes intact (the cached heaps and the mmap heap:
//!   their modules check their own after each of their steps); at the end everything is freed.
//! ```

#![feature(allocator_api)]

mod arena_ops;
mod arena_trim;
mod block_ops;
mod bump_free;
mod bump_ops;
mod cache_ops;
#[path = "../../tests/common/cpus.rs"]
mod cpus;
mod first_use;
mod hook;
mod input;
mod mmap_ops;
mod model;
#[path = "../../tests/common/pattern.rs"]
mod pattern;
mod resize_ops;
mod room;
mod span_ops;
mod thread_ops;

use arbitrary::{Arbitrary, Unstructured};
use hook::FuzzGrow;
use input::{FreeVia, HookMode, Op};
use model::Model;
use room::Room;
use std::alloc::Layout;
use tagheap::SpinLockedHeap;

/// The fuzzed heap.
pub type Fuzzed = SpinLockedHeap<FuzzGrow>;

/// Runs the operations `data` decodes into.
pub fn run(data: &[u8]) {
    let room = Room::new();
    let heap = Fuzzed::new(FuzzGrow {
        mode: HookMode::Refuse,
        room: room.span(),
        log: Vec::new(),
    });
    let mut model = Model::default();
    let mut bumps = bump_ops::Bumps::new();
    let mut first_use = first_use::FirstUse::new();
    let mut cached = cache_ops::CacheOps::new();
    let mut mmap = mmap_ops::MmapOps::new();
    let mut threads = thread_ops::ThreadOps::new();
    let mut input = Unstructured::new(data);
    // An exhausted input would still decode (into zeros), so stop when it is used up.
    for step in 0usize.. {
        if input.is_empty() {
            break;
        }
        let Ok(op) = Op::arbitrary(&mut input) else {
            break;
        };
        match op {
            Op::Allocate { size, align, via } => {
                if let Ok(layout) = Layout::from_size_align(size.bytes(), align.bytes()) {
                    block_ops::allocate(&heap, &mut model, layout, via);
                }
            }
            Op::Free { pick, via } => block_ops::free(&heap, &mut model, pick, via),
            Op::Resize {
                pick,
                size,
                align,
                via,
            } => resize_ops::resize(&heap, &mut model, pick, size, align, via),
            Op::Claim(span) => arena_ops::claim(&heap, &mut model, &room, span),
            Op::Extend { pick, kind } => arena_ops::extend(&heap, &mut model, &room, pick, kind),
            Op::Truncate { pick, kind } => {
                arena_trim::truncate(&heap, &mut model, &room, pick, kind)
            }
            Op::AllocatedSpan { pick, stranger } => {
                arena_trim::allocated_span(&heap, &model, pick, stranger);
            }
            Op::Hook(mode) => heap.lock().hook.mode = mode,
            Op::Bump(op) => bumps.run(op),
            Op::Spans {
                a,
                b,
                align,
                low,
                high,
            } => span_ops::check(a, b, align, low, high),
            Op::FirstUse { size, free } => first_use.run(size, free),
            Op::Cache(op) => cached.run(op),
            Op::Mmap(op) => mmap.run(op),
            Op::Thread(step) => threads.run(step),
        }
        model.compare(&heap.lock());
        room.verify_untouched(&model.arenas);
        if let Some(index) = model.pick(step as u16) {
            let block = model.blocks[index];
            block.verify(block.layout.size());
        }
    }
    while !model.blocks.is_empty() {
        block_ops::free(&heap, &mut model, 0, FreeVia::Heap);
    }
    model.compare(&heap.lock());
    let free_chunks = heap
        .lock()
        .chunks()
        .filter(|chunk| !chunk.allocated)
        .count();
    assert!(
        free_chunks <= model.arenas.len(),
        "freed blocks left {free_chunks} free chunks"
    );
    first_use.finish();
    cached.finish();
    mmap.finish();
    threads.finish();
}
