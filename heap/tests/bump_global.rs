//! `GlobalAlloc` for `Bump`: give-back of the last block, in-place resizing of the last block,
//! copying for earlier blocks, and null (with the block kept) when there is no room.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr;

use tagheap::Bump;

#[repr(C, align(16))]
struct Region([u8; 128]);

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).expect("test layouts are valid")
}

/// Allocates `size` bytes (align 8) through `GlobalAlloc`, filled with `fill`.
fn filled(bump: &Bump<Region>, size: usize, fill: u8) -> *mut u8 {
    // SAFETY: a non-zero layout; the block is checked for null before it is written.
    unsafe {
        let block = GlobalAlloc::alloc(bump, layout(size, 8));
        assert!(!block.is_null(), "room for {size} bytes");
        block.write_bytes(fill, size);
        block
    }
}

/// Whether the `size` bytes at `block` all equal `fill`.
fn holds(block: *const u8, size: usize, fill: u8) -> bool {
    // SAFETY: callers pass a live block of at least `size` bytes they filled earlier.
    unsafe { core::slice::from_raw_parts(block, size) }
        .iter()
        .all(|&byte| byte == fill)
}

#[test]
fn dealloc_gives_the_last_block_back_and_leaks_the_others() {
    let bump = Bump::<Region>::uninit();
    let first = filled(&bump, 8, 1);
    let last = filled(&bump, 24, 2);
    // SAFETY: each block is freed once, with its own layout.
    unsafe {
        bump.dealloc(first, layout(8, 8));
        assert_eq!(bump.level().bytes(), 32, "an earlier block is leaked");
        bump.dealloc(last, layout(24, 8));
        assert_eq!(bump.level().bytes(), 8, "the last block's bytes come back");
        assert_eq!(GlobalAlloc::alloc(&bump, layout(16, 8)), last);
        assert_eq!(
            GlobalAlloc::alloc(&bump, layout(1 << 20, 8)),
            ptr::null_mut()
        );
    }
}

#[test]
fn realloc_resizes_the_last_block_in_place() {
    let bump = Bump::<Region>::uninit();
    filled(&bump, 8, 1);
    let last = filled(&bump, 16, 2);
    // SAFETY: `last` is live with the layout passed each time.
    unsafe {
        assert_eq!(bump.realloc(last, layout(16, 8), 100), last);
        assert_eq!(bump.level().bytes(), 108);
        assert!(holds(last, 16, 2));
        assert_eq!(bump.realloc(last, layout(100, 8), 4), last);
        assert_eq!(bump.level().bytes(), 12);
        assert_eq!(
            bump.realloc(last, layout(4, 8), 121),
            ptr::null_mut(),
            "no room"
        );
        assert_eq!(bump.level().bytes(), 12, "a failed realloc keeps the block");
        assert!(holds(last, 4, 2));
    }
}

#[test]
fn realloc_copies_an_earlier_block_and_keeps_its_contents() {
    let bump = Bump::<Region>::uninit();
    let first = filled(&bump, 8, 1);
    let last = filled(&bump, 8, 2);
    // SAFETY: `first` is live with layout (8, 8); `moved` with (40, 8).
    unsafe {
        let moved = bump.realloc(first, layout(8, 8), 40);
        assert_eq!(moved, last.add(8), "the copy goes after the last block");
        assert!(holds(moved, 8, 1) && holds(last, 8, 2));
        assert_eq!(bump.level().bytes(), 56);
        assert_eq!(
            bump.realloc(moved, layout(40, 8), 120),
            ptr::null_mut(),
            "no room"
        );
        assert!(holds(moved, 8, 1));
    }
}

#[test]
fn realloc_handles_zero_sizes_and_invalid_new_sizes() {
    let bump = Bump::<Region>::uninit();
    let last = filled(&bump, 8, 3);
    // SAFETY: every block passed is live with the layout given.
    unsafe {
        assert_eq!(
            bump.realloc(last, layout(8, 8), isize::MAX as usize),
            ptr::null_mut()
        );
        assert!(holds(last, 8, 3), "an invalid new size keeps the block");
        let empty = bump.realloc(last, layout(8, 8), 0);
        assert_eq!(
            (empty.addr(), bump.level().bytes()),
            (8, 0),
            "dangling; bytes back"
        );
        let grown = bump.realloc(empty, layout(0, 8), 16);
        assert_eq!((grown, bump.level().bytes()), (last, 16));
        bump.dealloc(empty, layout(0, 8));
        assert_eq!(
            bump.level().bytes(),
            16,
            "freeing a zero-size block changes nothing"
        );
    }
}
