//! One bit per physical frame, set while the frame is taken, in memory the
//! frame allocator sets aside for it (16 KiB for 512 MiB of RAM).

use core::ops::Range;

/// The frame bitmap.
pub(super) struct Bitmap {
    words: *mut u64,
    /// Frames the bitmap covers: frame numbers `0..frames`.
    frames: u64,
}

// SAFETY: the bitmap's memory belongs to the frame allocator, which owns the
// `Bitmap`; it moves between CPUs only with it (under the memory lock).
unsafe impl Send for Bitmap {}

impl Bitmap {
    /// Bytes of bitmap needed for `frames` frames, in whole words.
    pub(super) fn bytes_for(frames: u64) -> u64 {
        frames.div_ceil(64) * 8
    }

    /// A bitmap at `words` for `frames` frames, every one of them taken.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `words` must point to
    /// [`Bitmap::bytes_for`] writable bytes that nothing else uses.
    pub(super) unsafe fn all_taken(words: *mut u64, frames: u64) -> Self {
        // SAFETY: the caller hands over the bytes.
        unsafe { words.write_bytes(0xff, (Self::bytes_for(frames) / 8) as usize) };
        Self { words, frames }
    }

    /// Marks frame `frame` taken.
    pub(super) fn set(&mut self, frame: u64) {
        *self.word(frame) |= bit(frame);
    }

    /// Marks frame `frame` free; false if it was free already.
    pub(super) fn clear(&mut self, frame: u64) -> bool {
        let word = self.word(frame);
        let was_taken = *word & bit(frame) != 0;
        *word &= !bit(frame);
        was_taken
    }

    /// Marks the frames of `range` taken.
    pub(super) fn set_range(&mut self, range: Range<u64>) {
        range.for_each(|frame| self.set(frame));
    }

    /// Marks the frames of `range` free.
    pub(super) fn clear_range(&mut self, range: Range<u64>) {
        range.for_each(|frame| {
            self.clear(frame);
        });
    }

    /// How many frames are free.
    pub(super) fn clear_count(&self) -> u64 {
        (0..self.frames)
            .filter(|&frame| !self.is_set(frame))
            .count() as u64
    }

    /// The first free frame at or after `from`.
    pub(super) fn find_clear(&self, from: u64) -> Option<u64> {
        let mut frame = from;
        while frame < self.frames {
            let word = self.read_word(frame) | (bit(frame) - 1);
            if word != u64::MAX {
                let found = frame - frame % 64 + u64::from((!word).trailing_zeros());
                return (found < self.frames).then_some(found);
            }
            frame = frame - frame % 64 + 64;
        }
        None
    }

    /// The first run of `length` free frames in `from..below` that starts at
    /// a multiple of `align` and crosses no multiple of `boundary` (frame
    /// counts, powers of two; a boundary of 0 is none).
    pub(super) fn find_clear_run(
        &self,
        from: u64,
        below: u64,
        length: u64,
        align: u64,
        boundary: u64,
    ) -> Option<u64> {
        let end = below.min(self.frames);
        let mut start = self.find_clear(from)?.next_multiple_of(align);
        while start + length <= end {
            if boundary != 0 && start / boundary != (start + length - 1) / boundary {
                start = (start / boundary + 1) * boundary;
                continue;
            }
            match (start..start + length).rfind(|&frame| self.is_set(frame)) {
                None => return Some(start),
                Some(taken) => start = self.find_clear(taken + 1)?.next_multiple_of(align),
            }
        }
        None
    }

    fn is_set(&self, frame: u64) -> bool {
        self.read_word(frame) & bit(frame) != 0
    }

    fn read_word(&self, frame: u64) -> u64 {
        // SAFETY: `word_pointer` keeps the word inside the bitmap.
        unsafe { self.word_pointer(frame).read() }
    }

    fn word(&mut self, frame: u64) -> &mut u64 {
        // SAFETY: the word lies inside the bitmap, which `self` owns exclusively.
        unsafe { &mut *self.word_pointer(frame) }
    }

    fn word_pointer(&self, frame: u64) -> *mut u64 {
        assert!(
            frame < self.frames,
            "frame {:#x} lies above physical memory",
            frame * super::super::PAGE_SIZE
        );
        self.words.wrapping_add((frame / 64) as usize)
    }
}

fn bit(frame: u64) -> u64 {
    1 << (frame % 64)
}
