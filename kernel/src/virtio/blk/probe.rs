//! Finding the disk: the first virtio-blk function on the bus, its BARs mapped, memory
//! decoding and bus mastering on, the device negotiated and its queue set up, and its
//! INTx pin's line registered (level-triggered, shared with whoever else is on it).

use super::completion::{on_interrupt, Shared};
use super::{Disk, ProbeError};
use crate::irq;
use crate::pci::{self, bars, Device};
use crate::sync::IrqMutex;
use crate::virtio::hal::KernelHal;
use alloc::sync::Arc;
use core::sync::atomic::AtomicU64;
use virtio_drivers::device::blk::VirtIOBlk;
use virtio_drivers::transport::pci::{virtio_device_type, PciTransport};
use virtio_drivers::transport::DeviceType;

/// Finds the first virtio-blk function among `devices`, maps its BARs, enables it and sets
/// the device up. Probing the same function again while a `Disk` drives it would reset
/// the device under that `Disk`: drop the first one before.
pub fn probe(devices: &[Device]) -> Result<Disk, ProbeError> {
    probe_nth(devices, 0)
}

/// Like [`probe`], for the `index`th virtio-blk function (from 0, in bus order).
pub fn probe_nth(devices: &[Device], index: usize) -> Result<Disk, ProbeError> {
    let device = devices
        .iter()
        .filter(|device| virtio_device_type(&device.info) == Some(DeviceType::Block))
        .nth(index)
        .ok_or(ProbeError::NoDevice)?;
    for bar in device.bars.iter().flatten() {
        if bar.memory_address_size().is_some() {
            bars::map(bar).map_err(ProbeError::Bar)?;
        }
    }
    // SAFETY: this probe is the one place configuring the function it drives.
    let mut root = unsafe { pci::root() };
    pci::enable(&mut root, device.function);
    let transport = PciTransport::new::<KernelHal, _>(&mut root, device.function)
        .map_err(ProbeError::Transport)?;
    let blk = VirtIOBlk::new(transport).map_err(ProbeError::Device)?;
    let capacity = blk.capacity();
    let shared = Arc::new(Shared {
        device: IrqMutex::new(blk),
        interrupts: AtomicU64::new(0),
    });
    let registration = irq::pci_line(device.interrupt_line)
        .and_then(|line| irq::register(line, shared.clone(), on_interrupt));
    let registration = match registration {
        Ok(registration) => Some(registration),
        Err(error) => {
            log::warn!(
                "disk: no interrupt from line {} ({error}); polling for completions",
                device.interrupt_line
            );
            None
        }
    };
    Ok(Disk {
        registration,
        shared,
        function: device.function,
        capacity,
        requests: AtomicU64::new(0),
        bytes_read: AtomicU64::new(0),
        bytes_written: AtomicU64::new(0),
    })
}
