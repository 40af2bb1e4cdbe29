//! The heap window: where the heap may grow, and how far it has.
//!
//! ```text
//!   HEAP_WINDOW_START              COMMITTED_END                  window_end()
//!   0xffff_a000_0000_0000                │                 0xffff_a000_4000_0000
//!   |<-- committed arena: pages mapped -->|<-- reserved: a touch is a bug -->|
//!   |    on first touch                   |                                  |
//!   |<-- INITIAL_ARENA at boot            |<---------- grows by `extend` --->|
//! ```
//!
//! The committed end is the one fact the page-fault handler needs from the
//! heap, and it must read it without the heap lock (the faulting code may be
//! holding that lock). So it lives here as an atomic: the `OutOfMemory` hook raises it
//! before `extend` touches the new memory, `trim` lowers it after `truncate`
//! and before unmapping.

use core::sync::atomic::{AtomicU64, Ordering};
use x86_64::structures::paging::{OffsetPageTable, PageTableIndex};

/// Lowest address of the heap window.
pub const HEAP_WINDOW_START: u64 = 0xffff_a000_0000_0000;
/// Most the heap may ever span.
pub const HEAP_WINDOW_SIZE: usize = 1 << 30;
/// The arena the heap starts with.
pub const INITIAL_ARENA: usize = 64 * 1024;

const _: () = assert!(
    HEAP_WINDOW_START.is_multiple_of(1 << 39),
    "the window starts a level-4 entry"
);
const _: () = assert!(
    HEAP_WINDOW_SIZE <= 1 << 39,
    "the window fits in one level-4 entry"
);

/// End of the committed arena: the page-fault handler maps pages below it.
static COMMITTED_END: AtomicU64 = AtomicU64::new(HEAP_WINDOW_START);

/// One past the window's last byte.
pub const fn window_end() -> u64 {
    HEAP_WINDOW_START + HEAP_WINDOW_SIZE as u64
}

/// End of the committed arena.
pub fn committed_end() -> u64 {
    COMMITTED_END.load(Ordering::Acquire)
}

/// Bytes of the window committed to the heap.
pub fn committed_bytes() -> u64 {
    committed_end() - HEAP_WINDOW_START
}

/// Moves the committed end.
///
/// Panics if `end` is outside the window: the hook and `trim` compute it from
/// spans that must lie inside.
pub(super) fn set_committed_end(end: u64) {
    assert!(
        (HEAP_WINDOW_START..=window_end()).contains(&end),
        "committed end {end:#x} outside the heap window {HEAP_WINDOW_START:#x}..{:#x}",
        window_end()
    );
    COMMITTED_END.store(end, Ordering::Release);
}

/// Panics unless the window's level-4 entry is unused, which the bootloader's
/// dynamic range (`boot_info::DYNAMIC_RANGE_END`) is meant to guarantee.
pub fn assert_unused(mapper: &OffsetPageTable) {
    let index = PageTableIndex::new(((HEAP_WINDOW_START >> 39) & 0x1ff) as u16);
    let entry = &mapper.level_4_table()[index];
    assert!(
        entry.is_unused(),
        "the heap window's level-4 entry {} is already in use ({entry:?})",
        u16::from(index)
    );
}
