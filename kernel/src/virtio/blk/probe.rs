//! Finding the disk: the first virtio-blk function on the bus opened (`virtio::probe`),
//! the device negotiated and its queue set up, and its INTx pin's line registered.

use super::completion::{on_interrupt, Shared};
use super::Disk;
use crate::pci::Device;
use crate::sync::IrqMutex;
use crate::virtio::probe::{self, ProbeError, ProbeFailure};
use alloc::sync::Arc;
use core::sync::atomic::AtomicU64;
use virtio_drivers::device::blk::VirtIOBlk;
use virtio_drivers::transport::DeviceType;

/// Finds the first virtio-blk function among `devices`, maps its BARs, enables it and sets
/// the device up. Probing the same function again while a `Disk` drives it would reset
/// the device under that `Disk`: drop the first one before.
pub fn probe(devices: &[Device]) -> Result<Disk, ProbeError> {
    probe_nth(devices, 0)
}

/// Like [`probe()`], for the `index`th virtio-blk function (from 0, in bus order).
pub fn probe_nth(devices: &[Device], index: usize) -> Result<Disk, ProbeError> {
    let (device, transport) = probe::open(devices, DeviceType::Block, index)?;
    let blk = VirtIOBlk::new(transport)
        .map_err(|error| ProbeError::new(DeviceType::Block, ProbeFailure::Device(error)))?;
    let capacity = blk.capacity();
    let shared = Arc::new(Shared {
        device: IrqMutex::new(blk),
        interrupts: AtomicU64::new(0),
    });
    Ok(Disk {
        registration: probe::listen(device, DeviceType::Block, shared.clone(), on_interrupt),
        shared,
        function: device.function,
        capacity,
        requests: AtomicU64::new(0),
        bytes_read: AtomicU64::new(0),
        bytes_written: AtomicU64::new(0),
    })
}
