//! A [`Report`] of what the heap and the card did between two moments: frames, heap calls
//! per frame, the magazines' hit rate, pool blocks per frame, peak heap, drops, and the
//! longest interrupts-off stretch.
//!
//! ```text
//!   Moment::now(nic) ─► … frames … ─► Report::since(&moment, nic) ─► Display: one line
//! ```

use super::stats::NicStats;
use super::Nic;
use crate::allocator::{self, HEAP};
use crate::arch::irq_off;
use crate::memory::dma_pool::POOL;
use crate::timer;
use core::fmt;

/// The counters a [`Report`] starts from.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    nic: NicStats,
    calls: allocator::Calls,
    heap_allocations: u64,
    pool_allocations: u64,
    timer_allocations: u64,
}

impl Moment {
    /// The counters now; also restarts the longest-interrupts-off measurement.
    pub fn now(nic: &Nic) -> Self {
        irq_off::reset_longest_off();
        Self::read(nic)
    }

    fn read(nic: &Nic) -> Self {
        // Each lock is let go before the next is taken (the heap's ranks above the pool's).
        let heap_allocations = HEAP.heap().lock().counters().total_allocations;
        let pool_allocations = POOL.counters().total_allocations;
        Self {
            nic: nic.stats(),
            calls: allocator::calls(),
            heap_allocations,
            pool_allocations,
            timer_allocations: timer::allocations(),
        }
    }
}

/// What the heap and the card did between a [`Moment`] and now.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// Frames received plus frames sent.
    pub frames: u64,
    /// The card's counters over the span.
    pub nic: NicStats,
    /// Global allocator calls (less the timer handler's allocations).
    pub allocations: u64,
    /// Global allocator frees (less the timer handler's).
    pub frees: u64,
    /// Every global allocator call, the timer handler's included.
    pub all_allocations: u64,
    /// Of those, the calls that reached the boundary-tag heap (no magazine served them).
    pub heap_allocations: u64,
    /// DMA pool blocks allocated (receive refills, transmit frames).
    pub pool_allocations: u64,
    /// The heap's peak allocated bytes.
    pub peak_heap_bytes: usize,
    /// The longest stretch with interrupts off, in TSC cycles.
    pub longest_off_cycles: u64,
}

impl Report {
    /// The figures from `start` until now.
    pub fn since(start: &Moment, nic: &Nic) -> Self {
        let now = Moment::read(nic);
        let timer = now.timer_allocations - start.timer_allocations;
        let s = &start.nic;
        let n = &now.nic;
        let nic = NicStats {
            received: n.received - s.received,
            transmitted: n.transmitted - s.transmitted,
            refill_failures: n.refill_failures - s.refill_failures,
            transmit_drops: n.transmit_drops - s.transmit_drops,
            receive_errors: n.receive_errors - s.receive_errors,
            interrupts: n.interrupts - s.interrupts,
        };
        let peak_heap_bytes = HEAP.heap().lock().counters().peak_allocated_bytes;
        Self {
            frames: nic.received + nic.transmitted,
            nic,
            allocations: (now.calls.allocations - start.calls.allocations).saturating_sub(timer),
            frees: (now.calls.frees - start.calls.frees).saturating_sub(timer),
            all_allocations: now.calls.allocations - start.calls.allocations,
            heap_allocations: now.heap_allocations - start.heap_allocations,
            pool_allocations: now.pool_allocations - start.pool_allocations,
            peak_heap_bytes,
            longest_off_cycles: irq_off::longest_off_cycles(),
        }
    }

    /// Per mille of all allocations (the timer handler's too: a magazine serves both
    /// alike) that a per-CPU magazine served; `None` without counted calls.
    pub fn hit_per_mille(&self) -> Option<u64> {
        let served = self.all_allocations.saturating_sub(self.heap_allocations);
        (self.all_allocations > 0).then(|| served * 1000 / self.all_allocations)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let frames = self.frames.max(1);
        let per_frame = |count: u64| Hundredths(count * 100 / frames);
        let n = &self.nic;
        write!(
            f,
            "{} frames ({} received, {} sent); {} heap allocations and {} frees, per frame {} \
             and {}; per frame {} pool blocks, {} interrupts; ",
            self.frames,
            n.received,
            n.transmitted,
            self.allocations,
            self.frees,
            per_frame(self.allocations),
            per_frame(self.frees),
            per_frame(self.pool_allocations),
            per_frame(n.interrupts),
        )?;
        match self.hit_per_mille() {
            Some(hits) => write!(
                f,
                "per-CPU cache hit rate {}.{}% ({} of {} allocations, the timer's included, \
                 reached the heap); ",
                hits / 10,
                hits % 10,
                self.heap_allocations,
                self.all_allocations
            )?,
            None => f.write_str("per-CPU cache hit rate not counted; ")?,
        }
        let per_ms = timer::tsc_per_ms().unwrap_or(0).max(1);
        write!(
            f,
            "peak heap {} KiB; drops: {} refill, {} transmit, {} receive errors; longest \
             interrupts-off stretch {} us",
            self.peak_heap_bytes / 1024,
            n.refill_failures,
            n.transmit_drops,
            n.receive_errors,
            self.longest_off_cycles * 1000 / per_ms
        )
    }
}

/// A count in hundredths, printed with two decimals.
struct Hundredths(u64);

impl fmt::Display for Hundredths {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}
