//! What a handler answers, and why a registration fails.

use super::MAX_SHARED;
use core::fmt;

/// Whether an interrupt was the handler's device's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// It was: the device was serviced (and no longer asserts the line).
    Mine,
    /// It was not: another device on the line raised it.
    NotMine,
}

/// Why a handler cannot be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IrqError {
    /// There is no ISA line with this number (lines are 0-15).
    NoSuchLine(u8),
    /// The I/O APIC has no such input, or this kernel serves none that high.
    NoSuchGsi(u32),
    /// The PCI device's interrupt pin is not connected (line 255).
    NotConnected,
    /// The machine has no I/O APIC to route the interrupt through.
    NoIoApic,
    /// The line has handlers that drive it with another trigger or polarity.
    Mismatch {
        /// The line.
        gsi: u32,
    },
    /// The line already has [`MAX_SHARED`] handlers.
    Full {
        /// The line.
        gsi: u32,
    },
}

impl fmt::Display for IrqError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NoSuchLine(line) => write!(f, "IRQ {line} does not exist (lines are 0-15)"),
            Self::NoSuchGsi(gsi) => write!(f, "GSI {gsi} is not an I/O APIC input served here"),
            Self::NotConnected => f.write_str("the device's interrupt pin is not connected"),
            Self::NoIoApic => f.write_str("no I/O APIC to route the interrupt through"),
            Self::Mismatch { gsi } => {
                write!(f, "GSI {gsi} is in use with another trigger or polarity")
            }
            Self::Full { gsi } => write!(f, "GSI {gsi} already has {MAX_SHARED} handlers"),
        }
    }
}
