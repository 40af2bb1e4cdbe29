//! PCI: configuration space through the I/O ports, enumeration with an `lspci`-style
//! listing, bus mastering, and the BARs drivers map.
//!
//! ```text
//!   root() ─► PciRoot<PortCam> (virtio-drivers' bus type over ports 0xCF8/0xCFC)
//!   devices() ─► enumerate once, on first use (BARs sized before any driver runs)
//!             ─► &[Device { function, info, bars, interrupt pin/line }]
//!   a driver: enable(&mut root, function) ─► memory decode + bus mastering on
//!             bars::map(...) ─► its registers, uncached, in the MMIO window
//! ```

pub mod bars;
pub mod config;
pub mod device;
mod listing;

pub use config::PortCam;
pub use device::{enumerate, Device};

use alloc::vec::Vec;
use spin::Once;
use virtio_drivers::transport::pci::bus::{Command, DeviceFunction, PciRoot};

/// The functions found by the first [`devices`] call.
static DEVICES: Once<Vec<Device>> = Once::new();

/// Every PCI function, enumerated on the first call. Enumerating sizes the BARs (decoding
/// off meanwhile), so it happens once, before a driver gets a device to drive.
pub fn devices() -> &'static [Device] {
    DEVICES.call_once(|| {
        // SAFETY: no driver runs yet (drivers find their devices through this function),
        // and sizing BARs restores them.
        enumerate(&mut unsafe { root() })
    })
}

/// The PCI root complex of the machine.
///
/// # Safety
///
/// This function is unsafe because the root can reprogram any device: the caller must be
/// the one place that configures the devices it touches (see [`PortCam::new`]).
pub unsafe fn root() -> PciRoot<PortCam> {
    // SAFETY: the caller's promise.
    PciRoot::new(unsafe { PortCam::new() })
}

/// Lets `function` decode its memory BARs and master the bus (DMA), with its INTx pin
/// enabled: what a driver does before it talks to the device.
pub fn enable(root: &mut PciRoot<PortCam>, function: DeviceFunction) {
    let (_, command) = root.get_status_command(function);
    let command =
        (command | Command::MEMORY_SPACE | Command::BUS_MASTER) - Command::INTERRUPT_DISABLE;
    root.set_command(function, command);
}

/// Logs every device, one `lspci` entry each.
pub fn log_devices(devices: &[Device]) {
    log::info!("PCI: {} functions", devices.len());
    for device in devices {
        log::info!("{device}");
    }
}
