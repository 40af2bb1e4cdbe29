//! A disk round trip that measures itself: writes a pattern over a run of sectors, reads
//! it back, checks it, and reports throughput and what the memory system did per request.
//!
//! ```text
//!   buffer: a heap Vec (may bounce)  or  a DmaBuf from the pool (never bounces)
//!   write sectors s..s+n in chunks ─► read them back ─► compare with the pattern
//!   Report: KB/s, requests/s, pool blocks and bounces per request, heap allocations per
//!           request (counted with `debug-heap`, where no magazine hides one), peak heap
//!           bytes, longest interrupts-off stretch (TSC cycles)
//! ```

use super::blk::{Disk, DiskError, SECTOR};
use super::share;
use crate::allocator::HEAP;
use crate::memory::dma_box::DmaBuf;
use crate::memory::dma_pool::POOL;
use crate::sync::irq_off;
use crate::timer;
use alloc::vec;
use core::fmt;
use core::ops::DerefMut;

/// Where a round trip keeps its data buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferKind {
    /// A `Vec<u8>` from the kernel heap.
    Heap,
    /// A `DmaBuf` from the DMA pool.
    Pool,
}

/// Why a round trip failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundTripError {
    /// A request failed.
    Disk(DiskError),
    /// A sector read back differs from what was written.
    Mismatch {
        /// The sector.
        sector: u64,
    },
    /// The chunk is not a whole number of sectors, or the run does not fit the disk.
    BadRange,
}

impl fmt::Display for RoundTripError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Disk(error) => write!(f, "{error}"),
            Self::Mismatch { sector } => write!(f, "sector {sector} read back differs"),
            Self::BadRange => f.write_str("the sectors do not fit the disk in whole chunks"),
        }
    }
}

impl From<DiskError> for RoundTripError {
    fn from(error: DiskError) -> Self {
        Self::Disk(error)
    }
}

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

/// Writes a pattern over `sectors` sectors from `first` in chunks of `chunk` bytes through
/// a `kind` buffer, reads them back and checks them.
pub fn round_trip(
    disk: &Disk,
    first: u64,
    sectors: u64,
    chunk: usize,
    kind: BufferKind,
) -> Result<Report, RoundTripError> {
    let per_chunk = (chunk / SECTOR) as u64;
    if per_chunk == 0 || !chunk.is_multiple_of(SECTOR) || first + sectors > disk.capacity() {
        return Err(RoundTripError::BadRange);
    }
    let mut heap_buffer;
    let mut pool_buffer;
    let buffer: &mut [u8] = match kind {
        BufferKind::Heap => {
            heap_buffer = vec![0u8; chunk];
            &mut heap_buffer
        }
        BufferKind::Pool => {
            pool_buffer = DmaBuf::zeroed(&POOL, chunk).map_err(DiskError::Pool)?;
            pool_buffer.deref_mut()
        }
    };
    let (shared, bounced) = share::counts();
    let pool_before = POOL.counters().total_allocations;
    let heap_before = HEAP.heap().lock().counters().total_allocations;
    let timer_before = timer::allocations();
    irq_off::reset_longest_off();
    let started = timer::tsc();
    let mut requests = 0;
    for pass in [Pass::Write, Pass::Read] {
        for start in (first..first + sectors).step_by(per_chunk as usize) {
            let count = per_chunk.min(first + sectors - start);
            let bytes = &mut buffer[..count as usize * SECTOR];
            match pass {
                Pass::Write => {
                    fill(bytes, start);
                    disk.write(start, bytes)?;
                }
                Pass::Read => {
                    bytes.fill(0);
                    disk.read(start, bytes)?;
                    check(bytes, start)?;
                }
            }
            requests += 1;
        }
    }
    let cycles = timer::tsc() - started;
    let (shared_after, bounced_after) = share::counts();
    let heap = HEAP.heap().lock().counters();
    Ok(Report {
        kind,
        requests,
        bytes: 2 * sectors * SECTOR as u64,
        cycles,
        tsc_per_ms: timer::tsc_per_ms().unwrap_or(0),
        shared: shared_after - shared,
        bounced: bounced_after - bounced,
        pool_allocations: POOL.counters().total_allocations - pool_before,
        heap_allocations: cfg!(feature = "debug-heap").then(|| {
            (heap.total_allocations - heap_before)
                .saturating_sub(timer::allocations() - timer_before)
        }),
        peak_heap_bytes: heap.peak_allocated_bytes,
        longest_off_cycles: irq_off::longest_off_cycles(),
    })
}

#[derive(Clone, Copy)]
enum Pass {
    Write,
    Read,
}

/// The pattern byte `offset` of sector `sector` holds.
fn pattern(sector: u64, offset: usize) -> u8 {
    (sector as u8).wrapping_mul(31) ^ (offset as u8) ^ (sector >> 8) as u8 ^ 0xa5
}

fn fill(bytes: &mut [u8], first: u64) {
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = pattern(first + (index / SECTOR) as u64, index % SECTOR);
    }
}

fn check(bytes: &[u8], first: u64) -> Result<(), RoundTripError> {
    for (index, sector) in bytes.chunks(SECTOR).enumerate() {
        let at = first + index as u64;
        if sector.iter().enumerate().any(|(i, &b)| b != pattern(at, i)) {
            return Err(RoundTripError::Mismatch { sector: at });
        }
    }
    Ok(())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let requests = self.requests.max(1);
        write!(
            f,
            "{:?} buffers: {} requests, {} KiB in {}; per request {} pool blocks, {} bounces \
             ({} of {} buffers shared), {} heap allocations; peak heap {} KiB; longest \
             interrupts-off stretch {} TSC cycles",
            self.kind,
            self.requests,
            self.bytes / 1024,
            Rates(self),
            Ratio(self.pool_allocations, requests),
            Ratio(self.bounced, requests),
            self.bounced,
            self.shared,
            HeapAllocations(self.heap_allocations, requests),
            self.peak_heap_bytes / 1024,
            self.longest_off_cycles
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
                write!(
                    f,
                    "{}.{:02}",
                    count / requests,
                    count * 100 / requests % 100
                )
            }
            HeapAllocations(None, _) => f.write_str("uncounted (magazines; DEBUG_HEAP=1 counts)"),
        }
    }
}
