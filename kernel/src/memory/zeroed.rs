//! Zeroing a fresh heap block without touching pages that are not mapped.
//!
//! A committed heap page that is not mapped reads as zeros the moment it is
//! touched: the page-fault handler maps a zeroed frame. So `alloc_zeroed`
//! only has to write zeros where memory is mapped already (reused chunks);
//! zeroing the rest would fault every page in early and write it twice.
//!
//! ```text
//!   block    [ head | page | page | page | page | tail ]
//!   zeroed     yes    mapped? only the mapped ones   yes
//! ```

use super::MEMORY;
use super::PAGE_SIZE;
use x86_64::structures::paging::mapper::Translate;
use x86_64::VirtAddr;

/// Below this size a block is simply zeroed: looking pages up costs more.
const LOOK_UP_FROM: usize = 4 * PAGE_SIZE as usize;

/// Makes the `size` bytes at `ptr` read as zeros.
///
/// # Safety
///
/// This function is unsafe because `ptr` must be a block of at least `size`
/// bytes that the caller owns, inside the committed heap arena.
pub unsafe fn zero_block(ptr: *mut u8, size: usize) {
    if size < LOOK_UP_FROM {
        // SAFETY: the caller owns `size` bytes at `ptr`.
        unsafe { ptr.write_bytes(0, size) };
        return;
    }
    let page = PAGE_SIZE as usize;
    let first_page = ptr.addr().next_multiple_of(page);
    let end = ptr.addr() + size;
    let last_page = end - end % page;
    // SAFETY: the head lies inside the caller's block.
    unsafe { ptr.write_bytes(0, first_page - ptr.addr()) };
    // SAFETY: so does the tail.
    unsafe { ptr.with_addr(last_page).write_bytes(0, end - last_page) };
    for group in (first_page..last_page).step_by(page * 64) {
        let pages = ((last_page - group) / page).min(64);
        let mapped = mapped_pages(group, pages);
        for index in (0..pages).filter(|index| mapped & (1 << index) != 0) {
            // SAFETY: the page lies wholly inside the caller's block.
            unsafe { ptr.with_addr(group + index * page).write_bytes(0, page) };
        }
    }
}

/// Which of the `pages` (at most 64) pages from `start` are mapped, as bits;
/// an unmapped one faults in zeroed. One hold of the memory lock for all.
pub fn mapped_pages(start: usize, pages: usize) -> u64 {
    let memory = MEMORY.lock();
    let memory = memory.as_ref().expect("alloc_zeroed before memory::init");
    (0..pages)
        .filter(|index| {
            let address = VirtAddr::new((start + index * PAGE_SIZE as usize) as u64);
            memory.mapper.translate_addr(address).is_some()
        })
        .fold(0, |mask, index| mask | 1 << index)
}
