//! cache-scratch (Hoard): passive false sharing. The boot CPU allocates one small
//! block per CPU, side by side, and hands them out; each CPU frees its own, then
//! allocates a small block, writes it and frees it, many times. An allocator that
//! gives the freed block back to that CPU has it writing next to the others.

use crate::arch::percpu::MAX_CPUS;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, Ordering};

const SCRATCH_SIZE: usize = 8;
const SCRATCH_ROUNDS: usize = 2000;
const SCRATCH_WRITES: usize = 50;

/// The small blocks CPU 0 hands out before cache-scratch, one per CPU.
static HANDED_OUT: [AtomicPtr<u8>; MAX_CPUS] = [const { AtomicPtr::new(null_mut()) }; MAX_CPUS];

fn scratch_layout() -> Layout {
    Layout::from_size_align(SCRATCH_SIZE, 8).expect("a small layout")
}

/// Allocates the blocks cache-scratch hands out, side by side, on this CPU.
pub(super) fn hand_out(heap: &dyn GlobalAlloc, cpus: usize) {
    for slot in &HANDED_OUT[..cpus] {
        // SAFETY: the layout is non-zero.
        let block = unsafe { heap.alloc(scratch_layout()) };
        assert!(!block.is_null(), "cache-scratch ran out of memory");
        slot.store(block, Ordering::Relaxed);
    }
}

/// One CPU's share of cache-scratch.
pub(super) fn share(heap: &dyn GlobalAlloc, cpu: usize, _cpus: usize) -> u64 {
    let layout = scratch_layout();
    let handed = HANDED_OUT[cpu].swap(null_mut(), Ordering::Relaxed);
    // SAFETY: `hand_out` allocated it from `heap` with `layout` for this CPU alone.
    unsafe { heap.dealloc(handed, layout) };
    for round in 0..SCRATCH_ROUNDS {
        // SAFETY: the layout is non-zero; the block is written within its size and
        // freed once.
        unsafe {
            let block = heap.alloc(layout);
            assert!(!block.is_null(), "cache-scratch ran out of memory");
            for write in 0..SCRATCH_WRITES {
                block.write_volatile((round + write) as u8);
            }
            heap.dealloc(block, layout);
        }
    }
    (1 + 2 * SCRATCH_ROUNDS) as u64
}
