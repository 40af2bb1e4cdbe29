//! Which I/O APIC input a device interrupts on, and how it drives it.
//!
//! ```text
//!   ISA IRQ n   ─► MADT override for n? its GSI, trigger, polarity
//!                                 else GSI n, edge, active-high (ISA)
//!   PCI interrupt line register (config 0x3c), written by the firmware:
//!     n < 16    ─► routed to ISA IRQ n: its GSI; always level; polarity
//!                  from the override (QEMU's i440fx: IRQ 10/11 level, high),
//!                  active-low without one (the PCI default)
//!     16..=254  ─► GSI n, level, active-low (firmware that names the GSI)
//!     255       ─► not connected
//! ```
//!
//! ACPI's `_PRT` (AML) is the complete answer; the interrupt line register
//! with the MADT's overrides is what firmware leaves for kernels without an
//! AML interpreter, and what QEMU's machines fill in.

use super::{IrqError, Line, Polarity, Trigger};
use crate::platform;

/// How ISA line `irq` (0-15) reaches the I/O APIC.
pub fn isa_line(irq: u8) -> Result<Line, IrqError> {
    let platform = platform::get().ok_or(IrqError::NoIoApic)?;
    let isa = platform
        .isa
        .get(usize::from(irq))
        .ok_or(IrqError::NoSuchLine(irq))?;
    Ok(Line {
        gsi: isa.gsi,
        trigger: if isa.level {
            Trigger::Level
        } else {
            Trigger::Edge
        },
        polarity: polarity(isa.active_low),
    })
}

/// How a PCI device whose interrupt line register reads `interrupt_line`
/// reaches the I/O APIC.
pub fn pci_line(interrupt_line: u8) -> Result<Line, IrqError> {
    match interrupt_line {
        255 => Err(IrqError::NotConnected),
        irq @ 0..16 => {
            let platform = platform::get().ok_or(IrqError::NoIoApic)?;
            let isa = platform.isa[usize::from(irq)];
            Ok(Line {
                gsi: isa.gsi,
                trigger: Trigger::Level,
                polarity: polarity(!isa.overridden || isa.active_low),
            })
        }
        gsi => Ok(Line {
            gsi: u32::from(gsi),
            trigger: Trigger::Level,
            polarity: Polarity::ActiveLow,
        }),
    }
}

fn polarity(active_low: bool) -> Polarity {
    match active_low {
        true => Polarity::ActiveLow,
        false => Polarity::ActiveHigh,
    }
}
