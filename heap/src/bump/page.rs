//! `Page`, a 4 KiB page frame, and taking zeroed frames from a `Bump<[Page; N]>`: the kernel
//! keeps one such `static` to back its page tables.
//!
//! ```text
//!  Bump<[Page; N]>:  region_start() is 4096-aligned
//!  +--------+--------+--------+--------+-----+--------+
//!  | page 0 | page 1 | page 2 | free   | ... | free   |   pages_left() = N - 3
//!  +--------+--------+--------+--------+-----+--------+
//!  ^ taken, zeroed on the way out       ^ consumed (rounded up to a page)
//! ```
//!
//! Byte allocations may share the region; a page then starts at the next page boundary.

use core::alloc::Layout;
use core::ptr::NonNull;

use super::Bump;

/// One page-sized (4096 bytes), page-aligned frame of memory.
#[repr(C, align(4096))]
pub struct Page([u8; Page::SIZE]);

impl Page {
    /// The size and alignment of a page in bytes.
    pub const SIZE: usize = 4096;
}

impl<const N: usize> Bump<[Page; N]> {
    /// Takes the next free page and fills it with zeros; `None` once no whole page is left.
    ///
    /// The page is never given back (short of [`Bump::reset`]); the caller owns it.
    pub fn take_page(&self) -> Option<NonNull<Page>> {
        let page = self.alloc(Layout::new::<Page>())?.cast::<Page>();
        // SAFETY: `alloc` handed out `page` for `Layout::new::<Page>()`: valid for writes of
        // one `Page`, aligned, and owned by this call alone.
        unsafe { page.write_bytes(0, 1) };
        Some(page)
    }

    /// How many more pages [`Bump::take_page`] can hand out if nothing else is allocated.
    pub fn pages_left(&self) -> usize {
        let first_free_page = self.level().bytes().next_multiple_of(Page::SIZE);
        (self.capacity() - first_free_page) / Page::SIZE
    }

    /// How many pages the region holds in all: `N`.
    pub const fn page_capacity(&self) -> usize {
        N
    }
}
