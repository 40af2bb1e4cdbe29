//! The memory BARs drivers have mapped: each mapped once, whole, uncached, and found again
//! by physical address (the `virtio-drivers` Hal asks for a register block by address).
//!
//! ```text
//!   map(BAR4 at 0xfebf0000, 16 KiB) ─► mmio::map ─► MAPPED[i] = 0xfebf0000.. ─► 0xffff_a080_..
//!   virt(0xfebf3000, 4 KiB)         ─► the mapping that covers it, plus the offset
//! ```

use crate::memory::mmio::{self, Mmio, MmioError};
use crate::sync::{level, IrqMutex};
use core::fmt;
use core::ptr::NonNull;
use virtio_drivers::transport::pci::bus::BarInfo;

/// Memory BARs the kernel can keep mapped.
const MAX_MAPPINGS: usize = 16;

/// The mapped BARs: each stays mapped while the kernel runs (drivers come and go, the
/// registers stay where the Hal found them).
static MAPPED: IrqMutex<level::PciBars, [Option<Mmio>; MAX_MAPPINGS]> =
    IrqMutex::new([const { None }; MAX_MAPPINGS]);

/// Why a BAR cannot be mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarError {
    /// It is an I/O-port BAR: ports are not mapped.
    NotMemory,
    /// The firmware left it at address 0.
    Unassigned,
    /// Every mapping slot is taken.
    TooMany,
    /// The MMIO window could not map it.
    Map(MmioError),
}

impl fmt::Display for BarError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NotMemory => f.write_str("an I/O-port BAR has nothing to map"),
            Self::Unassigned => f.write_str("the BAR has no address (the firmware left it at 0)"),
            Self::TooMany => write!(f, "all {MAX_MAPPINGS} BAR mappings are in use"),
            Self::Map(error) => write!(f, "{error}"),
        }
    }
}

/// Maps the memory BAR `bar` (once; mapping it again returns the same address).
pub fn map(bar: &BarInfo) -> Result<NonNull<u8>, BarError> {
    let (physical, size) = bar.memory_address_size().ok_or(BarError::NotMemory)?;
    if physical == 0 {
        return Err(BarError::Unassigned);
    }
    if let Some(virt) = virt(physical, size) {
        return Ok(virt);
    }
    let mut mapped = MAPPED.lock();
    let slot = mapped
        .iter_mut()
        .find(|slot| slot.is_none())
        .ok_or(BarError::TooMany)?;
    // SAFETY: a memory BAR the firmware assigned is device memory nothing else maps.
    let mapping = unsafe { mmio::map(physical, size) }.map_err(BarError::Map)?;
    let virt = mapping.as_ptr();
    *slot = Some(mapping);
    Ok(virt)
}

/// Where `size` bytes of device memory at `physical` are mapped, if a mapped BAR holds them.
pub fn virt(physical: u64, size: u64) -> Option<NonNull<u8>> {
    MAPPED.lock().iter().flatten().find_map(|mapping| {
        let offset = physical.checked_sub(mapping.physical())?;
        (offset + size <= mapping.len() as u64)
            // SAFETY: the offset lies within the mapped BAR.
            .then(|| unsafe { mapping.as_ptr().add(offset as usize) })
    })
}
