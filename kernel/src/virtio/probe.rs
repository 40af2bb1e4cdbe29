//! Finding a virtio function on the PCI bus and opening its transport, the steps every
//! virtio driver shares; the driver then negotiates its device over the transport.
//!
//! ```text
//!   open(devices, Block, 0) ─► the 0th function whose ID says virtio-blk
//!       ─► map its memory BARs ─► memory decoding and bus mastering on
//!       ─► PciTransport (its virtio 1.x capabilities)   ─► the driver: VirtIOBlk::new
//!   listen(…) ─► its INTx line registered, or `None` (and a warning): the driver polls
//! ```

use crate::irq::{self, Handled, Registration};
use crate::pci::bars::BarError;
use crate::pci::{self, bars, Device};
use crate::virtio::hal::KernelHal;
use alloc::sync::Arc;
use core::fmt;
use virtio_drivers::transport::pci::{virtio_device_type, PciTransport, VirtioPciError};
use virtio_drivers::transport::DeviceType;

/// Why a virtio device could not be driven; the kernel goes on without it.
#[derive(Debug)]
pub struct ProbeError {
    /// The kind of device the driver looked for.
    pub device: DeviceType,
    /// What went wrong.
    pub cause: ProbeFailure,
}

/// What went wrong in a probe.
#[derive(Debug)]
pub enum ProbeFailure {
    /// No function of that kind on the bus.
    NoDevice,
    /// Its registers' BAR could not be mapped.
    Bar(BarError),
    /// The PCI transport found no usable virtio 1.x capabilities.
    Transport(VirtioPciError),
    /// Feature negotiation or queue set-up failed.
    Device(virtio_drivers::Error),
}

impl ProbeError {
    /// A failure while probing for a `device`.
    pub fn new(device: DeviceType, cause: ProbeFailure) -> Self {
        Self { device, cause }
    }
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let name = name(self.device);
        match &self.cause {
            ProbeFailure::NoDevice => write!(f, "no {name} device on the PCI bus"),
            ProbeFailure::Bar(error) => write!(f, "cannot map the {name} registers: {error}"),
            ProbeFailure::Transport(error) => write!(f, "{name} transport: {error}"),
            ProbeFailure::Device(error) => write!(f, "{name} set-up: {error}"),
        }
    }
}

/// The driver's name for a kind of virtio device, as messages print it.
pub fn name(device: DeviceType) -> &'static str {
    match device {
        DeviceType::Block => "virtio-blk",
        DeviceType::Network => "virtio-net",
        _ => "virtio",
    }
}

/// Finds the `index`th function (from 0, in bus order) among `devices` whose ID says
/// `kind`, maps its memory BARs, enables it and opens its transport. Opening a function a
/// driver already drives resets the device under that driver: drop the driver first.
pub fn open(
    devices: &[Device],
    kind: DeviceType,
    index: usize,
) -> Result<(&Device, PciTransport), ProbeError> {
    let failed = |cause| ProbeError::new(kind, cause);
    let device = devices
        .iter()
        .filter(|device| virtio_device_type(&device.info) == Some(kind))
        .nth(index)
        .ok_or(failed(ProbeFailure::NoDevice))?;
    for bar in device.bars.iter().flatten() {
        if bar.memory_address_size().is_some() {
            bars::map(bar).map_err(|error| failed(ProbeFailure::Bar(error)))?;
        }
    }
    // SAFETY: a probe is the one place configuring the function it drives.
    let mut root = unsafe { pci::root() };
    pci::enable(&mut root, device.function);
    let transport = PciTransport::new::<KernelHal, _>(&mut root, device.function)
        .map_err(|error| failed(ProbeFailure::Transport(error)))?;
    Ok((device, transport))
}

/// Registers `handler` on `device`'s INTx line (level-triggered, maybe shared), or warns
/// and returns `None`, for a driver of `kind` that then polls for completions.
pub fn listen<T: Send + Sync + 'static>(
    device: &Device,
    kind: DeviceType,
    shared: Arc<T>,
    handler: fn(&T) -> Handled,
) -> Option<Registration> {
    irq::pci_line(device.interrupt_line)
        .and_then(|line| irq::register(line, shared, handler))
        .inspect_err(|error| {
            log::warn!(
                "{}: no interrupt from line {} ({error}); polling for completions",
                name(kind),
                device.interrupt_line
            )
        })
        .ok()
}
