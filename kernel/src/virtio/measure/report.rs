//! What a round trip measured, and how it reads in the log: rates from the calibrated TSC,
//! per-request ratios with two decimals.

use super::BufferKind;
use core::fmt;

/// What one round trip did.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// The buffer kind.
    pub kind: BufferKind,
    /// Requests made (writes and reads).
    pub requests: u64,
    /// Bytes moved (written plus read).
    pub bytes: u64,
    /// TSC cycles the requests took.
    pub cycles: u64,
    /// TSC cycles per millisecond (0 if not calibrated yet).
    pub tsc_per_ms: u64,
    /// Buffers shared with the device, and how many bounced.
    pub shared: u64,
    /// Of those, bounced through the pool.
    pub bounced: u64,
    /// Interrupts the disk raised (0 when polled).
    pub interrupts: u64,
    /// DMA pool blocks allocated (headers, status bytes, bounces).
    pub pool_allocations: u64,
    /// Heap allocations the disk requests made: the boundary-tag heap's count less the
    /// timer handler's allocations. `None` unless every allocation reaches that heap (the
    /// `debug-heap` feature: no per-CPU magazine serves, so none goes uncounted).
    pub heap_allocations: Option<u64>,
    /// The heap's peak allocated bytes afterwards.
    pub peak_heap_bytes: usize,
    /// The longest stretch with interrupts off, in TSC cycles.
    pub longest_off_cycles: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let requests = self.requests.max(1);
        write!(
            f,
            "{:?} buffers: {} requests, {} KiB in {}; per request {} interrupts, {} pool \
             blocks, {} bounces ({} of {} buffers shared), {}; peak heap {} KiB; longest \
             interrupts-off stretch {}",
            self.kind,
            self.requests,
            self.bytes / 1024,
            Rates(self),
            Ratio(self.interrupts, requests),
            Ratio(self.pool_allocations, requests),
            Ratio(self.bounced, requests),
            self.bounced,
            self.shared,
            HeapAllocations(self.heap_allocations, requests),
            self.peak_heap_bytes / 1024,
            Cycles(self.longest_off_cycles, self.tsc_per_ms)
        )
    }
}

/// The time taken and the rates, in TSC cycles alone before the TSC is calibrated.
struct Rates<'a>(&'a Report);

impl fmt::Display for Rates<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let report = self.0;
        match report.tsc_per_ms {
            0 => write!(f, "{} TSC cycles (not calibrated yet)", report.cycles),
            per_ms => {
                let micros = (report.cycles * 1000 / per_ms).max(1);
                write!(
                    f,
                    "{micros} us: {} KB/s, {} requests/s",
                    report.bytes * 1000 / micros,
                    report.requests * 1_000_000 / micros
                )
            }
        }
    }
}

/// `count / requests` with two decimals.
struct Ratio(u64, u64);

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let Ratio(count, requests) = *self;
        write!(
            f,
            "{}.{:02}",
            count / requests,
            count * 100 / requests % 100
        )
    }
}

/// Heap allocations per request, or why they are not counted.
struct HeapAllocations(Option<u64>, u64);

impl fmt::Display for HeapAllocations {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match *self {
            HeapAllocations(Some(count), requests) => {
                write!(f, "{} heap allocations", Ratio(count, requests))
            }
            HeapAllocations(None, _) => {
                f.write_str("heap allocations not counted (magazines hide them; DEBUG_HEAP=1)")
            }
        }
    }
}

/// A number of TSC cycles, with microseconds once the TSC is calibrated.
struct Cycles(u64, u64);

impl fmt::Display for Cycles {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match *self {
            Cycles(cycles, 0) => write!(f, "{cycles} TSC cycles"),
            Cycles(cycles, per_ms) => {
                write!(f, "{cycles} TSC cycles ({} us)", cycles * 1000 / per_ms)
            }
        }
    }
}
