//! xmalloc-test: cross-CPU frees. CPU i allocates batches of blocks and posts each
//! to CPU i+1's mailbox; every CPU frees the batches it receives (with one CPU, it
//! receives its own).
//!
//! ```text
//!   CPU 0 ─batch─► mailbox 1 ─► CPU 1 frees … CPU n-1 ─batch─► mailbox 0 ─► CPU 0 frees
//!   a mailbox: slots 0 1 2 … DEPTH-1, round and round; a full slot ─► its CPU frees the
//!              batch and empties it ─► the poster may refill it
//! ```

use crate::arch::percpu::MAX_CPUS;
use crate::workload::Rng;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::null_mut;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

const BATCH: usize = 32;
const BATCHES: usize = 200;
/// Batches a mailbox holds, so that a CPU can run ahead of the one freeing its blocks
/// instead of waiting for it after every batch (under TCG a wait for another vCPU is a
/// wait for the host to schedule its thread).
const DEPTH: usize = 16;
const MAX_XMALLOC_SIZE: usize = 512;

/// One batch in a mailbox: full while it waits to be freed.
struct Slot {
    full: AtomicBool,
    blocks: [AtomicPtr<u8>; BATCH],
}

/// Where a CPU receives the batches it frees: a ring of DEPTH slots with one poster
/// (the CPU before it) and one receiver, each going round in order.
type Mailbox = [Slot; DEPTH];

static MAILBOXES: [Mailbox; MAX_CPUS] = [const {
    [const {
        Slot {
            full: AtomicBool::new(false),
            blocks: [const { AtomicPtr::new(null_mut()) }; BATCH],
        }
    }; DEPTH]
}; MAX_CPUS];

/// One CPU's share of xmalloc: it posts BATCHES batches and receives as many;
/// each block's size is in its first word, so that the CPU freeing it knows its layout.
pub(super) fn share(heap: &dyn GlobalAlloc, cpu: usize, cpus: usize) -> u64 {
    let mut rng = Rng::new(0x3a11 ^ cpu as u64);
    let (inbox, outbox) = (&MAILBOXES[cpu], &MAILBOXES[(cpu + 1) % cpus]);
    let (mut posted, mut received) = (0, 0);
    while posted < BATCHES || received < BATCHES {
        let mut progress = false;
        let incoming = &inbox[received % DEPTH];
        if received < BATCHES && incoming.full.load(Ordering::Acquire) {
            for slot in &incoming.blocks {
                let block = slot.load(Ordering::Relaxed);
                // SAFETY: the poster wrote the block's size into its first word and
                // released it with `full`; it is freed once, with that size.
                unsafe {
                    let size = block.cast::<usize>().read();
                    heap.dealloc(block, Layout::from_size_align_unchecked(size, 8));
                }
            }
            incoming.full.store(false, Ordering::Release);
            (received, progress) = (received + 1, true);
        }
        let outgoing = &outbox[posted % DEPTH];
        if posted < BATCHES && !outgoing.full.load(Ordering::Acquire) {
            for slot in &outgoing.blocks {
                let size = 8 + rng.below(MAX_XMALLOC_SIZE - 7);
                // SAFETY: the layout is non-zero and word-aligned; the size fits the block.
                unsafe {
                    let block = heap.alloc(Layout::from_size_align_unchecked(size, 8));
                    assert!(!block.is_null(), "xmalloc ran out of memory");
                    block.cast::<usize>().write(size);
                    slot.store(block, Ordering::Relaxed);
                }
            }
            outgoing.full.store(true, Ordering::Release);
            (posted, progress) = (posted + 1, true);
        }
        if !progress {
            crate::sync::relax();
        }
    }
    (2 * BATCHES * BATCH) as u64
}
