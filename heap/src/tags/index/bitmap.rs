//! The availability bitmap: one bit per bin, set exactly when the bin's list is non-empty.
//!
//! ```text
//!   words[0]  bins   0‥63      chunks under 192 KiB (bin 64 starts at 12288 granules)
//!   words[1]  bins  64‥127     chunks under 12 GiB
//!   words[2]  bins 128‥191     chunks under 768 TiB
//!   words[3]  bins 192‥255     the rest (bins 250‥255 do not exist)
//! ```
//!
//! Finding the first non-empty bin at or above `b` takes one `trailing_zeros` on the word
//! holding `b`, masked below `b`. Only if that word has nothing left does the search look at
//! the later words, at most three more: the allocation fast path tail-calls that search
//! itself, because a growing heap carves most blocks from one big free chunk whose bin lies
//! above the first word. Updates touch one word and never branch.

use crate::tags::index::bins::BIN_SLOTS;

/// Number of 64-bit words: one bit per bin slot, so that a `u8` bin number needs no bounds
/// check.
const WORDS: usize = BIN_SLOTS / 64;

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
    pub(crate) fn set(&mut self, bin: u8) {
        self.words[usize::from(bin / 64)] |= 1 << (bin % 64);
    }

    /// Marks `bin` non-empty or empty, as `non_empty` says.
    ///
    /// Without a branch: the bit is cleared, then `non_empty` (0 or 1) is shifted into its
    /// place and OR-ed in. Whether a list has just become empty varies from call to call, so
    /// a branch on it would often be mispredicted.
    #[inline(always)]
    pub(crate) fn mark(&mut self, bin: u8, non_empty: bool) {
        let (word, bit) = (&mut self.words[usize::from(bin / 64)], bin % 64);
        *word = (*word & !(1 << bit)) | (u64::from(non_empty) << bit);
    }

    /// Marks `bin` empty if `now_empty`; leaves the bitmap unchanged otherwise (`bin` may then
    /// be any bin). Without a branch, like `mark`.
    #[inline(always)]
    pub(crate) fn clear_if(&mut self, bin: u8, now_empty: bool) {
        self.words[usize::from(bin / 64)] &= !(u64::from(now_empty) << (bin % 64));
    }

    /// Whether `bin` is marked non-empty.
    pub(crate) fn is_set(&self, bin: u8) -> bool {
        self.words[usize::from(bin / 64)] & (1 << (bin % 64)) != 0
    }

    /// The first non-empty bin at or above `bin` in the bitmap word that holds `bin`, if any.
    /// The allocation fast path: one mask and one `trailing_zeros`.
    #[inline(always)]
    pub(crate) fn first_in_word_at_or_above(&self, bin: u8) -> Option<u8> {
        let index = usize::from(bin / 64);
        let here = self.words[index] & (u64::MAX << (bin % 64));
        (here != 0).then(|| first_bin(index, here))
    }

    /// The first non-empty bin in the bitmap words after the one that holds `bin`, if any.
    #[inline(always)]
    pub(crate) fn first_in_later_words(&self, bin: u8) -> Option<u8> {
        (usize::from(bin / 64) + 1..WORDS).find_map(|index| {
            let word = self.words[index];
            (word != 0).then(|| first_bin(index, word))
        })
    }

    /// The first non-empty bin at or above `bin`, if any: the word that holds `bin`, then
    /// the words after it.
    #[inline]
    pub(crate) fn first_at_or_above(&self, bin: u8) -> Option<u8> {
        self.first_in_word_at_or_above(bin)
            .or_else(|| self.first_in_later_words(bin))
    }
}

/// The bin of the lowest set bit of `word`, the bitmap's word number `index` (`word != 0`).
#[inline(always)]
fn first_bin(index: usize, word: u64) -> u8 {
    // Lossless: `index < WORDS`, so the bin is below `BIN_SLOTS`, 256.
    (index * 64 + word.trailing_zeros() as usize) as u8
}
