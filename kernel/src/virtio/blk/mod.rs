//! The virtio-blk driver: `virtio-drivers`' `VirtIOBlk` over the PCI transport, with request
//! headers and status bytes from the DMA pool and data buffers wherever the caller has them
//! (a heap `Vec`, a `DmaBuf`, the stack).
//!
//! ```text
//!   read(sector, buf) ─► header, status: DmaBox from POOL (one 16-byte and one 1-byte block)
//!                     ─► lock: read_blocks_nb ─► share(header, buf, status) ─► 3 descriptors,
//!                        notify the device                                    (unlock)
//!                     ─► wait until the used ring holds the token, asleep in `hlt`:
//!                        the device raises INTx (level-triggered, maybe shared), the
//!                        handler acknowledges it (reading the ISR lowers the line)
//!                     ─► lock: complete_read_blocks ─► unshare (copy a bounce back) ─► status
//! ```
//!
//! One request at a time per caller; several callers may have requests in flight (the queue
//! holds five three-descriptor chains).

mod completion;
mod errors;
mod probe;

pub use errors::DiskError;
pub use probe::{probe, probe_nth};

use completion::Shared;

use crate::irq::Registration;
use crate::memory::dma_box::DmaBox;
use crate::memory::dma_pool::POOL;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use virtio_drivers::device::blk::{BlkReq, BlkResp, SECTOR_SIZE};
use virtio_drivers::transport::pci::bus::DeviceFunction;

/// Bytes in a sector.
pub const SECTOR: usize = SECTOR_SIZE;

/// Requests, sectors and bytes the disk served.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DiskStats {
    /// Requests completed (successfully or not).
    pub requests: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes written.
    pub bytes_written: u64,
    /// Interrupts the device raised (0 when it is polled).
    pub interrupts: u64,
}

/// A virtio-blk disk.
pub struct Disk {
    /// The interrupt handler, if the line could be registered (dropped first: it waits for
    /// a handler running on another CPU before the device goes).
    registration: Option<Registration>,
    shared: Arc<Shared>,
    function: DeviceFunction,
    capacity: u64,
    requests: AtomicU64,
    bytes_read: AtomicU64,
    bytes_written: AtomicU64,
}

impl Disk {
    /// Sectors on the disk.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Where the disk sits on the bus.
    pub fn function(&self) -> DeviceFunction {
        self.function
    }

    /// What the disk served so far.
    pub fn stats(&self) -> DiskStats {
        DiskStats {
            requests: self.requests.load(Ordering::Relaxed),
            bytes_read: self.bytes_read.load(Ordering::Relaxed),
            bytes_written: self.bytes_written.load(Ordering::Relaxed),
            interrupts: self.shared.interrupts.load(Ordering::Relaxed),
        }
    }

    /// Reads `buf.len() / SECTOR` sectors from `sector` on into `buf`.
    pub fn read(&self, sector: u64, buf: &mut [u8]) -> Result<(), DiskError> {
        whole_sectors(buf.len())?;
        let mut header = DmaBox::new(&POOL, BlkReq::default())?;
        let mut status = DmaBox::new(&POOL, BlkResp::default())?;
        let failed = |error| DiskError::Device { sector, error };
        let device = &self.shared.device;
        // SAFETY: header, buf and status stay borrowed, untouched, until the request is
        // completed below (the wait cannot be skipped).
        let token = unsafe {
            device
                .lock()
                .read_blocks_nb(sector as usize, &mut header, buf, &mut status)
        }
        .map_err(failed)?;
        self.wait(token);
        // SAFETY: the same buffers as for `read_blocks_nb`, and the device has used them.
        let done = unsafe {
            device
                .lock()
                .complete_read_blocks(token, &header, buf, &mut status)
        };
        self.count(&self.bytes_read, done.is_ok().then_some(buf.len()));
        done.map_err(failed)
    }

    /// Writes `buf` to the disk from `sector` on.
    pub fn write(&self, sector: u64, buf: &[u8]) -> Result<(), DiskError> {
        whole_sectors(buf.len())?;
        let mut header = DmaBox::new(&POOL, BlkReq::default())?;
        let mut status = DmaBox::new(&POOL, BlkResp::default())?;
        let failed = |error| DiskError::Device { sector, error };
        let device = &self.shared.device;
        // SAFETY: as in `read`.
        let token = unsafe {
            device
                .lock()
                .write_blocks_nb(sector as usize, &mut header, buf, &mut status)
        }
        .map_err(failed)?;
        self.wait(token);
        // SAFETY: as in `read`.
        let done = unsafe {
            device
                .lock()
                .complete_write_blocks(token, &header, buf, &mut status)
        };
        self.count(&self.bytes_written, done.is_ok().then_some(buf.len()));
        done.map_err(failed)
    }

    fn count(&self, bytes: &AtomicU64, moved: Option<usize>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        bytes.fetch_add(moved.unwrap_or(0) as u64, Ordering::Relaxed);
    }
}

/// Fails unless `len` is a whole, non-zero number of sectors.
fn whole_sectors(len: usize) -> Result<(), DiskError> {
    if len == 0 || !len.is_multiple_of(SECTOR) {
        return Err(DiskError::BadLength(len));
    }
    Ok(())
}
