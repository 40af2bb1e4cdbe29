//! The `lspci`-style listing of a [`Device`]: one line of identity, class and interrupt,
//! then one line per BAR.
//!
//! ```text
//!   00:04.0 1af4:1042 SCSI storage controller (01.00.00) rev 01, INTA# line 11
//!           BAR4 64-bit prefetchable memory at 0xfe000000 (16 KiB)
//! ```

use super::Device;
use core::fmt;
use virtio_drivers::transport::pci::bus::{BarInfo, MemoryBarType};

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
            "{} {:04x}:{:04x} {} ({:02x}.{:02x}.{:02x}) rev {:02x}, {}",
            self.function,
            info.vendor_id,
            info.device_id,
            class_name(info.class, info.subclass),
            info.class,
            info.subclass,
            info.prog_if,
            info.revision,
            Pin(self.interrupt_pin, self.interrupt_line)
        )?;
        for (index, bar) in self.bars.iter().enumerate() {
            if let Some(bar) = bar {
                write!(f, "\n        BAR{index} {}", Bar(bar))?;
            }
        }
        Ok(())
    }
}

/// An interrupt pin and the line it is routed to.
struct Pin(u8, u8);

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match *self {
            Pin(0, _) => f.write_str("no interrupt pin"),
            Pin(pin @ 1..=4, line) => write!(f, "INT{}# line {line}", char::from(b'A' + pin - 1)),
            Pin(pin, _) => write!(f, "bad interrupt pin {pin}"),
        }
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
