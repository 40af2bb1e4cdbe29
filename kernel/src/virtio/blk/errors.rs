//! What can go wrong using the disk ([`DiskError`]; finding it: `virtio::probe`). Every
//! error leaves the kernel running and the disk usable.

use super::SECTOR;
use crate::memory::dma_pool::PoolError;
use core::fmt;

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
