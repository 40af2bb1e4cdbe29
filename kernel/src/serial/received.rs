//! Bytes an interrupt handler received and nobody has read yet: a queue that
//! grows from the heap inside the handler, fallibly and up to a limit. What
//! does not fit (the limit reached, or the heap refused to grow) is dropped
//! and counted, never a panic in the handler.
//!
//! ```text
//!   push(bytes) ─► room = limit - len ─► try_reserve(room part) ─► ok: keep
//!                                                   └ refused: keep what the
//!                                                     current capacity holds
//!               ─► the rest: dropped += n
//!   pop()       ◄─ oldest byte first
//! ```

use alloc::collections::VecDeque;

/// A bounded receive queue.
#[derive(Debug)]
pub struct Received {
    bytes: VecDeque<u8>,
    limit: usize,
    dropped: u64,
}

impl Received {
    /// An empty queue that holds at most `limit` bytes (allocates nothing yet).
    pub const fn new(limit: usize) -> Self {
        Self {
            bytes: VecDeque::new(),
            limit,
            dropped: 0,
        }
    }

    /// Queues what fits of `bytes`; returns how many were kept (the rest are
    /// dropped and counted).
    pub fn push(&mut self, bytes: &[u8]) -> usize {
        let mut keep = bytes.len().min(self.limit - self.bytes.len());
        if self.bytes.try_reserve(keep).is_err() {
            keep = keep.min(self.bytes.capacity() - self.bytes.len());
        }
        self.bytes.extend(&bytes[..keep]);
        self.dropped += (bytes.len() - keep) as u64;
        keep
    }

    /// The oldest byte, if one is queued.
    pub fn pop(&mut self) -> Option<u8> {
        self.bytes.pop_front()
    }

    /// Bytes queued.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Bytes dropped so far.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}
