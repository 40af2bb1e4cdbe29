//! Two virtio-blk disks whose INTA# pins the chipset routes to one level-triggered line
//! (the runner puts them in PCI slots 4 and 8, `boot/src/disk.rs`): requests on both
//! complete by interrupt, each disk keeps its own data, and every interrupt on the shared
//! line is claimed by the handler of the disk that raised it.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec;
use alloc::vec::Vec;
use kernel::virtio::blk::{self, SECTOR};
use kernel::{irq, pci};
use virtio_drivers::transport::pci::virtio_device_type;
use virtio_drivers::transport::DeviceType;

kernel::test_kernel!(|_boot_info| {
    kernel::timer::start();
});

#[test_case]
fn two_disks_on_one_line_complete_by_interrupt_and_keep_their_data() {
    let devices = pci::devices();
    let lines: Vec<u8> = devices
        .iter()
        .filter(|device| virtio_device_type(&device.info) == Some(DeviceType::Block))
        .map(|device| device.interrupt_line)
        .collect();
    assert_eq!(lines.len(), 2, "the runner attached two disks");
    assert_eq!(lines[0], lines[1], "both disks' pins reach the same line");
    let disks = [0, 1].map(|index| {
        blk::probe_nth(devices, index).unwrap_or_else(|error| panic!("disk {index}: {error}"))
    });
    assert!(disks.iter().all(|disk| disk.interrupt_driven()));
    let unclaimed = irq::unhandled();
    let mut buffer = vec![0u8; SECTOR];
    for sector in 0..64u64 {
        for (mark, disk) in (0xa0u8..).zip(&disks) {
            buffer.fill(mark ^ sector as u8);
            disk.write(sector, &buffer).expect("a write");
        }
    }
    for sector in 0..64u64 {
        for (mark, disk) in (0xa0u8..).zip(&disks) {
            disk.read(sector, &mut buffer).expect("a read");
            assert!(
                buffer.iter().all(|&b| b == mark ^ sector as u8),
                "sector {sector} of disk {mark:#x} holds the other disk's data"
            );
        }
    }
    for disk in &disks {
        let stats = disk.stats();
        assert_eq!(stats.requests, 128);
        assert!(
            stats.interrupts >= stats.requests / 2,
            "{} interrupts for {} requests",
            stats.interrupts,
            stats.requests
        );
    }
    assert_eq!(
        irq::unhandled(),
        unclaimed,
        "an interrupt on the shared line found no handler that claimed it"
    );
}
