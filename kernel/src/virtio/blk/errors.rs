//! What can go wrong with the disk: finding it ([`ProbeError`]) and using it ([`DiskError`]).
//! Every error leaves the kernel running and the disk (if found) usable.

use super::SECTOR;
use crate::memory::dma_pool::PoolError;
use crate::pci::bars::BarError;
use core::fmt;
use virtio_drivers::transport::pci::VirtioPciError;

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
