//! Giving `Bump` blocks back through `GlobalAlloc`: `dealloc` gives the last block's bytes
//! back (and leaks any other), `realloc` resizes the last block in place, shrinks any block in
//! place, and otherwise moves it (leaking the old one). The model predicts the level.
//!
//! ```text
//!   |== A ==|== B ==|....|   dealloc(B): level = start of B    dealloc(A): leaked
//! ```

use crate::bump_ops::{Bumps, Held};
use crate::input::Size;
use crate::pattern::{fill, first_difference};
use std::alloc::{GlobalAlloc, Layout};

impl Bumps {
    pub(crate) fn dealloc(&mut self, pick: u16) {
        let Some(held) = self.take(pick) else { return };
        // SAFETY: a block of this bump with its layout, given up by the model.
        unsafe { self.bytes.dealloc(self.pointer(held.offset), held.layout) };
        if held.offset + held.layout.size() == self.level {
            self.level = held.offset;
        }
    }

    pub(crate) fn realloc(&mut self, pick: u16, size: Size) {
        let Some(held) = self.take(pick) else { return };
        let new_size = size.bytes();
        if new_size == 0 {
            return self.held.push(held);
        }
        let new_layout = Layout::from_size_align(new_size, held.layout.align()).ok();
        // SAFETY: a block of this bump with its layout; a non-zero new size.
        let moved = unsafe {
            self.bytes
                .realloc(self.pointer(held.offset), held.layout, new_size)
        };
        let old_end = held.offset + held.layout.size();
        let expected = match new_layout {
            None => None,
            Some(_) if new_size <= held.layout.size() => {
                if self.level == old_end {
                    self.level = held.offset + new_size;
                }
                Some(held.offset)
            }
            Some(_) if self.level == old_end && held.offset + new_size <= self.bytes.capacity() => {
                self.level = held.offset + new_size;
                Some(held.offset)
            }
            Some(layout) => self.place(layout, self.level).map(|(start, end)| {
                self.level = end;
                start
            }),
        };
        assert_eq!(
            moved,
            expected.map_or(core::ptr::null_mut(), |start| self.pointer(start)),
            "realloc"
        );
        let kept = held.layout.size().min(new_size);
        // SAFETY: the block (moved or not) holds at least `kept` bytes of the old pattern.
        match expected {
            Some(offset) => unsafe {
                assert_eq!(
                    first_difference(self.pointer(offset), kept, held.tag),
                    None,
                    "realloc lost bytes"
                );
                fill(self.pointer(offset), kept, new_size, held.tag);
                self.held.push(Held {
                    offset,
                    layout: new_layout.unwrap(),
                    tag: held.tag,
                });
            },
            None => self.held.push(held),
        }
    }
}
