//! Finding and owning the network card: the first virtio-net function on the bus, set up
//! like the disk (BARs mapped, bus mastering on, the device negotiated), its receive
//! descriptors filled from the DMA pool, and its INTx line registered.
//!
//! ```text
//!   on_interrupt: ack (ISR read lowers the line) ─► lock rings ─► collect_received
//!                 (refill from the pool) ─► collect_sent (free the sent buffers)
//! ```

use super::rings::{Device, Rings};
use super::stats::Counters;
use crate::irq::{Handled, Registration};
use crate::pci::Device as PciDevice;
use crate::sync::{level, IrqMutex};
use crate::virtio::probe::{self, ProbeError, ProbeFailure};
use alloc::sync::Arc;
use core::sync::atomic::Ordering;
use virtio_drivers::transport::pci::bus::DeviceFunction;
use virtio_drivers::transport::DeviceType;

/// What the driver and its interrupt handler share.
pub(super) struct Shared {
    pub(super) rings: IrqMutex<level::Device, Rings>,
    pub(super) counters: Counters,
}

/// A virtio-net card.
pub struct Nic {
    /// Dropped first: it waits for a handler running on another CPU before the rings go.
    registration: Option<Registration>,
    pub(super) shared: Arc<Shared>,
    function: DeviceFunction,
    mac: [u8; 6],
    /// Bytes of the virtio-net header in front of every frame.
    pub(super) header_len: usize,
}

impl Nic {
    /// Where the card sits on the bus.
    pub fn function(&self) -> DeviceFunction {
        self.function
    }

    /// The card's Ethernet address.
    pub fn mac(&self) -> [u8; 6] {
        self.mac
    }

    /// Whether receive and transmit completions raise an interrupt (otherwise the serving
    /// loop polls for them).
    pub fn interrupt_driven(&self) -> bool {
        self.registration.is_some()
    }

    /// Collects completions by hand: what the interrupt handler does, for a polled card.
    pub(super) fn poll_completions(&self) {
        let mut rings = self.shared.rings.lock();
        rings.collect_received(&self.shared.counters);
        rings.collect_sent();
    }
}

/// The card's interrupt handler: acknowledges the device, moves received frames to the
/// ready queue (refilling their descriptors) and frees sent buffers.
fn on_interrupt(shared: &Shared) -> Handled {
    let mut rings = shared.rings.lock();
    if rings.device.ack_interrupt().is_empty() {
        return Handled::NotMine;
    }
    shared.counters.interrupts.fetch_add(1, Ordering::Relaxed);
    rings.collect_received(&shared.counters);
    rings.collect_sent();
    Handled::Mine
}

/// Finds the first virtio-net function among `devices` and sets it up, receive buffers
/// posted and interrupt line registered (or polled, with a warning, if it cannot be).
pub fn probe(devices: &[PciDevice]) -> Result<Nic, ProbeError> {
    let failed = |error| ProbeError::new(DeviceType::Network, ProbeFailure::Device(error));
    let (device, transport) = probe::open(devices, DeviceType::Network, 0)?;
    let net = Device::new(transport).map_err(failed)?;
    let mac = net.mac_address();
    let header_len = net.fill_buffer_header(&mut [0; 16]).map_err(failed)?;
    let counters = Counters::default();
    let rings = Rings::new(net, &counters);
    let shared = Arc::new(Shared {
        rings: IrqMutex::new(rings),
        counters,
    });
    Ok(Nic {
        registration: probe::listen(device, DeviceType::Network, shared.clone(), on_interrupt),
        shared,
        function: device.function,
        mac,
        header_len,
    })
}
