//! The memory the fuzzed heap may use: one page-aligned block, filled with a background
//! pattern wherever no arena lies. Memory the heap never had, was refused or released must
//! keep that pattern; `verify_untouched` checks it after every step.
//!
//! ```text
//!   room  [ background | arena | background | arena ........ | background ]
//! ```

use crate::pattern::pattern_byte;
use std::alloc::{alloc, dealloc, Layout};
use std::sync::OnceLock;
use tagheap::Span;

/// The room's size: room for many arenas, and for arenas that grow.
pub const ROOM: usize = 1 << 17;
/// The tag of the background pattern.
const BACKGROUND: u64 = 0xBAC6_9000_0000_0000;

/// The background pattern of the whole room, computed once.
fn background() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        (0..ROOM)
            .map(|offset| pattern_byte(BACKGROUND, offset))
            .collect()
    })
}

/// A page-aligned block of host memory, freed on drop.
pub struct Room {
    base: *mut u8,
}

impl Room {
    /// A room filled with the background pattern.
    pub fn new() -> Self {
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc(Self::layout()) };
        assert!(!base.is_null(), "no memory for the fuzz room");
        let room = Room { base };
        room.restore(room.span());
        room
    }

    fn layout() -> Layout {
        Layout::from_size_align(ROOM, 4096).unwrap()
    }

    /// The whole room, with the provenance of all of it.
    pub fn span(&self) -> Span {
        Span::from_base_size(self.base, ROOM)
    }

    /// Writes the background pattern over `span` (a part of the room no arena covers now).
    pub fn restore(&self, span: Span) {
        let offsets = self.offsets(span);
        // SAFETY: the bytes lie in the room; the background is another allocation.
        unsafe {
            self.base
                .add(offsets.start)
                .copy_from_nonoverlapping(background()[offsets.clone()].as_ptr(), offsets.len());
        }
    }

    /// Panics unless every byte of the room outside `arenas` holds the background pattern.
    pub fn verify_untouched(&self, arenas: &[Span]) {
        let mut sorted: Vec<Span> = arenas.to_vec();
        sorted.sort_by_key(|arena| arena.base().addr());
        let mut from = self.base;
        for arena in &sorted {
            self.verify_gap(Span::new(from, arena.base()));
            from = from.max(arena.acme());
        }
        self.verify_gap(Span::new(from, self.span().acme()));
    }

    fn verify_gap(&self, gap: Span) {
        let offsets = self.offsets(gap.fit_within(self.span()));
        // SAFETY: the bytes lie in the room, which is initialized.
        let bytes =
            unsafe { core::slice::from_raw_parts(self.base.add(offsets.start), offsets.len()) };
        let expected = &background()[offsets.clone()];
        if bytes != expected {
            let at = bytes
                .iter()
                .zip(expected)
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "the heap wrote to {:p}, outside every arena",
                self.base.wrapping_add(offsets.start + at)
            );
        }
    }

    /// The offsets of `span`'s bytes from the room's base (`span` lies in the room).
    fn offsets(&self, span: Span) -> core::ops::Range<usize> {
        let start = span.base().addr().saturating_sub(self.base.addr());
        start..start + span.size()
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base, Self::layout()) }
    }
}
