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

mod pattern;
mod report;

pub use report::Report;

use super::blk::{Disk, DiskError, SECTOR};
use super::share;
use crate::allocator::HEAP;
use crate::arch::irq_off;
use crate::memory::dma_buf::DmaBuf;
use crate::memory::dma_pool::POOL;
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
    let interrupts_before = disk.stats().interrupts;
    let pool_before = POOL.counters().total_allocations;
    let heap_before = HEAP.heap().lock().counters().total_allocations;
    let timer_before = timer::allocations();
    irq_off::reset_longest_off();
    let started = crate::arch::tsc();
    let mut requests = 0;
    for pass in [Pass::Write, Pass::Read] {
        for start in (first..first + sectors).step_by(per_chunk as usize) {
            let count = per_chunk.min(first + sectors - start);
            let bytes = &mut buffer[..count as usize * SECTOR];
            match pass {
                Pass::Write => {
                    pattern::fill(bytes, start);
                    disk.write(start, bytes)?;
                }
                Pass::Read => {
                    bytes.fill(0);
                    disk.read(start, bytes)?;
                    pattern::check(bytes, start)?;
                }
            }
            requests += 1;
        }
    }
    let cycles = crate::arch::tsc() - started;
    let (shared_after, bounced_after) = share::counts();
    let heap = HEAP.heap().lock().counters();
    Ok(Report {
        kind,
        requests,
        bytes: 2 * sectors * SECTOR as u64,
        cycles,
        tsc_per_ms: timer::tsc_per_ms().unwrap_or(0),
        interrupts: disk.stats().interrupts - interrupts_before,
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
