//! Poisoning freed memory (`debug-heap` builds: `make run DEBUG_HEAP=1`).
//!
//! After a free, the bytes of the old block that the heap does not use for
//! its own bookkeeping ([`heap::Chunk::idle`]) are filled with [`POISON`]. A
//! driver that reads a pointer out of freed memory then gets
//! `0xdfdf_dfdf_dfdf_dfdf`, a non-canonical address, and its next access is a
//! general protection fault at the faulting instruction instead of a quiet
//! read of stale data. The heap's own `debug-checks` catch double frees,
//! foreign pointers and wrong layouts before anything is written.

use core::ops::Range;
use heap::{Heap, OutOfMemory};

/// The byte freed memory is filled with.
pub const POISON: u8 = 0xdf;

/// Poisons what the heap leaves idle of the freed block `block`.
pub fn freed<G: OutOfMemory>(heap: &Heap<G>, block: Range<usize>) {
    let Some(chunk) = heap
        .chunks()
        .find(|c| c.span().contains(c.base.with_addr(block.start)))
    else {
        return;
    };
    let idle = chunk.idle();
    let start = block.start.max(idle.base().addr());
    let end = block.end.min(idle.acme().addr());
    if start < end {
        // SAFETY: the bytes lie in the idle part of a free chunk, which the
        // heap neither reads nor writes while the chunk stays free.
        unsafe {
            idle.base()
                .with_addr(start)
                .write_bytes(POISON, end - start)
        };
    }
}
