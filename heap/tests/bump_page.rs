//! Page frames from a `Bump<[Page; N]>`: handed out zeroed, page-aligned, until none is left.

use core::alloc::Layout;
use core::mem::{align_of, size_of};

use tagheap::{Bump, Page};

/// Whether every byte of the page at `page` is zero.
fn is_zeroed(page: *const Page) -> bool {
    // SAFETY: callers pass a page taken from a bump and still owned by the test.
    unsafe { core::slice::from_raw_parts(page.cast::<u8>(), Page::SIZE) }
        .iter()
        .all(|&byte| byte == 0)
}

#[test]
fn a_page_is_page_sized_and_page_aligned() {
    assert_eq!((size_of::<Page>(), align_of::<Page>()), (4096, 4096));
    assert_eq!(Page::SIZE, 4096);
}

#[test]
fn take_page_zeroes_reused_pages() {
    let mut bump = Bump::<[Page; 2]>::uninit();
    let page = bump.take_page().expect("a first page");
    assert_eq!(page.addr().get() % Page::SIZE, 0);
    assert!(is_zeroed(page.as_ptr()));
    // SAFETY: the page is ours; fill it with garbage before the region is reset.
    unsafe { page.cast::<u8>().write_bytes(0xA5, Page::SIZE) };
    bump.reset();
    let again = bump.take_page().expect("the same page after a reset");
    assert_eq!(again, page);
    assert!(is_zeroed(again.as_ptr()), "a reused page is zeroed again");
}

#[test]
fn pages_run_out_cleanly() {
    let bump = Bump::<[Page; 3]>::uninit();
    assert_eq!((bump.page_capacity(), bump.pages_left()), (3, 3));
    let mut taken = Vec::new();
    while let Some(page) = bump.take_page() {
        assert!(is_zeroed(page.as_ptr()));
        taken.push(page.addr().get());
        assert_eq!(bump.pages_left(), 3 - taken.len());
    }
    let start = bump.region_start().addr().get();
    assert_eq!(taken, [start, start + 4096, start + 8192]);
    assert_eq!(bump.take_page(), None, "still none after running out");
    assert_eq!(bump.level().bytes(), bump.capacity());
}

#[test]
fn a_byte_allocation_pushes_the_next_page_to_a_boundary() {
    let bump = Bump::<[Page; 2]>::zeroed();
    bump.alloc(Layout::new::<u8>()).expect("room for a byte");
    assert_eq!(bump.pages_left(), 1);
    let page = bump.take_page().expect("the second page");
    assert_eq!(
        page.addr().get() - bump.region_start().addr().get(),
        Page::SIZE
    );
    assert_eq!((bump.pages_left(), bump.take_page()), (0, None));
}
