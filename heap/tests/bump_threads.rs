//! Several threads allocate random layouts from one shared `Bump` until it is exhausted; the
//! blocks must be in bounds, aligned, disjoint, and tile the consumed bytes exactly. Then
//! threads free and reuse each other's bytes, which Miri checks for data races.

mod common {
    pub mod rng;
}

use core::alloc::{GlobalAlloc, Layout};
use std::sync::Barrier;
use std::thread;

use common::rng::Rng;
use tagheap::Bump;

#[cfg(not(miri))]
const THREADS: usize = 8;
#[cfg(miri)]
const THREADS: usize = 3;
#[cfg(not(miri))]
const REGION_BYTES: usize = 1 << 16;
#[cfg(miri)]
const REGION_BYTES: usize = 1 << 11;
#[cfg(not(miri))]
const ROUNDS: usize = 10_000;
#[cfg(miri)]
const ROUNDS: usize = 50;

/// A region aligned to 64, the largest alignment the threads ask for.
#[repr(C, align(64))]
struct Region([u8; REGION_BYTES]);

/// One block a thread got: offset in the region, layout, and the byte the thread filled it with.
type Block = (usize, Layout, u8);

/// Allocates random layouts until one fails; returns the blocks and the layout that failed.
fn allocate_until_exhausted(
    bump: &Bump<Region>,
    seed: u64,
    start_line: &Barrier,
) -> (Vec<Block>, Layout) {
    let mut rng = Rng::new(seed);
    let fill = seed as u8;
    let mut blocks = Vec::new();
    start_line.wait();
    loop {
        let layout =
            Layout::from_size_align(rng.below(65), 1 << rng.below(7)).expect("valid layout");
        let Some(block) = bump.alloc(layout) else {
            return (blocks, layout);
        };
        assert_eq!(
            block.addr().get() % layout.align(),
            0,
            "block misaligned for {layout:?}"
        );
        if layout.size() == 0 {
            assert_eq!(
                block.addr().get(),
                layout.align(),
                "zero-size blocks are dangling"
            );
            continue;
        }
        // SAFETY: the block is `layout.size()` bytes handed to this thread alone.
        unsafe { block.write_bytes(fill, layout.size()) };
        let offset = block.addr().get() - bump.region_start().addr().get();
        blocks.push((offset, layout, fill));
    }
}

#[test]
fn threads_exhaust_a_shared_bump_with_disjoint_aligned_blocks() {
    let bump = Bump::<Region>::uninit();
    let start_line = Barrier::new(THREADS);
    let (bump, start_line) = (&bump, &start_line);
    let results: Vec<_> = thread::scope(|scope| {
        let workers: Vec<_> = (1..=THREADS as u64)
            .map(|seed| scope.spawn(move || allocate_until_exhausted(bump, seed, start_line)))
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("worker panicked"))
            .collect()
    });
    let level = bump.level().bytes();
    let mut blocks: Vec<Block> = results
        .iter()
        .flat_map(|(blocks, _)| blocks.clone())
        .collect();
    blocks.sort_by_key(|&(offset, ..)| offset);
    let (mut previous_end, mut sizes, mut paddings) = (0_usize, 0, 0);
    for &(offset, layout, fill) in &blocks {
        let first_aligned = previous_end.next_multiple_of(layout.align());
        assert_eq!(
            offset, first_aligned,
            "{layout:?} after byte {previous_end}: not the first aligned byte"
        );
        assert!(
            offset + layout.size() <= bump.capacity(),
            "block at {offset} out of bounds"
        );
        // SAFETY: the block is in the region, written by its thread, which has been joined.
        let bytes = unsafe {
            core::slice::from_raw_parts(bump.region_start().add(offset).as_ptr(), layout.size())
        };
        assert!(
            bytes.iter().all(|&byte| byte == fill),
            "block at {offset} was overwritten"
        );
        paddings += offset - previous_end;
        sizes += layout.size();
        previous_end = offset + layout.size();
    }
    assert_eq!(
        sizes + paddings,
        level,
        "handed-out bytes plus padding must be the level"
    );
    for (_, failed) in &results {
        let end = level.next_multiple_of(failed.align()) + failed.size();
        assert!(
            end > bump.capacity(),
            "{failed:?} was refused but fits at level {level}"
        );
    }
}

#[test]
fn threads_reuse_bytes_given_back_by_other_threads() {
    let bump = Bump::<Region>::uninit();
    let block = Layout::from_size_align(48, 16).expect("valid layout");
    thread::scope(|scope| {
        for fill in 1..=THREADS as u8 {
            let bump = &bump;
            scope.spawn(move || {
                for _ in 0..ROUNDS {
                    // SAFETY: a non-zero layout; the block is ours until `dealloc` and is
                    // freed once, with its layout.
                    unsafe {
                        let bytes = GlobalAlloc::alloc(bump, block);
                        if bytes.is_null() {
                            continue;
                        }
                        bytes.write_bytes(fill, block.size());
                        let kept = core::slice::from_raw_parts(bytes, block.size());
                        assert!(
                            kept.iter().all(|&byte| byte == fill),
                            "a live block changed"
                        );
                        bump.dealloc(bytes, block);
                    }
                }
            });
        }
    });
    assert!(bump.level().bytes() <= bump.capacity());
}
