//! The availability bitmap: one bit per bin, set exactly when the bin's list is non-empty.
//!
//! ```text
//!   words[0]  bins   0‥63      chunks up to about 90 KiB
//!   words[1]  bins  64‥127     up to about 8 GiB
//!   words[2]  bins 128‥191
//!   words[3]  bins 192‥255     (bins 253‥255 do not exist)
//! ```
//!
//! Finding the first non-empty bin at or above `b` takes one `trailing_zeros` on the word
//! holding `b`, masked below `b`; only if that word has nothing left does the search look at
//! the next words, at most three more. Real arenas keep the search in the first two words.
//! Updates touch one word and never branch.

use super::bins::BIN_COUNT;

/// Number of 64-bit words needed for one bit per bin.
const WORDS: usize = BIN_COUNT.div_ceil(64);

/// One bit per bin.
pub(crate) struct Bitmap {
    words: [u64; WORDS],
}

impl Bitmap {
    /// A bitmap with every bin empty.
    pub(crate) const fn new() -> Self {
        Self { words: [0; WORDS] }
    }

    /// Marks `bin` non-empty.
    #[inline(always)]
    pub(crate) fn set(&mut self, bin: usize) {
        self.words[bin / 64] |= 1 << (bin % 64);
    }

    /// Marks `bin` non-empty or empty, as `non_empty` says.
    ///
    /// Without a branch: the bit is cleared, then `non_empty` (0 or 1) is shifted into its
    /// place and OR-ed in. Whether a list has just become empty varies from call to call, so
    /// a branch on it would often be mispredicted.
    #[inline(always)]
    pub(crate) fn mark(&mut self, bin: usize, non_empty: bool) {
        let (word, bit) = (&mut self.words[bin / 64], bin % 64);
        *word = (*word & !(1 << bit)) | (u64::from(non_empty) << bit);
    }

    /// Whether `bin` is marked non-empty.
    pub(crate) fn is_set(&self, bin: usize) -> bool {
        self.words[bin / 64] & (1 << (bin % 64)) != 0
    }

    /// The first non-empty bin at or above `bin`, if any.
    #[inline(always)]
    pub(crate) fn first_at_or_above(&self, bin: usize) -> Option<usize> {
        let index = bin / 64;
        let here = *self.words.get(index)? & (u64::MAX << (bin % 64));
        if here != 0 {
            return Some(index * 64 + here.trailing_zeros() as usize);
        }
        self.first_in_words_above(index)
    }

    /// The first non-empty bin in the words after `index`, if any. Kept out of line so that
    /// the common case above stays short.
    #[inline(never)]
    fn first_in_words_above(&self, index: usize) -> Option<usize> {
        (index + 1..WORDS).find_map(|index| {
            let word = self.words[index];
            (word != 0).then(|| index * 64 + word.trailing_zeros() as usize)
        })
    }
}
