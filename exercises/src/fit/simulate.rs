//! The simulated heap and the replay of a trace on it.

use super::{block_size, Hole, Policy};
use crate::trace::Op;
use crate::NotDone;
use std::collections::HashMap;
use std::fmt;

/// What a replay measured, at the moment the top was highest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// The highest top: the memory the heap needed.
    pub peak_top: u64,
    /// The most requested bytes live at once.
    pub peak_live: u64,
    /// When the top was highest: requested bytes live,
    pub live_at_peak: u64,
    /// header and rounding bytes of the live blocks (internal fragmentation),
    pub internal_at_peak: u64,
    /// and bytes in holes (external fragmentation).
    pub external_at_peak: u64,
    /// Holes looked at by the policy, all allocations together (`holes.len()` per call).
    pub holes_offered: u64,
    /// Allocations made.
    pub allocations: u64,
}

impl Report {
    /// Peak live requested bytes over the peak top.
    pub fn efficiency(&self) -> f64 {
        self.peak_live as f64 / self.peak_top.max(1) as f64
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let share = |bytes: u64| 100.0 * bytes as f64 / self.peak_top.max(1) as f64;
        write!(
            f,
            "efficiency {:.1} %; at the peak: live {:.1} %, internal {:.1} %, external {:.1} %",
            100.0 * self.efficiency(),
            share(self.live_at_peak),
            share(self.internal_at_peak),
            share(self.external_at_peak)
        )
    }
}

/// Why a replay stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// The policy is a stub.
    NotDone(NotDone),
    /// The policy chose a hole that does not exist or is too small.
    BadChoice {
        size: u64,
        index: usize,
        holes: usize,
        hole_size: u64,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotDone(not_done) => write!(f, "{not_done}"),
            Self::BadChoice { size, index, holes, hole_size } => write!(
                f,
                "the policy chose hole {index} of {holes} ({hole_size} bytes) for a block of {size} bytes"
            ),
        }
    }
}

impl From<NotDone> for ReplayError {
    fn from(not_done: NotDone) -> Self {
        Self::NotDone(not_done)
    }
}

/// A heap of holes below a top.
#[derive(Debug, Default)]
pub struct Simulator {
    holes: Vec<Hole>,
    top: u64,
    /// Live blocks: id → (start, block size, requested size).
    blocks: HashMap<u32, (u64, u64, u64)>,
    live: u64,
    internal: u64,
    clock: u64,
    report: Option<Report>,
    peak_live: u64,
    holes_offered: u64,
    allocations: u64,
}

impl Simulator {
    /// The holes, in address order.
    pub fn holes(&self) -> &[Hole] {
        &self.holes
    }

    /// Allocates block `id` of `request` bytes where `policy` says.
    pub fn allocate(
        &mut self,
        policy: &mut dyn Policy,
        id: u32,
        request: u64,
    ) -> Result<u64, ReplayError> {
        let size = block_size(request);
        self.holes_offered += self.holes.len() as u64;
        self.allocations += 1;
        let start = match policy.choose(&self.holes, size)? {
            Some(index) => {
                let hole = *self
                    .holes
                    .get(index)
                    .filter(|hole| hole.size >= size)
                    .ok_or(ReplayError::BadChoice {
                        size,
                        index,
                        holes: self.holes.len(),
                        hole_size: self.holes.get(index).map_or(0, |hole| hole.size),
                    })?;
                if hole.size == size {
                    self.holes.remove(index);
                } else {
                    self.holes[index].start += size;
                    self.holes[index].size -= size;
                }
                hole.start
            }
            None => {
                let start = match self.holes.last() {
                    Some(last) if last.end() == self.top => {
                        let start = last.start;
                        self.holes.pop();
                        start
                    }
                    _ => self.top,
                };
                self.top = self.top.max(start + size);
                start
            }
        };
        policy.placed(start, size);
        self.blocks.insert(id, (start, size, request));
        self.live += request;
        self.internal += size - request;
        self.peak_live = self.peak_live.max(self.live);
        if self.report.is_none_or(|report| self.top > report.peak_top) {
            self.report = Some(self.snapshot());
        }
        Ok(start)
    }

    /// Frees block `id`; its memory becomes a hole, merged with its neighbours.
    ///
    /// Panics if `id` is not live (a broken trace).
    pub fn free(&mut self, id: u32) {
        let (start, size, request) = self
            .blocks
            .remove(&id)
            .expect("the trace frees a live block");
        self.live -= request;
        self.internal -= size - request;
        self.clock += 1;
        let index = self.holes.partition_point(|hole| hole.start < start);
        let mut hole = Hole {
            start,
            size,
            freed: self.clock,
        };
        let mut remove_from = index;
        if index > 0 && self.holes[index - 1].end() == start {
            remove_from = index - 1;
            hole.start = self.holes[index - 1].start;
            hole.size += self.holes[index - 1].size;
        }
        let mut remove_to = index;
        if let Some(above) = self
            .holes
            .get(index)
            .filter(|above| above.start == start + size)
        {
            hole.size += above.size;
            remove_to = index + 1;
        }
        if hole.end() == self.top {
            self.holes.drain(remove_from..remove_to);
            self.top = hole.start;
        } else {
            self.holes.splice(remove_from..remove_to, [hole]);
        }
    }

    fn snapshot(&self) -> Report {
        Report {
            peak_top: self.top,
            peak_live: self.peak_live,
            live_at_peak: self.live,
            internal_at_peak: self.internal,
            external_at_peak: self.holes.iter().map(|hole| hole.size).sum(),
            holes_offered: self.holes_offered,
            allocations: self.allocations,
        }
    }

    /// The report so far.
    pub fn report(&self) -> Report {
        let mut report = self.report.unwrap_or_else(|| self.snapshot());
        report.peak_live = self.peak_live;
        report.holes_offered = self.holes_offered;
        report.allocations = self.allocations;
        report
    }
}

/// Replays `ops` with `policy` on a fresh simulator.
pub fn replay(policy: &mut dyn Policy, ops: &[Op]) -> Result<Report, ReplayError> {
    let mut heap = Simulator::default();
    for op in ops {
        match *op {
            Op::Allocate { id, size } => {
                heap.allocate(policy, id, size)?;
            }
            Op::Free { id } => heap.free(id),
            Op::Realloc { id, size } => {
                const MOVING: u32 = u32::MAX;
                heap.allocate(policy, MOVING, size)?;
                heap.free(id);
                let block = heap.blocks.remove(&MOVING).expect("just allocated");
                heap.blocks.insert(id, block);
            }
        }
    }
    Ok(heap.report())
}
