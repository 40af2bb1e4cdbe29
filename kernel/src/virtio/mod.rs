//! Virtio devices through rcore-os's `virtio-drivers` crate, with the kernel's memory
//! system underneath: the [`hal::KernelHal`], buffer sharing with bounces ([`share`]),
//! finding a device and opening its transport ([`probe`]), and the block device ([`blk`]).
//!
//! ```text
//!   driver's Vec / DmaBuf ─► VirtIOBlk (virtio-drivers) ─► VirtQueue: descriptors in queue
//!                                    │                      memory from memory::dma
//!                                    └► KernelHal::share: one physical range? yes: as is
//!                                                                              no: bounce
//!   PCI transport: capabilities read through pci::PortCam, registers in a mapped BAR
//! ```

pub mod blk;
pub mod hal;
pub mod measure;
pub mod probe;
pub mod share;
