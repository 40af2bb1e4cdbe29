//! Discarding heap pages that hold nothing anyone reads (the idle middle of
//! a free chunk): unmapped, their frames freed, but still committed, so the
//! heap may hand them out again at any time and the fault handler maps them
//! back zeroed.

use super::unmap::Unmapped;
use super::MEMORY;

/// Unmaps each mapped page among `pages` (page addresses inside the committed
/// heap arena), shoots them down, frees their frames and keeps a reservation
/// for each; returns how many were mapped.
///
/// The caller holds the heap lock, so no chunk changes while its pages go,
/// and the shootdown is over before another CPU can allocate there.
pub fn discard(pages: &[u64]) -> u64 {
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("discard before memory::init");
    let mut taken = Unmapped::new();
    let mut discarded = 0;
    for &address in pages {
        if taken.is_full() {
            taken.finish(&mut memory.frames);
        }
        if taken.take(memory, address) {
            discarded += 1;
        }
    }
    taken.finish(&mut memory.frames);
    memory
        .frames
        .reserve(discarded)
        .expect("frames just freed can be promised again");
    discarded
}
