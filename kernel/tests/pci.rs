//! PCI enumeration on QEMU's `pc` machine booted without a disk: the chipset's functions
//! with their BARs and interrupt pins, the `lspci` listing, and no virtio-blk device: the
//! kernel says so and goes on.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::format;
use kernel::pci::{self, Device};
use kernel::virtio::blk;
use kernel::virtio::probe::ProbeFailure;
use virtio_drivers::transport::pci::bus::BarInfo;
use virtio_drivers::transport::DeviceType;

kernel::test_kernel!();

fn devices() -> &'static [Device] {
    pci::devices()
}

fn find(devices: &[Device], vendor: u16, device: u16) -> &Device {
    devices
        .iter()
        .find(|d| d.info.vendor_id == vendor && d.info.device_id == device)
        .unwrap_or_else(|| {
            panic!(
                "no {vendor:04x}:{device:04x} among {} functions",
                devices.len()
            )
        })
}

#[test_case]
fn the_i440fx_chipset_is_found_with_its_bars() {
    let devices = devices();
    let host = find(devices, 0x8086, 0x1237);
    assert_eq!(format!("{}", host.function), "00:00.0");
    assert_eq!((host.info.class, host.info.subclass), (0x06, 0x00));
    let vga = find(devices, 0x1234, 0x1111);
    match vga.bars[0] {
        Some(BarInfo::Memory {
            size,
            prefetchable,
            address,
            ..
        }) => {
            assert_eq!(size, 16 << 20, "the framebuffer BAR is 16 MiB");
            assert!(prefetchable && address != 0);
        }
        ref other => panic!("VGA BAR0 is {other:?}"),
    }
    let ide = find(devices, 0x8086, 0x7010);
    assert!(
        matches!(ide.bars[4], Some(BarInfo::IO { size: 16, .. })),
        "{:?}",
        ide.bars
    );
    let nic = find(devices, 0x8086, 0x100e);
    assert_eq!(nic.interrupt_pin, 1, "the NIC uses INTA#");
    assert!(
        nic.interrupt_line < 16,
        "the firmware routed it to an ISA IRQ"
    );
    let mut functions = devices.iter().map(|d| d.function);
    assert!(functions
        .clone()
        .zip(functions.by_ref().skip(1))
        .all(|(a, b)| a < b));
}

#[test_case]
fn the_listing_reads_like_lspci() {
    let devices = devices();
    let nic = format!("{}", find(devices, 0x8086, 0x100e));
    assert!(
        nic.starts_with("00:03.0 8086:100e Ethernet controller (02.00.00) rev 03, INTA# line "),
        "{nic}"
    );
    assert!(
        nic.contains("\n        BAR0 32-bit memory at 0x") && nic.contains("(128 KiB)"),
        "{nic}"
    );
    assert!(nic.contains("BAR1 I/O ports at 0x"), "{nic}");
}

#[test_case]
fn no_disk_is_an_error_the_kernel_goes_on_from() {
    let devices = pci::devices();
    let error = blk::probe(devices).err().expect("no disk was attached");
    assert!(matches!(error.cause, ProbeFailure::NoDevice));
    assert_eq!(error.device, DeviceType::Block);
    assert_eq!(format!("{error}"), "no virtio-blk device on the PCI bus");
    pci::log_devices(devices);
}
