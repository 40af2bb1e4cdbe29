//! The card as `smoltcp` sees it: a received frame is read in place in its pool buffer
//! (no copy before `smoltcp`'s own into a socket), a frame to send is written into a pool
//! buffer behind the virtio-net header and handed to the device.
//!
//! ```text
//!   receive ─► rings.next_received ─► RxToken { DmaBuf } ─► consume: &buf[header..+len]
//!              ─► drop: the block goes back to the pool
//!   transmit ─► TxToken ─► consume(len): send::Outgoing, header + len from the pool (none:
//!              the frame is built in a stack scratch and dropped, counted) ─► the device
//! ```

use super::rings::{Received, RX_BYTES};
use super::send::Outgoing;
use super::Nic;
use smoltcp::phy::{Device, DeviceCapabilities, Medium, RxToken, TxToken};
use smoltcp::time::Instant;

/// The largest Ethernet frame sent or received, without the frame check sequence.
const MTU: usize = 1514;

/// `smoltcp`'s handle on a [`Nic`].
pub struct Phy<'nic>(pub &'nic Nic);

/// A received frame, lent to `smoltcp`.
pub struct Rx(Received);

/// The right to send one frame.
pub struct Tx<'nic>(&'nic Nic);

impl Device for Phy<'_> {
    type RxToken<'a>
        = Rx
    where
        Self: 'a;
    type TxToken<'a>
        = Tx<'a>
    where
        Self: 'a;

    fn receive(&mut self, _now: Instant) -> Option<(Rx, Tx<'_>)> {
        let frame = self.0.shared.rings.lock().next_received()?;
        Some((Rx(frame), Tx(self.0)))
    }

    fn transmit(&mut self, _now: Instant) -> Option<Tx<'_>> {
        let mut rings = self.0.shared.rings.lock();
        if !rings.device.can_send() {
            rings.collect_sent();
        }
        rings.device.can_send().then_some(Tx(self.0))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = MTU;
        caps.max_burst_size = Some(super::rings::QUEUE / 2);
        caps
    }
}

impl RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        let Received {
            buffer,
            header,
            len,
        } = &self.0;
        f(&buffer[*header..*header + *len])
    }
}

impl TxToken for Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let Ok(mut outgoing) = Outgoing::new(self.0, len) else {
            // Dropped (and counted): the frame is built where it goes nowhere.
            let mut scratch = [0; RX_BYTES];
            return f(&mut scratch[..len.min(MTU)]);
        };
        let built = f(outgoing.frame());
        // A refused frame is counted; to smoltcp it is a frame lost on the wire.
        let _ = outgoing.send();
        built
    }
}
