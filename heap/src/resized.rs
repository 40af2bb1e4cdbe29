//! `resized`: the layout a resize asks for, shared by the heap's, the cache's and the
//! bump's `realloc`.
//!
//! `Layout::from_size_align` checks again that the alignment is a power of two; an existing
//! layout's is, so only the size needs checking. Every resize of the cache runs this, and the
//! alignment test was four of its instructions.

use core::alloc::Layout;

/// `layout` with `new_size` bytes, or `None` if that size, rounded up to the alignment,
/// would pass `isize::MAX` (what `Layout::from_size_align` refuses).
#[inline(always)]
pub(crate) fn resized(layout: Layout, new_size: usize) -> Option<Layout> {
    let largest = isize::MAX as usize - (layout.align() - 1);
    // SAFETY: the alignment is a layout's, so a power of two, and the size was just checked.
    (new_size <= largest)
        .then(|| unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) })
}

#[cfg(test)]
mod tests {
    use super::resized;
    use core::alloc::Layout;

    #[test]
    fn resized_accepts_and_refuses_what_from_size_align_does() {
        for align in [1, 8, 16, 4096, 1 << 40, 1 << 62, 1 << 63] {
            let layout = Layout::from_size_align(0, align).unwrap();
            let largest = isize::MAX as usize - (align - 1);
            for size in [
                0,
                1,
                1000,
                largest.saturating_sub(1),
                largest,
                largest + 1,
                usize::MAX,
            ] {
                assert_eq!(
                    resized(layout, size),
                    Layout::from_size_align(size, align).ok(),
                    "{size} bytes aligned to {align}"
                );
            }
        }
    }
}
