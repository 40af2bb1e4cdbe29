//! Replaying a trace on a lab allocator: every block checked, then timed.
//!
//! ```text
//!   checked replay   each block: below the break, 16-aligned, overlapping no live block
//!                    (an ordered map of live ranges), its first and last 8 bytes stamped
//!                    with its id and checked before free and realloc (realloc must keep
//!                    the first min(old, new) bytes: the first stamp)
//!                    ─▶ peak live requested bytes, highest break: utilization
//!   timed replay     the same operations unchecked, on a fresh arena as large as the
//!                    checked replay's highest break, its pages touched ─▶ ops per second
//! ```

use super::{Arena, Malloc, ALIGN};
use crate::trace::Op;
use core::ptr::NonNull;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::{Duration, Instant};

/// The arena every replay gets: enough for any committed trace and a wasteful allocator.
pub const ARENA: usize = 256 << 20;
/// The traces the lab is graded on.
pub const TRACES: &[&str] = &["gcc", "git", "nginx", "perl"];
/// The least share of our heap's utilization that counts as frugal.
pub const FRUGAL: f64 = 0.9;
/// The least share of our heap's operations per second that counts as fast.
pub const FAST: f64 = 0.4;

/// What a checked replay measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// The most requested bytes live at once.
    pub peak_live: usize,
    /// The arena's highest break: the memory the allocator needed.
    pub high_water: usize,
}

impl Measured {
    /// Peak live requested bytes over the highest break.
    pub fn utilization(&self) -> f64 {
        self.peak_live as f64 / self.high_water.max(1) as f64
    }
}

/// The first rule an allocator broke, at operation `op` of the trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The operation's index in the trace.
    pub op: usize,
    /// What went wrong.
    pub what: String,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "at operation {}: {}", self.op, self.what)
    }
}

/// The stamp of block `id`.
fn stamp_of(id: u32) -> u64 {
    u64::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1
}

/// Writes block `id`'s stamp into its first 8 bytes (all of them if fewer) and, from 16
/// bytes up, its last 8.
fn stamp(block: NonNull<u8>, size: usize, id: u32) {
    let bytes = stamp_of(id).to_le_bytes();
    let head = size.min(8);
    // SAFETY: the block holds `size` bytes, checked to lie in the arena.
    unsafe {
        let first = block.as_ptr();
        first.copy_from_nonoverlapping(bytes.as_ptr(), head);
        if size >= 16 {
            first
                .add(size - 8)
                .copy_from_nonoverlapping(bytes.as_ptr(), 8);
        }
    }
}

/// Whether block `id`'s first stamp, and its last one if `tail`, are intact.
fn stamped(block: NonNull<u8>, size: usize, id: u32, tail: bool) -> bool {
    let bytes = stamp_of(id).to_le_bytes();
    let head = size.min(8);
    // SAFETY: as in `stamp`.
    let read =
        |at: usize, len: usize| unsafe { core::slice::from_raw_parts(block.as_ptr().add(at), len) };
    read(0, head) == &bytes[..head] && (!tail || size < 16 || read(size - 8, 8) == bytes)
}

/// The live blocks of a checked replay: by id, and by address for the overlap test.
#[derive(Default)]
struct Live {
    blocks: HashMap<u32, (NonNull<u8>, usize)>,
    ranges: BTreeMap<usize, usize>,
    bytes: usize,
    peak: usize,
}

impl Live {
    /// Checks a new block and takes it in; `Err` says which rule it breaks.
    fn insert(
        &mut self,
        arena: &mut Arena,
        id: u32,
        block: NonNull<u8>,
        size: usize,
    ) -> Result<(), String> {
        let start = block.as_ptr().addr();
        if !start.is_multiple_of(ALIGN) {
            return Err(format!(
                "block {start:#x} of {size} bytes is not {ALIGN}-aligned"
            ));
        }
        if !arena.holds(block, size) {
            return Err(format!(
                "block {start:#x} of {size} bytes is not below the arena's break"
            ));
        }
        let below = self.ranges.range(..=start).next_back();
        let above = self.ranges.range(start..).next();
        for (&other, &end) in below.into_iter().chain(above) {
            if other < start + size && start < end {
                return Err(format!(
                    "block {start:#x} of {size} bytes overlaps the live block {other:#x}..{end:#x}"
                ));
            }
        }
        self.ranges.insert(start, start + size);
        self.blocks.insert(id, (block, size));
        self.bytes += size;
        self.peak = self.peak.max(self.bytes);
        stamp(block, size, id);
        Ok(())
    }

    /// Takes block `id` out after checking its stamps (the last one only if `tail`).
    fn remove(&mut self, id: u32, tail: bool) -> Result<(NonNull<u8>, usize), String> {
        let (block, size) = self
            .blocks
            .remove(&id)
            .ok_or("the trace frees a block it never allocated")?;
        if !stamped(block, size, id, tail) {
            return Err(format!(
                "block {:#x} of {size} bytes was overwritten while live",
                block.as_ptr().addr()
            ));
        }
        self.ranges.remove(&block.as_ptr().addr());
        self.bytes -= size;
        Ok((block, size))
    }
}

/// Replays `ops` on `malloc` over a fresh arena, checking every block; what it measured.
pub fn checked(malloc: &mut dyn Malloc, ops: &[Op]) -> Result<Measured, Broken> {
    let mut arena = Arena::new(ARENA);
    let mut live = Live::default();
    for (at, op) in ops.iter().enumerate() {
        let broken = |what: String| Broken { op: at, what };
        match *op {
            Op::Allocate { id, size } => {
                let size = size.max(1) as usize;
                let block = malloc.allocate(&mut arena, size).ok_or_else(|| {
                    broken(format!(
                        "allocate({size}) failed with {} of {} arena bytes handed out",
                        arena.brk(),
                        arena.capacity()
                    ))
                })?;
                live.insert(&mut arena, id, block, size).map_err(broken)?;
            }
            Op::Free { id } => {
                let (block, size) = live.remove(id, true).map_err(broken)?;
                // SAFETY: a live block of this allocator, requested with `size` bytes.
                unsafe { malloc.free(&mut arena, block, size) };
            }
            Op::Realloc { id, size } => {
                let new_size = size.max(1) as usize;
                let (block, old_size) = live.remove(id, true).map_err(broken)?;
                // SAFETY: as for free; the old block is not used after a success.
                let moved = unsafe { malloc.realloc(&mut arena, block, old_size, new_size) }
                    .ok_or_else(|| broken(format!("realloc to {new_size} bytes failed")))?;
                if !stamped(moved, old_size.min(new_size), id, false) {
                    return Err(broken(format!(
                        "realloc from {old_size} to {new_size} bytes lost the block's contents"
                    )));
                }
                live.insert(&mut arena, id, moved, new_size)
                    .map_err(broken)?;
            }
        }
    }
    Ok(Measured {
        peak_live: live.peak,
        high_water: arena.brk(),
    })
}

/// Replays `ops` on `malloc` without checking, after a checked replay of the same
/// allocator passed and `measured` what it needs: how long it took, on a fresh arena of
/// that size with its pages touched beforehand.
pub fn timed(malloc: &mut dyn Malloc, ops: &[Op], measured: Measured) -> Duration {
    let mut arena = Arena::touched(measured.high_water);
    let mut blocks: HashMap<u32, (NonNull<u8>, usize)> = HashMap::with_capacity(ops.len());
    let started = Instant::now();
    for op in ops {
        match *op {
            Op::Allocate { id, size } => {
                let size = size.max(1) as usize;
                let block = malloc
                    .allocate(&mut arena, size)
                    .expect("passed the checked replay");
                blocks.insert(id, (block, size));
            }
            Op::Free { id } => {
                let (block, size) = blocks.remove(&id).expect("a live block");
                // SAFETY: a live block of this allocator, requested with `size` bytes.
                unsafe { malloc.free(&mut arena, block, size) };
            }
            Op::Realloc { id, size } => {
                let new_size = size.max(1) as usize;
                let (block, old_size) = blocks.remove(&id).expect("a live block");
                // SAFETY: as for free.
                let moved = unsafe { malloc.realloc(&mut arena, block, old_size, new_size) }
                    .expect("passed the checked replay");
                blocks.insert(id, (moved, new_size));
            }
        }
    }
    started.elapsed()
}
