//! Why the network card could not be driven; the kernel goes on without a network.

use crate::pci::bars::BarError;
use core::fmt;
use virtio_drivers::transport::pci::VirtioPciError;

/// Why no network card could be driven.
#[derive(Debug)]
pub enum ProbeError {
    /// No virtio-net function on the bus.
    NoDevice,
    /// Its registers' BAR could not be mapped.
    Bar(BarError),
    /// The PCI transport found no usable virtio 1.x capabilities.
    Transport(VirtioPciError),
    /// Feature negotiation or queue set-up failed.
    Device(virtio_drivers::Error),
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NoDevice => f.write_str("no virtio-net device on the PCI bus"),
            Self::Bar(error) => write!(f, "cannot map the virtio-net registers: {error}"),
            Self::Transport(error) => write!(f, "virtio-net transport: {error}"),
            Self::Device(error) => write!(f, "virtio-net set-up: {error}"),
        }
    }
}
