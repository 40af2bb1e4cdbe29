//! The free blocks of every order: one bit per block of that order, set while the block
//! is free (and not part of a larger free block), in words the caller lends.
//!
//! ```text
//!   storage  [ order 0: frames/64 words | order 1: frames/128 | … | order 10 ]
//!   order k, bit i  ─▶ the block of frames [i·2^k, (i+1)·2^k)
//!   count[k]         free blocks of order k     lowest[k]  no set bit below this word
//! ```

use crate::ORDERS;

/// The free blocks of each order.
#[derive(Debug)]
pub struct FreeBlocks<'m> {
    words: &'m mut [u64],
    frames: u64,
    /// Where each order's words start in `words` (and, last, where they end).
    starts: [usize; ORDERS + 1],
    counts: [u64; ORDERS],
    /// Per order, the first word that may have a bit set: searches start there.
    lowest: [usize; ORDERS],
}

impl<'m> FreeBlocks<'m> {
    /// Words needed for `frames` frames.
    pub(crate) fn words_for(frames: u64) -> usize {
        Self::starts(frames)[ORDERS]
    }

    fn starts(frames: u64) -> [usize; ORDERS + 1] {
        let mut starts = [0; ORDERS + 1];
        for order in 0..ORDERS {
            let blocks = frames.div_ceil(1 << order);
            starts[order + 1] = starts[order] + blocks.div_ceil(64) as usize;
        }
        starts
    }

    /// No block free, over frames `0..frames`.
    pub(crate) fn new(storage: &'m mut [u64], frames: u64) -> Self {
        let starts = Self::starts(frames);
        assert!(
            storage.len() >= starts[ORDERS],
            "{frames} frames need {} words of bookkeeping, got {}",
            starts[ORDERS],
            storage.len()
        );
        let words = &mut storage[..starts[ORDERS]];
        words.fill(0);
        Self {
            words,
            frames,
            starts,
            counts: [0; ORDERS],
            lowest: [0; ORDERS],
        }
    }

    /// Frames covered.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Free blocks of `order`.
    pub fn count(&self, order: usize) -> u64 {
        self.counts[order]
    }

    /// Whether the block of `order` at `frame` is free; false for a block that is not
    /// aligned to its order or does not lie within the frames (such as the buddy of the
    /// last block, past the end).
    pub fn contains(&self, order: usize, frame: u64) -> bool {
        self.bit(order, frame)
            .is_some_and(|(word, mask)| self.words[word] & mask != 0)
    }

    /// Marks the block of `order` at `frame` free.
    ///
    /// Panics if it is not a block of that order or is free already.
    pub fn insert(&mut self, order: usize, frame: u64) {
        let (word, mask) = self
            .bit(order, frame)
            .unwrap_or_else(|| panic!("frame {frame:#x} is not a block of order {order}"));
        assert!(
            self.words[word] & mask == 0,
            "block {frame:#x} of order {order} is free already"
        );
        self.words[word] |= mask;
        self.counts[order] += 1;
        self.lowest[order] = self.lowest[order].min(word - self.starts[order]);
    }

    /// Takes the block of `order` at `frame` if it is free: true if it was.
    pub fn remove(&mut self, order: usize, frame: u64) -> bool {
        if !self.contains(order, frame) {
            return false;
        }
        let (word, mask) = self.bit(order, frame).expect("contains checked the block");
        self.words[word] &= !mask;
        self.counts[order] -= 1;
        true
    }

    /// Takes the free block of `order` with the lowest address, if there is one.
    pub fn take_lowest(&mut self, order: usize) -> Option<u64> {
        if self.counts[order] == 0 {
            return None;
        }
        let words = &self.words[self.starts[order]..self.starts[order + 1]];
        let at = (self.lowest[order]..words.len()).find(|&at| words[at] != 0)?;
        self.lowest[order] = at;
        let block = at as u64 * 64 + u64::from(words[at].trailing_zeros());
        let frame = block << order;
        self.remove(order, frame);
        Some(frame)
    }

    /// The word and bit of the block of `order` at `frame`, if it is one.
    fn bit(&self, order: usize, frame: u64) -> Option<(usize, u64)> {
        let size = 1u64 << order;
        if order >= ORDERS || !frame.is_multiple_of(size) || frame + size > self.frames {
            return None;
        }
        let block = frame >> order;
        Some((
            self.starts[order] + (block / 64) as usize,
            1 << (block % 64),
        ))
    }
}
