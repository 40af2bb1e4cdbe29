//! Sending a frame: a pool buffer for the virtio-net header and the frame, handed to the
//! device and freed when it has sent it. `smoltcp`'s transmit token builds its frame in
//! place in such a buffer; [`Nic::send`] copies one in.
//!
//! ```text
//!   Outgoing::new(nic, len) ─► DmaBuf of header + len from POOL, header zeroed (no offload)
//!   .frame() (&mut [u8]) ─► built ─► .send() ─► rings.transmit ─► the device ─► used ring
//!   ─► collect_sent (interrupt handler or the next transmit) ─► the block back to the pool
//! ```

use super::Nic;
use crate::memory::dma_buf::DmaBuf;
use crate::memory::dma_pool::{PoolError, POOL};
use core::fmt;
use core::sync::atomic::Ordering;

/// Why a frame was not sent (it is counted as a transmit drop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The DMA pool had no buffer for it.
    Pool(PoolError),
    /// The transmit queue was full or refused it.
    Device(virtio_drivers::Error),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Pool(error) => write!(f, "no buffer for the frame: {error}"),
            Self::Device(error) => write!(f, "the card refused the frame: {error}"),
        }
    }
}

/// A frame being built in its transmit buffer.
pub(super) struct Outgoing<'nic> {
    nic: &'nic Nic,
    buffer: DmaBuf<'static>,
}

impl<'nic> Outgoing<'nic> {
    /// A buffer for a `len`-byte frame; a failure is counted as a transmit drop.
    pub(super) fn new(nic: &'nic Nic, len: usize) -> Result<Self, SendError> {
        DmaBuf::zeroed(&POOL, nic.header_len + len)
            .map(|buffer| Self { nic, buffer })
            .map_err(|error| nic.dropped(SendError::Pool(error)))
    }

    /// The frame's bytes (after the header).
    pub(super) fn frame(&mut self) -> &mut [u8] {
        &mut self.buffer[self.nic.header_len..]
    }

    /// Hands the frame to the device.
    pub(super) fn send(self) -> Result<(), SendError> {
        let counters = &self.nic.shared.counters;
        let handed = self.nic.shared.rings.lock().transmit(self.buffer);
        handed.map_err(|error| self.nic.dropped(SendError::Device(error)))?;
        counters.transmitted.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Nic {
    /// Sends one Ethernet frame (without its check sequence) as it is.
    pub fn send(&self, frame: &[u8]) -> Result<(), SendError> {
        let mut outgoing = Outgoing::new(self, frame.len())?;
        outgoing.frame().copy_from_slice(frame);
        outgoing.send()
    }

    fn dropped(&self, error: SendError) -> SendError {
        let counters = &self.shared.counters;
        counters.transmit_drops.fetch_add(1, Ordering::Relaxed);
        error
    }
}
