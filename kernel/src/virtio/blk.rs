//! The virtio-blk driver: `virtio-drivers`' `VirtIOBlk` over the PCI transport, with request
//! headers and status bytes from the DMA pool and data buffers wherever the caller has them
//! (a heap `Vec`, a `DmaBuf`, the stack).
//!
//! ```text
//!   read(sector, buf) ─► header, status: DmaBox from POOL (one 16-byte and one 1-byte block)
//!                     ─► lock: read_blocks_nb ─► share(header, buf, status) ─► 3 descriptors,
//!                        notify the device                                    (unlock)
//!                     ─► wait until the used ring holds the token
//!                     ─► lock: complete_read_blocks ─► unshare (copy a bounce back) ─► status
//! ```
//!
//! One request at a time per caller; several callers may have requests in flight (the queue
//! holds five three-descriptor chains).

use super::hal::KernelHal;
use crate::memory::dma_box::DmaBox;
use crate::memory::dma_pool::{PoolError, POOL};
use crate::pci::{self, bars, bars::BarError, Device, PortCam};
use crate::sync::IrqMutex;
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};
use virtio_drivers::device::blk::{BlkReq, BlkResp, VirtIOBlk, SECTOR_SIZE};
use virtio_drivers::transport::pci::bus::{DeviceFunction, PciRoot};
use virtio_drivers::transport::pci::{virtio_device_type, PciTransport, VirtioPciError};
use virtio_drivers::transport::DeviceType;

/// Bytes in a sector.
pub const SECTOR: usize = SECTOR_SIZE;

/// Why no disk could be driven.
#[derive(Debug)]
pub enum ProbeError {
    /// No virtio-blk function on the bus.
    NoDevice,
    /// Its registers' BAR could not be mapped.
    Bar(BarError),
    /// The PCI transport found no usable virtio 1.x capabilities.
    Transport(VirtioPciError),
    /// Feature negotiation or queue set-up failed.
    Device(virtio_drivers::Error),
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NoDevice => f.write_str("no virtio-blk device on the PCI bus"),
            Self::Bar(error) => write!(f, "cannot map the virtio-blk registers: {error}"),
            Self::Transport(error) => write!(f, "virtio-blk transport: {error}"),
            Self::Device(error) => write!(f, "virtio-blk set-up: {error}"),
        }
    }
}

/// Why a read or write failed; the disk is usable afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskError {
    /// The buffer is empty or not a whole number of sectors.
    BadLength(usize),
    /// The DMA pool has no block for the request header or status.
    Pool(PoolError),
    /// The device or the queue refused or failed the request.
    Device {
        /// The first sector of the request.
        sector: u64,
        /// What `virtio-drivers` reported (`IoError` for a failed sector).
        error: virtio_drivers::Error,
    },
}

impl fmt::Display for DiskError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::BadLength(len) => {
                write!(
                    f,
                    "a {len}-byte buffer is not a whole number of {SECTOR}-byte sectors"
                )
            }
            Self::Pool(error) => write!(f, "no room for the request: {error}"),
            Self::Device { sector, error } => {
                write!(f, "the disk failed the request at sector {sector}: {error}")
            }
        }
    }
}

impl From<PoolError> for DiskError {
    fn from(error: PoolError) -> Self {
        Self::Pool(error)
    }
}

/// Requests, sectors and bytes the disk served.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DiskStats {
    /// Requests completed (successfully or not).
    pub requests: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes written.
    pub bytes_written: u64,
}

/// A virtio-blk disk.
pub struct Disk {
    device: IrqMutex<VirtIOBlk<KernelHal, PciTransport>>,
    function: DeviceFunction,
    capacity: u64,
    requests: AtomicU64,
    bytes_read: AtomicU64,
    bytes_written: AtomicU64,
}

/// Finds the first virtio-blk function among `devices`, maps its BARs, enables it and sets
/// the device up.
pub fn probe(root: &mut PciRoot<PortCam>, devices: &[Device]) -> Result<Disk, ProbeError> {
    let device = devices
        .iter()
        .find(|device| virtio_device_type(&device.info) == Some(DeviceType::Block))
        .ok_or(ProbeError::NoDevice)?;
    for bar in device.bars.iter().flatten() {
        if bar.memory_address_size().is_some() {
            bars::map(bar).map_err(ProbeError::Bar)?;
        }
    }
    pci::enable(root, device.function);
    let transport =
        PciTransport::new::<KernelHal, _>(root, device.function).map_err(ProbeError::Transport)?;
    let blk = VirtIOBlk::new(transport).map_err(ProbeError::Device)?;
    Ok(Disk {
        capacity: blk.capacity(),
        device: IrqMutex::new(blk),
        function: device.function,
        requests: AtomicU64::new(0),
        bytes_read: AtomicU64::new(0),
        bytes_written: AtomicU64::new(0),
    })
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
        }
    }

    /// Reads `buf.len() / SECTOR` sectors from `sector` on into `buf`.
    pub fn read(&self, sector: u64, buf: &mut [u8]) -> Result<(), DiskError> {
        whole_sectors(buf.len())?;
        let mut header = DmaBox::new(&POOL, BlkReq::default())?;
        let mut status = DmaBox::new(&POOL, BlkResp::default())?;
        let failed = |error| DiskError::Device { sector, error };
        // SAFETY: header, buf and status stay borrowed, untouched, until the request is
        // completed below (the wait cannot be skipped).
        let token = unsafe {
            self.device
                .lock()
                .read_blocks_nb(sector as usize, &mut header, buf, &mut status)
        }
        .map_err(failed)?;
        self.wait(token);
        // SAFETY: the same buffers as for `read_blocks_nb`, and the device has used them.
        let done = unsafe {
            self.device
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
        // SAFETY: as in `read`.
        let token = unsafe {
            self.device
                .lock()
                .write_blocks_nb(sector as usize, &mut header, buf, &mut status)
        }
        .map_err(failed)?;
        self.wait(token);
        // SAFETY: as in `read`.
        let done = unsafe {
            self.device
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

    /// Waits until the device has used the request `token`.
    fn wait(&self, token: u16) {
        while self.device.lock().peek_used() != Some(token) {
            core::hint::spin_loop();
        }
    }
}

/// Fails unless `len` is a whole, non-zero number of sectors.
fn whole_sectors(len: usize) -> Result<(), DiskError> {
    if len == 0 || !len.is_multiple_of(SECTOR) {
        return Err(DiskError::BadLength(len));
    }
    Ok(())
}
