//! The memory BARs drivers have mapped: each mapped once, whole, uncached, and found again
//! by physical address (the `virtio-drivers` Hal asks for a register block by address).
//!
//! ```text
//!   map(BAR4 at 0xfebf0000, 16 KiB) ─► mmio::map ─► MAPPED[i] = 0xfebf0000.. ─► 0xffff_a080_..
//!   virt(0xfebf3000, 4 KiB)         ─► the mapping that covers it, plus the offset
//! ```

use crate::memory::mmio;
use crate::sync::IrqMutex;
use core::fmt;
use core::ptr::NonNull;
use virtio_drivers::transport::pci::bus::BarInfo;

/// Memory BARs the kernel can keep mapped.
const MAX_MAPPINGS: usize = 16;

/// One mapped BAR.
#[derive(Debug, Clone, Copy)]
struct Mapping {
    physical: u64,
    size: u64,
    virt: NonNull<u8>,
}

// SAFETY: a mapping is an address in the kernel's MMIO window, valid on every CPU.
unsafe impl Send for Mapping {}

static MAPPED: IrqMutex<[Option<Mapping>; MAX_MAPPINGS]> = IrqMutex::new([None; MAX_MAPPINGS]);

/// Why a BAR cannot be mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarError {
    /// It is an I/O-port BAR: ports are not mapped.
    NotMemory,
    /// The firmware left it at address 0.
    Unassigned,
    /// Every mapping slot is taken.
    TooMany,
}

impl fmt::Display for BarError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NotMemory => f.write_str("an I/O-port BAR has nothing to map"),
            Self::Unassigned => f.write_str("the BAR has no address (the firmware left it at 0)"),
            Self::TooMany => write!(f, "all {MAX_MAPPINGS} BAR mappings are in use"),
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
    let virt = unsafe { mmio::map(physical, size) };
    let virt = NonNull::new(virt).expect("the MMIO window is not at address 0");
    *slot = Some(Mapping {
        physical,
        size,
        virt,
    });
    Ok(virt)
}

/// Where `size` bytes of device memory at `physical` are mapped, if a mapped BAR holds them.
pub fn virt(physical: u64, size: u64) -> Option<NonNull<u8>> {
    MAPPED.lock().iter().flatten().find_map(|mapping| {
        let offset = physical.checked_sub(mapping.physical)?;
        (offset + size <= mapping.size)
            // SAFETY: the offset lies within the mapped BAR.
            .then(|| unsafe { mapping.virt.add(offset as usize) })
    })
}
