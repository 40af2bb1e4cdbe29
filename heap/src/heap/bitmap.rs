//! The availability bitmap: one bit per bin, set exactly when the bin's list is non-empty.
//!
//! ```text
//!   summary   0b0101          bit i set ⇔ words[i] != 0
//!   words[0]  bins   0‥63
//!   words[1]  bins  64‥127
//!   words[2]  bins 128‥191
//!   words[3]  bins 192‥255
//! ```
//!
//! Finding the first non-empty bin at or above `b` takes one `trailing_zeros` on the word
//! holding `b` and, if that word has nothing left, one on the summary and one more on the
//! word it names.

use super::bins::BIN_COUNT;

/// Number of 64-bit words needed for one bit per bin.
const WORDS: usize = BIN_COUNT.div_ceil(64);

/// One bit per bin plus a summary bit per word.
pub(crate) struct Bitmap {
    summary: u64,
    words: [u64; WORDS],
}

impl Bitmap {
    /// A bitmap with every bin empty.
    pub(crate) const fn new() -> Self {
        Self {
            summary: 0,
            words: [0; WORDS],
        }
    }

    /// Marks `bin` non-empty.
    #[inline(always)]
    pub(crate) fn set(&mut self, bin: usize) {
        self.words[bin / 64] |= 1 << (bin % 64);
        self.summary |= 1 << (bin / 64);
    }

    /// Marks `bin` empty.
    #[inline(always)]
    pub(crate) fn clear(&mut self, bin: usize) {
        let word = &mut self.words[bin / 64];
        *word &= !(1 << (bin % 64));
        if *word == 0 {
            self.summary &= !(1 << (bin / 64));
        }
    }

    /// Whether `bin` is marked non-empty.
    pub(crate) fn is_set(&self, bin: usize) -> bool {
        self.words[bin / 64] & (1 << (bin % 64)) != 0
    }

    /// The first non-empty bin at or above `bin`, if any.
    #[inline(always)]
    pub(crate) fn first_at_or_above(&self, bin: usize) -> Option<usize> {
        let index = bin / 64;
        if index >= WORDS {
            return None;
        }
        let here = self.words[index] & (u64::MAX << (bin % 64));
        if here != 0 {
            return Some(index * 64 + here.trailing_zeros() as usize);
        }
        let later = self.summary & (u64::MAX << index << 1);
        if later == 0 {
            return None;
        }
        let index = later.trailing_zeros() as usize;
        Some(index * 64 + self.words[index].trailing_zeros() as usize)
    }

    /// The highest non-empty bin, if any.
    pub(crate) fn last(&self) -> Option<usize> {
        let index = self.summary.checked_ilog2()? as usize;
        Some(index * 64 + self.words[index].ilog2() as usize)
    }

    /// Whether a summary bit disagrees with its word (for `check`).
    pub(crate) fn summary_is_stale(&self) -> bool {
        (0..WORDS).any(|index| (self.words[index] != 0) != (self.summary & (1 << index) != 0))
    }
}
