//! PCI configuration space through the legacy I/O ports (configuration mechanism #1), as
//! `virtio-drivers`' [`ConfigurationAccess`].
//!
//! ```text
//!   0xCF8 ◄─ 1 << 31 | bus << 16 | device << 11 | function << 8 | register & 0xfc
//!   0xCFC ◄► the 32-bit register
//! ```
//!
//! The two ports form one transaction, so every access holds `PORTS` from the address
//! write to the data access (with interrupts off: a handler may read configuration space).
//! QEMU's default `pc` machine (i440FX) has no ECAM window, and 256 bytes per function
//! cover everything the kernel reads (the virtio capabilities sit in the first 256), so the
//! ports are enough and need no ACPI MCFG table nor a 256 MiB mapping.

use crate::sync::{level, IrqMutex};
use virtio_drivers::transport::pci::bus::{ConfigurationAccess, DeviceFunction};
use x86_64::instructions::port::Port;

/// The address port.
const ADDRESS: u16 = 0xcf8;
/// The data port.
const DATA: u16 = 0xcfc;

/// The port pair; held for one address-then-data transaction.
static PORTS: IrqMutex<level::PciConfig, (Port<u32>, Port<u32>)> =
    IrqMutex::new((Port::new(ADDRESS), Port::new(DATA)));

/// Configuration space of every bus, through ports 0xCF8/0xCFC.
#[derive(Debug)]
pub struct PortCam(());

impl PortCam {
    /// Access to configuration space.
    ///
    /// # Safety
    ///
    /// This function is unsafe because configuration writes move BARs and switch on bus
    /// mastering: the caller must be the one place that programs the devices it touches.
    pub unsafe fn new() -> Self {
        Self(())
    }
}

/// The value of the address port for `register` of `function`.
fn address(function: DeviceFunction, register: u8) -> u32 {
    1 << 31
        | u32::from(function.bus) << 16
        | u32::from(function.device) << 11
        | u32::from(function.function) << 8
        | u32::from(register & 0xfc)
}

/// Reads the 32-bit `register` of `function` (reads change nothing on the devices the
/// kernel enumerates).
pub fn read(function: DeviceFunction, register: u8) -> u32 {
    let mut ports = PORTS.lock();
    let (select, data) = &mut *ports;
    // SAFETY: 0xCF8/0xCFC are the configuration ports on every PC; the lock keeps the
    // address and the data access together.
    unsafe {
        select.write(address(function, register));
        data.read()
    }
}

impl ConfigurationAccess for PortCam {
    fn read_word(&self, function: DeviceFunction, register: u8) -> u32 {
        read(function, register)
    }

    fn write_word(&mut self, function: DeviceFunction, register: u8, value: u32) {
        let mut ports = PORTS.lock();
        let (select, data) = &mut *ports;
        // SAFETY: as in `read_word`; `PortCam::new`'s caller owns the devices it writes.
        unsafe {
            select.write(address(function, register));
            data.write(value);
        }
    }

    unsafe fn unsafe_clone(&self) -> Self {
        Self(())
    }
}
