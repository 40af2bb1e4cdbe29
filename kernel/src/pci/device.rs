//! Enumerating the PCI buses: every function with its identity, BARs and interrupt pin and
//! line, printed the way `lspci` does.
//!
//! ```text
//!   bus 0 ─► device 0..31 ─► function 0..7: vendor 0xffff? absent
//!              │ standard header: size the 6 BARs (decode off while sizing)
//!              │ PCI-to-PCI bridge: scan its secondary bus too
//!   00:04.0 1af4:1042 mass storage controller (01.00.00) rev 01, INTA# line 11
//!           BAR4 64-bit prefetchable memory at 0xfebf0000 (16 KiB)
//! ```

use super::config::{self, PortCam};
use alloc::vec::Vec;
use core::fmt;
use virtio_drivers::transport::pci::bus::{
    BarInfo, DeviceFunction, DeviceFunctionInfo, HeaderType, MemoryBarType, PciRoot,
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

/// What a class code means, for the listing.
fn class_name(class: u8, subclass: u8) -> &'static str {
    match (class, subclass) {
        (0x01, 0x00) => "SCSI storage controller",
        (0x01, 0x01) => "IDE interface",
        (0x01, 0x06) => "SATA controller",
        (0x01, _) => "mass storage controller",
        (0x02, 0x00) => "Ethernet controller",
        (0x02, _) => "network controller",
        (0x03, 0x00) => "VGA compatible controller",
        (0x03, _) => "display controller",
        (0x06, 0x00) => "host bridge",
        (0x06, 0x01) => "ISA bridge",
        (0x06, 0x04) => "PCI bridge",
        (0x06, _) => "bridge",
        (0x0c, 0x03) => "USB controller",
        (0xff, _) => "unassigned class",
        _ => "device",
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let info = &self.info;
        write!(
            f,
            "{} {:04x}:{:04x} {} ({:02x}.{:02x}.{:02x}) rev {:02x}",
            self.function,
            info.vendor_id,
            info.device_id,
            class_name(info.class, info.subclass),
            info.class,
            info.subclass,
            info.prog_if,
            info.revision
        )?;
        match self.interrupt_pin {
            0 => f.write_str(", no interrupt pin")?,
            pin @ 1..=4 => write!(
                f,
                ", INT{}# line {}",
                char::from(b'A' + pin - 1),
                self.interrupt_line
            )?,
            pin => write!(f, ", bad interrupt pin {pin}")?,
        }
        for (index, bar) in self.bars.iter().enumerate() {
            if let Some(bar) = bar {
                write!(f, "\n        BAR{index} {}", Bar(bar))?;
            }
        }
        Ok(())
    }
}

/// A BAR as the listing shows it.
struct Bar<'a>(&'a BarInfo);

impl fmt::Display for Bar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (kind, address, size) = match *self.0 {
            BarInfo::Memory {
                address_type,
                prefetchable,
                address,
                size,
            } => {
                let width = match address_type {
                    MemoryBarType::Width64 => "64-bit",
                    MemoryBarType::Width32 => "32-bit",
                    MemoryBarType::Below1MiB => "below-1-MiB",
                };
                let fetch = if prefetchable { " prefetchable" } else { "" };
                write!(f, "{width}{fetch} memory")?;
                ("", address, size)
            }
            BarInfo::IO { address, size } => ("I/O ports", u64::from(address), u64::from(size)),
        };
        match size {
            size if size >= 1 << 20 => write!(f, "{kind} at {address:#x} ({} MiB)", size >> 20),
            size if size >= 1 << 10 => write!(f, "{kind} at {address:#x} ({} KiB)", size >> 10),
            size => write!(f, "{kind} at {address:#x} ({size} bytes)"),
        }
    }
}
