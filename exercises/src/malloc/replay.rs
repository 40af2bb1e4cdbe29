//! Replaying a trace on a lab allocator: every block checked, then timed.
//!
//! ```text
//!   checked replay   every block verified (verify.rs): in the arena, aligned, no overlap,
//!                    stamps intact ─▶ peak live requested bytes, highest break: utilization
//!   timed replay     the same operations unchecked, on a fresh arena as large as the
//!                    checked replay's highest break, its pages touched ─▶ ops per second
//! ```

use super::verify::{stamped, Live};
use super::{Arena, Malloc};
use crate::trace::Op;
use core::ptr::NonNull;
use std::collections::HashMap;
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
        peak_live: live.peak(),
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
