//! PCI: configuration space through the I/O ports, enumeration with an `lspci`-style
//! listing, bus mastering, and the BARs drivers map.
//!
//! ```text
//!   root() ─► PciRoot<PortCam> (virtio-drivers' bus type over ports 0xCF8/0xCFC)
//!   enumerate(&mut root) ─► [Device { function, info, bars, interrupt pin/line }]
//!   a driver: enable(&mut root, function) ─► memory decode + bus mastering on
//!             bars::map(...) ─► its registers, uncached, in the MMIO window
//! ```

pub mod bars;
pub mod config;
pub mod device;
mod listing;

pub use config::PortCam;
pub use device::{enumerate, Device};

use virtio_drivers::transport::pci::bus::{Command, DeviceFunction, PciRoot};

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
