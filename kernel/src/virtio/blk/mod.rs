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
use crate::virtio::hal::KernelHal;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU64, Ordering};
use virtio_drivers::device::blk::{BlkReq, BlkResp, VirtIOBlk, SECTOR_SIZE};
use virtio_drivers::transport::pci::bus::DeviceFunction;
use virtio_drivers::transport::pci::PciTransport;
use virtio_drivers::Result as VirtioResult;

/// The crate's driver, as this disk runs it.
type Blk = VirtIOBlk<KernelHal, PciTransport>;

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
        self.transfer(
            sector,
            buf,
            &self.bytes_read,
            // SAFETY: `transfer` keeps the header, `buf` and the status borrowed, untouched,
            // until it completes the request (its wait cannot be skipped).
            |device, at, header, buf, status| unsafe {
                device.read_blocks_nb(at, header, buf, status)
            },
            // SAFETY: the buffers of `read_blocks_nb`, which the device has used.
            |device, token, header, buf, status| unsafe {
                device.complete_read_blocks(token, header, buf, status)
            },
        )
    }

    /// Writes `buf` to the disk from `sector` on.
    pub fn write(&self, sector: u64, buf: &[u8]) -> Result<(), DiskError> {
        self.transfer(
            sector,
            &mut &*buf,
            &self.bytes_written,
            // SAFETY: as in `read`.
            |device, at, header, buf, status| unsafe {
                device.write_blocks_nb(at, header, buf, status)
            },
            // SAFETY: as in `read`.
            |device, token, header, buf, status| unsafe {
                device.complete_write_blocks(token, header, buf, status)
            },
        )
    }

    /// One request of `buf`'s sectors from `sector` on: a header and a status from the DMA
    /// pool, `submit` under the device lock, the wait for the used ring, `complete` under the
    /// lock again; the bytes moved are counted into `bytes`. `read` and `write` differ only in
    /// the crate's calls and in which way `buf` goes.
    fn transfer<B: AsRef<[u8]> + ?Sized>(
        &self,
        sector: u64,
        buf: &mut B,
        bytes: &AtomicU64,
        submit: impl FnOnce(&mut Blk, usize, &mut BlkReq, &mut B, &mut BlkResp) -> VirtioResult<u16>,
        complete: impl FnOnce(&mut Blk, u16, &BlkReq, &mut B, &mut BlkResp) -> VirtioResult<()>,
    ) -> Result<(), DiskError> {
        let len = buf.as_ref().len();
        whole_sectors(len)?;
        let mut header = DmaBox::new(&POOL, BlkReq::default())?;
        let mut status = DmaBox::new(&POOL, BlkResp::default())?;
        let failed = |error| DiskError::Device { sector, error };
        let device = &self.shared.device;
        let token = submit(
            &mut device.lock(),
            sector as usize,
            &mut header,
            buf,
            &mut status,
        )
        .map_err(failed)?;
        self.wait(token);
        let done = complete(&mut device.lock(), token, &header, buf, &mut status);
        self.requests.fetch_add(1, Ordering::Relaxed);
        bytes.fetch_add(if done.is_ok() { len as u64 } else { 0 }, Ordering::Relaxed);
        done.map_err(failed)
    }
}

/// Fails unless `len` is a whole, non-zero number of sectors.
fn whole_sectors(len: usize) -> Result<(), DiskError> {
    if len == 0 || !len.is_multiple_of(SECTOR) {
        return Err(DiskError::BadLength(len));
    }
    Ok(())
}
