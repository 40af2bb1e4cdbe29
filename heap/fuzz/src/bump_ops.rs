//! `Bump` against a model of its level: `alloc`, `alloc_at` (at the current or an earlier
//! level), `leak`, `reset`, and `take_page` on a page bump; `GlobalAlloc`'s `dealloc` and
//! `realloc` are `bump_free.rs`. Every block keeps its own pattern; the level is predicted
//! exactly.
//!
//! ```text
//!   region  |== A ==|pad|== B ==|.....free.....|      level = end of the last block
//!   dealloc(B) gives B back; dealloc(A) leaks; realloc(B) grows or shrinks in place
//! ```

use crate::input::{Align, BumpOp, LevelChoice, Size};
use crate::pattern::{fill, first_difference};
use std::alloc::Layout;
use tagheap::{Bump, Failure, Level, Page};

/// The byte bump's region: 4 KiB, word-aligned.
pub(crate) type Region = [u64; 512];

/// A block the model holds: offset in the region, layout, pattern tag.
pub(crate) struct Held {
    pub(crate) offset: usize,
    pub(crate) layout: Layout,
    pub(crate) tag: u64,
}

/// The bumps and their model.
pub struct Bumps {
    pub(crate) bytes: Bump<Region>,
    pub(crate) pages: Bump<[Page; 3]>,
    pub(crate) level: usize,
    pub(crate) seen: Vec<Level>,
    pub(crate) held: Vec<Held>,
    pub(crate) next_tag: u64,
}

impl Bumps {
    pub fn new() -> Self {
        Bumps {
            bytes: Bump::new([0; 512]),
            pages: Bump::zeroed(),
            level: 0,
            seen: Vec::new(),
            held: Vec::new(),
            next_tag: 0,
        }
    }

    pub fn run(&mut self, op: BumpOp) {
        self.seen.push(self.bytes.level());
        match op {
            BumpOp::Alloc { size, align } => self.alloc(size, align),
            BumpOp::AllocAt { size, align, level } => self.alloc_at(size, align, level),
            BumpOp::Dealloc { pick } => self.dealloc(pick),
            BumpOp::Realloc { pick, size } => self.realloc(pick, size),
            BumpOp::Leak(value) => {
                let expected = self.place(Layout::new::<u64>(), self.level);
                let leaked = self.bytes.leak(value).map(|slot| {
                    assert_eq!(*slot, value);
                    core::ptr::from_mut(slot).cast::<u8>()
                });
                assert_eq!(
                    leaked.ok(),
                    expected.map(|(start, _)| self.pointer(start)),
                    "leak"
                );
                if let Some((start, end)) = expected {
                    self.level = end;
                    self.hold(start, Layout::new::<u64>());
                }
            }
            BumpOp::LeakAt { value, level } => self.leak_at(value, level),
            BumpOp::Reset => {
                self.bytes.reset();
                (self.level, self.held) = (0, Vec::new());
            }
            BumpOp::TakePage => {
                let left = self.pages.pages_left();
                let page = self.pages.take_page();
                assert_eq!(page.is_some(), left > 0, "take_page with {left} pages left");
                assert!(left <= self.pages.page_capacity());
                if let Some(page) = page {
                    assert_eq!(page.addr().get() % Page::SIZE, 0);
                    // SAFETY: the page was just handed out, zeroed.
                    let bytes = unsafe {
                        core::slice::from_raw_parts(page.cast::<u8>().as_ptr(), Page::SIZE)
                    };
                    assert!(bytes.iter().all(|&byte| byte == 0));
                    assert_eq!(self.pages.pages_left(), left - 1);
                }
            }
        }
        self.verify();
    }

    fn alloc(&mut self, size: Size, align: Align) {
        let Some(layout) = layout(size.bytes(), align) else {
            return;
        };
        let ptr = self.bytes.alloc(layout);
        if layout.size() == 0 {
            assert_eq!(
                ptr.map(|ptr| ptr.addr().get()),
                Some(layout.align()),
                "dangling, aligned"
            );
            return;
        }
        let expected = self.place(layout, self.level);
        assert_eq!(
            ptr.map(|ptr| ptr.as_ptr()),
            expected.map(|(start, _)| self.pointer(start)),
            "alloc {layout:?}"
        );
        if let Some((start, end)) = expected {
            self.level = end;
            self.hold(start, layout);
        }
    }

    /// The level `choice` names: the current one, or one observed earlier.
    fn chosen(&self, choice: LevelChoice) -> Level {
        match choice {
            LevelChoice::Current => self.bytes.level(),
            LevelChoice::Earlier(back) => {
                self.seen[self.seen.len() - 1 - usize::from(back) % self.seen.len()]
            }
        }
    }

    /// `leak_at`: succeeds exactly when `alloc_at` would; a refusal hands the value back.
    fn leak_at(&mut self, value: u64, choice: LevelChoice) {
        let level = self.chosen(choice);
        let layout = Layout::new::<u64>();
        let placed = self
            .place(layout, level.bytes())
            .filter(|_| level.bytes() == self.level);
        match self.bytes.leak_at(value, level) {
            Ok((slot, after)) => {
                assert_eq!(*slot, value);
                let (start, end) = placed.expect("leak_at at a stale or full level");
                let at = core::ptr::from_mut(slot).cast::<u8>();
                assert_eq!((at, after.bytes()), (self.pointer(start), end));
                self.level = end;
                self.hold(start, layout);
            }
            Err(error) => {
                assert!(placed.is_none(), "leak_at refused: {error}");
                assert!(!format!("{error} {error:?} {}", error.failure()).is_empty());
                assert_eq!(error.into_value(), value, "the value comes back");
            }
        }
    }

    fn alloc_at(&mut self, size: Size, align: Align, choice: LevelChoice) {
        let Some(layout) = layout(size.bytes(), align) else {
            return;
        };
        let level = self.chosen(choice);
        let placed = self.place(layout, level.bytes());
        let result = self.bytes.alloc_at(layout, level);
        let now = self.bytes.level();
        match result {
            Ok(allocation) => {
                assert_eq!(
                    level.bytes(),
                    self.level,
                    "alloc_at succeeded at a stale level"
                );
                if layout.size() == 0 {
                    assert_eq!(allocation.level, level);
                    return;
                }
                let (start, end) = placed.expect("alloc_at placed a block that does not fit");
                assert_eq!(
                    (allocation.ptr.as_ptr(), allocation.level.bytes()),
                    (self.pointer(start), end)
                );
                self.level = end;
                self.hold(start, layout);
            }
            Err(Failure::Exhausted) => assert!(
                layout.size() > 0 && placed.is_none(),
                "Exhausted although it fits"
            ),
            Err(Failure::Mismatch { observed }) => {
                assert_eq!(observed, now);
                assert_ne!(level.bytes(), self.level, "Mismatch at the current level");
            }
        }
    }

    /// Takes a random held block out of the model.
    pub(crate) fn take(&mut self, pick: u16) -> Option<Held> {
        let index = usize::from(pick) % self.held.len().max(1);
        (index < self.held.len()).then(|| self.held.swap_remove(index))
    }

    /// Where a block for `layout` would go at `level`, as offsets, if it fits.
    pub(crate) fn place(&self, layout: Layout, level: usize) -> Option<(usize, usize)> {
        let base = self.bytes.region_start().addr().get();
        let start =
            base.checked_add(level)?.checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let end = (start - base).checked_add(layout.size())?;
        (end <= self.bytes.capacity()).then_some((start - base, end))
    }

    /// Records a block the bump handed out at `offset` and fills it.
    fn hold(&mut self, offset: usize, layout: Layout) {
        self.next_tag += 1;
        // SAFETY: the block lies in the region and belongs to the model.
        unsafe { fill(self.pointer(offset), 0, layout.size(), self.next_tag) };
        self.held.push(Held {
            offset,
            layout,
            tag: self.next_tag,
        });
    }

    pub(crate) fn pointer(&self, offset: usize) -> *mut u8 {
        self.bytes.region_start().as_ptr().wrapping_add(offset)
    }

    /// The level as predicted, and every held block intact, in the region and disjoint.
    fn verify(&self) {
        assert_eq!(self.bytes.level().bytes(), self.level, "the bump's level");
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for held in &self.held {
            let end = held.offset + held.layout.size();
            assert!(end <= self.level, "a held block lies above the level");
            // SAFETY: a held block of the region.
            let lost = unsafe {
                first_difference(self.pointer(held.offset), held.layout.size(), held.tag)
            };
            assert_eq!(lost, None, "bump block at {} lost its bytes", held.offset);
            spans.push((held.offset, end));
        }
        spans.sort_unstable();
        assert!(
            spans.windows(2).all(|pair| pair[0].1 <= pair[1].0),
            "bump blocks overlap"
        );
    }
}

fn layout(size: usize, align: Align) -> Option<Layout> {
    Layout::from_size_align(size, align.bytes()).ok()
}
