//! Enumerating the PCI buses: every function with its identity, BARs and interrupt pin and
//! line (printed the way `lspci` does by `listing`).
//!
//! ```text
//!   bus 0 ─► device 0..31 ─► function 0..7: vendor 0xffff? absent
//!              │ standard header: size the 6 BARs (decode off while sizing)
//!              │ PCI-to-PCI bridge: scan its secondary bus too
//!              │ interrupt pin and line: register 0x3c
//!   ─► [Device], in bus/device/function order
//! ```

use super::config::{self, PortCam};
use alloc::vec::Vec;
use virtio_drivers::transport::pci::bus::{
    BarInfo, DeviceFunction, DeviceFunctionInfo, HeaderType, PciRoot,
};

/// The register holding the interrupt line (byte 0) and pin (byte 1).
const INTERRUPT_REGISTER: u8 = 0x3c;
/// The register of a bridge holding its primary, secondary and subordinate bus numbers.
const BRIDGE_BUSES_REGISTER: u8 = 0x18;

/// One PCI function.
#[derive(Debug, Clone)]
pub struct Device {
    /// Bus, device and function number.
    pub function: DeviceFunction,
    /// Vendor, device, class, revision and header type.
    pub info: DeviceFunctionInfo,
    /// The BARs (memory or I/O, address and size); none for bridges.
    pub bars: [Option<BarInfo>; 6],
    /// The interrupt pin: 0 none, 1-4 INTA#-INTD#.
    pub interrupt_pin: u8,
    /// The interrupt line the firmware routed the pin to (255: not routed).
    pub interrupt_line: u8,
}

/// Every function on every bus reachable from bus 0, in bus order.
pub fn enumerate(root: &mut PciRoot<PortCam>) -> Vec<Device> {
    let mut devices = Vec::new();
    let mut buses = Vec::from([0u8]);
    while let Some(bus) = buses.pop() {
        let found: Vec<_> = root.enumerate_bus(bus).collect();
        for (function, info) in found {
            if info.header_type == HeaderType::PciPciBridge {
                let secondary = (config::read(function, BRIDGE_BUSES_REGISTER) >> 8) as u8;
                if secondary > bus {
                    buses.push(secondary);
                }
            }
            let bars = match info.header_type {
                // A bad BAR type is reported as no BARs rather than stopping the scan.
                HeaderType::Standard => root.bars(function).unwrap_or_default(),
                _ => Default::default(),
            };
            let interrupt = config::read(function, INTERRUPT_REGISTER);
            devices.push(Device {
                function,
                info,
                bars,
                interrupt_pin: (interrupt >> 8) as u8,
                interrupt_line: interrupt as u8,
            });
        }
    }
    devices.sort_by_key(|device| device.function);
    devices
}
