//! The buffers the device holds and the packets waiting for `smoltcp`, all under the
//! device lock: receive buffers posted by descriptor, received packets in arrival order,
//! transmit buffers in flight by descriptor.
//!
//! ```text
//!   posted[token]  : DmaBuf the device may write (QUEUE of them, refilled as they fill)
//!   ready (FIFO)   : (DmaBuf, header bytes, frame bytes) the device filled, for smoltcp
//!   in_flight[tok] : DmaBuf the device reads (header + frame), freed when it is used
//! ```

use super::stats::Counters;
use crate::memory::dma_buf::DmaBuf;
use crate::memory::dma_pool::POOL;
use crate::virtio::hal::KernelHal;
use core::sync::atomic::Ordering;
use virtio_drivers::device::net::VirtIONetRaw;
use virtio_drivers::transport::pci::PciTransport;

/// Descriptors per queue (receive and transmit each).
pub const QUEUE: usize = 32;
/// Bytes of a receive buffer: the virtio-net header and a whole Ethernet frame (1514).
pub const RX_BYTES: usize = 1526;

/// The device as `virtio-drivers` drives it.
pub type Device = VirtIONetRaw<KernelHal, PciTransport, QUEUE>;

/// A frame the device received: its buffer, and where the frame lies in it.
pub struct Received {
    /// The pool buffer the device wrote.
    pub buffer: DmaBuf<'static>,
    /// Bytes of the virtio-net header at its start.
    pub header: usize,
    /// Bytes of the frame after the header.
    pub len: usize,
}

/// The device and every buffer it holds or filled.
pub struct Rings {
    /// The device's queues and registers.
    pub device: Device,
    posted: [Option<DmaBuf<'static>>; QUEUE],
    ready: [Option<Received>; QUEUE],
    ready_head: usize,
    ready_len: usize,
    in_flight: [Option<DmaBuf<'static>>; QUEUE],
}

impl Rings {
    /// Wraps `device` and posts a receive buffer in every receive descriptor (as many as
    /// the pool gives).
    pub fn new(device: Device, counters: &Counters) -> Self {
        let mut rings = Self {
            device,
            posted: [const { None }; QUEUE],
            ready: [const { None }; QUEUE],
            ready_head: 0,
            ready_len: 0,
            in_flight: [const { None }; QUEUE],
        };
        for _ in 0..QUEUE {
            match DmaBuf::zeroed(&POOL, RX_BYTES) {
                Ok(buffer) => rings.post(buffer),
                Err(_) => {
                    counters.refill_failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        rings
    }

    /// Gives `buffer` to the device to receive into.
    fn post(&mut self, mut buffer: DmaBuf<'static>) {
        // SAFETY: the buffer stays in `posted` untouched until the device has used it.
        match unsafe { self.device.receive_begin(&mut buffer) } {
            Ok(token) => self.posted[usize::from(token)] = Some(buffer),
            Err(error) => log::warn!("net: cannot post a receive buffer: {error}"),
        }
    }

    /// Moves every frame the device received to the ready queue, posting a fresh pool
    /// buffer in each one's place; when the pool has none (or the queue is full), the
    /// frame is dropped, counted, and its own buffer posted again.
    pub fn collect_received(&mut self, counters: &Counters) {
        while let Some(token) = self.device.poll_receive() {
            let Some(mut buffer) = self.posted[usize::from(token)].take() else {
                panic!("net: the device used receive descriptor {token}, which holds no buffer");
            };
            // SAFETY: the buffer is the one posted with this token.
            let frame = unsafe { self.device.receive_complete(token, &mut buffer) };
            let fresh = DmaBuf::zeroed(&POOL, RX_BYTES);
            match (frame, fresh) {
                (Ok((header, len)), Ok(fresh)) if self.ready_len < QUEUE => {
                    let at = (self.ready_head + self.ready_len) % QUEUE;
                    self.ready[at] = Some(Received {
                        buffer,
                        header,
                        len,
                    });
                    self.ready_len += 1;
                    counters.received.fetch_add(1, Ordering::Relaxed);
                    self.post(fresh);
                }
                (_, fresh) => {
                    let counter = match fresh {
                        Ok(_) => &counters.receive_errors,
                        Err(_) => &counters.refill_failures,
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    self.post(buffer);
                }
            }
        }
    }

    /// The oldest received frame, if any.
    pub fn next_received(&mut self) -> Option<Received> {
        if self.ready_len == 0 {
            return None;
        }
        let frame = self.ready[self.ready_head].take();
        self.ready_head = (self.ready_head + 1) % QUEUE;
        self.ready_len -= 1;
        frame
    }

    /// Frees every transmit buffer the device has sent.
    pub fn collect_sent(&mut self) {
        while let Some(token) = self.device.poll_transmit() {
            let buffer = self.in_flight[usize::from(token)].take();
            let buffer = buffer.expect("the device used a transmit descriptor holding no buffer");
            // SAFETY: the buffer is the one given to `transmit_begin` with this token.
            if let Err(error) = unsafe { self.device.transmit_complete(token, &buffer) } {
                log::warn!("net: transmit completion failed: {error}");
            }
        }
    }

    /// Hands `frame` (header and frame) to the device; it is freed once sent.
    pub fn transmit(&mut self, frame: DmaBuf<'static>) -> Result<(), virtio_drivers::Error> {
        // SAFETY: the buffer stays in `in_flight` untouched until the device has used it.
        let token = unsafe { self.device.transmit_begin(&frame) }?;
        self.in_flight[usize::from(token)] = Some(frame);
        Ok(())
    }

    /// Whether a received frame waits.
    pub fn has_received(&self) -> bool {
        self.ready_len > 0
    }
}
