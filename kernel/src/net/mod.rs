//! The network: virtio-net through `virtio-drivers`' `VirtIONetRaw`, receive buffers from
//! the DMA pool, and `smoltcp` on top serving a UDP and a TCP echo on port 7.
//!
//! ```text
//!   device ─► INTx ─► nic::on_interrupt: ack; used rx buffers ─► ready queue, a fresh pool
//!             buffer posted in each one's place (none: the packet is dropped, counted);
//!             used tx buffers ─► freed
//!   echo::serve ─► smoltcp Interface::poll ─► phy: RxToken (a ready pool buffer, read in
//!             place) / TxToken (a pool buffer, header + frame) ─► UDP / TCP sockets (heap)
//! ```
//!
//! QEMU's user networking gives the guest 10.0.2.15/24 with the gateway at 10.0.2.2; the
//! runner forwards 127.0.0.1 ports on the host to port 7 here (`boot run --net`).

pub mod echo;
mod nic;
mod phy;
pub mod report;
mod rings;
mod send;
mod services;
pub mod stats;

pub use nic::{probe, Nic};
pub use send::SendError;
