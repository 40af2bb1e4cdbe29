//! A randomized test of `Bump` against a model of its consumed counter: every `alloc`,
//! `alloc_at`, `dealloc`, `realloc` and `reset` must give the predicted result and level, and
//! every live block must keep its bytes.

mod common {
    pub mod rng;
}

use core::alloc::{GlobalAlloc, Layout};

use common::rng::Rng;
use tagheap::{Bump, Failure, Level};

const CAPACITY: usize = 1024;
#[cfg(not(miri))]
const STEPS: usize = 20_000;
#[cfg(miri)]
const STEPS: usize = 150;

/// A region aligned to 64, the largest alignment asked for, so offsets predict alignment.
#[repr(C, align(64))]
struct Region([u8; CAPACITY]);

/// A block the model expects to be live: offset, layout, and the byte it is filled with.
struct Live {
    offset: usize,
    layout: Layout,
    fill: u8,
}

/// The bump under test next to the model: the level, the live blocks, and levels seen
/// earlier (to try stale ones with `alloc_at`).
struct Harness {
    bump: Bump<Region>,
    level: usize,
    live: Vec<Live>,
    seen: Vec<Level>,
    rng: Rng,
}

/// An outcome both sides can be reduced to: `Ok((address, level))`, or `Err(None)` for
/// exhausted and `Err(Some(level))` for a mismatch observing `level`.
type Outcome = Result<(usize, usize), Option<usize>>;

impl Harness {
    /// Where a block for `layout` goes at `level`, if it fits.
    fn place(level: usize, layout: Layout) -> Option<usize> {
        let start = level.next_multiple_of(layout.align());
        (start + layout.size() <= CAPACITY).then_some(start)
    }

    fn address(&self, offset: usize) -> *mut u8 {
        // SAFETY: the model only asks for offsets inside the region.
        unsafe { self.bump.region_start().add(offset).as_ptr() }
    }

    /// Fills a block just handed out and records it as live, the level moving to its end.
    fn keep(&mut self, offset: usize, layout: Layout) {
        let fill = self.rng.next_u64() as u8;
        // SAFETY: the block at `offset` was just handed out for `layout`.
        unsafe { self.address(offset).write_bytes(fill, layout.size()) };
        self.live.push(Live {
            offset,
            layout,
            fill,
        });
    }

    /// Checks that the first `size` bytes at `offset` still hold `fill`.
    fn check_bytes(&self, offset: usize, size: usize, fill: u8) {
        // SAFETY: a live block of at least `size` bytes that the test filled.
        let bytes = unsafe { core::slice::from_raw_parts(self.address(offset), size) };
        assert!(
            bytes.iter().all(|&byte| byte == fill),
            "block at {offset} changed"
        );
    }

    fn alloc(&mut self, layout: Layout) {
        let got = self.bump.alloc(layout).map(|block| block.addr().get());
        match (layout.size(), Self::place(self.level, layout)) {
            (0, _) => assert_eq!(got, Some(layout.align()), "zero-size: dangling, aligned"),
            (size, Some(start)) => {
                assert_eq!(got, Some(self.address(start).addr()), "alloc({layout:?})");
                self.level = start + size;
                self.keep(start, layout);
            }
            (_, None) => assert_eq!(got, None, "alloc({layout:?}) at {}", self.level),
        }
    }

    fn alloc_at(&mut self, layout: Layout) {
        let asked = self.seen[self.rng.below(self.seen.len())];
        let got: Outcome = match self.bump.alloc_at(layout, asked) {
            Ok(block) => Ok((block.ptr.addr().get(), block.level.bytes())),
            Err(Failure::Exhausted) => Err(None),
            Err(Failure::Mismatch { observed }) => Err(Some(observed.bytes())),
        };
        let at_level = asked.bytes() == self.level;
        let expected: Outcome = match Self::place(asked.bytes(), layout) {
            _ if layout.size() == 0 && at_level => Ok((layout.align(), self.level)),
            Some(_) if layout.size() == 0 || !at_level => Err(Some(self.level)),
            Some(start) => Ok((self.address(start).addr(), start + layout.size())),
            None => Err(None),
        };
        assert_eq!(
            got, expected,
            "alloc_at({layout:?}, {asked:?}) at {}",
            self.level
        );
        match got {
            Ok((address, end)) if layout.size() > 0 => {
                self.level = end;
                self.keep(address - self.address(0).addr(), layout);
            }
            _ => {}
        }
    }

    fn dealloc(&mut self) {
        let live = self.live.swap_remove(self.rng.below(self.live.len()));
        self.check_bytes(live.offset, live.layout.size(), live.fill);
        // SAFETY: the block is live with this layout and freed once.
        unsafe { self.bump.dealloc(self.address(live.offset), live.layout) };
        if live.offset + live.layout.size() == self.level {
            self.level = live.offset;
        }
    }

    fn realloc(&mut self) {
        let old = self.live.swap_remove(self.rng.below(self.live.len()));
        let new_size = 1 + self.rng.below(128);
        let new_layout = Layout::from_size_align(new_size, old.layout.align()).expect("valid");
        let at_top = old.offset + old.layout.size() == self.level;
        let in_place = new_size <= old.layout.size() || at_top && old.offset + new_size <= CAPACITY;
        let expected = if in_place {
            Some(old.offset)
        } else {
            Self::place(self.level, new_layout)
        };
        // SAFETY: the block is live with its layout; the new size makes a valid layout.
        let got = unsafe {
            self.bump
                .realloc(self.address(old.offset), old.layout, new_size)
        };
        let Some(start) = expected else {
            assert!(
                got.is_null(),
                "realloc({:?}, {new_size}) cannot fit",
                old.layout
            );
            self.check_bytes(old.offset, old.layout.size(), old.fill);
            return self.live.push(old);
        };
        assert_eq!(
            got,
            self.address(start),
            "realloc({:?}, {new_size})",
            old.layout
        );
        self.check_bytes(start, old.layout.size().min(new_size), old.fill);
        if at_top || !in_place {
            self.level = start + new_size;
        }
        self.keep(start, new_layout);
    }

    fn step(&mut self) {
        let layout = Layout::from_size_align(self.rng.below(97), 1 << self.rng.below(7));
        let layout = layout.expect("valid layout");
        match self.rng.below(40) {
            0..=11 => self.alloc(layout),
            12..=21 => self.alloc_at(layout),
            22..=29 if !self.live.is_empty() => self.dealloc(),
            30..=38 if !self.live.is_empty() => self.realloc(),
            _ => {
                self.bump.reset();
                (self.level, self.seen) = (0, Vec::new());
                self.live.clear();
            }
        }
        self.seen.push(self.bump.level());
        assert_eq!(
            self.bump.level().bytes(),
            self.level,
            "the level after a step"
        );
        for live in &self.live {
            self.check_bytes(live.offset, live.layout.size(), live.fill);
        }
    }
}

#[test]
fn bump_matches_a_model_of_its_consumed_counter() {
    for seed in 1..=4 {
        let bump = Bump::<Region>::uninit();
        let seen = vec![bump.level()];
        let rng = Rng::new(seed);
        let mut harness = Harness {
            bump,
            level: 0,
            live: Vec::new(),
            seen,
            rng,
        };
        for _ in 0..STEPS {
            harness.step();
        }
    }
}
