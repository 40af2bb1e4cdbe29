//! COM1's receive side: the interrupt handler, with the receiver as its
//! context, and the reader's end.

use super::{with_port, Received};
use crate::irq::{self, Handled, IrqError, Registration};
use crate::sync::IrqMutex;
use alloc::sync::Arc;
use uart_16550::spec::registers::IER;

/// COM1's interrupt line.
const COM1_IRQ: u8 = 4;
/// Received bytes kept at most while nobody reads them.
pub const RECEIVE_LIMIT: usize = 64 * 1024;

/// The receive interrupt's registration and its context, kept for as long as
/// the kernel runs.
static RECEIVING: IrqMutex<Option<(Registration, Arc<Receiver>)>> = IrqMutex::new(None);

/// The receive handler's context: what it received.
struct Receiver {
    received: IrqMutex<Received>,
}

/// Turns on COM1's receive interrupt; from now on received bytes collect in
/// a buffer for [`read_byte`]. Calling it again changes nothing.
pub fn start_receiving() -> Result<(), IrqError> {
    let mut receiving = RECEIVING.lock();
    if receiving.is_none() {
        let receiver = Arc::new(Receiver {
            received: IrqMutex::new(Received::new(RECEIVE_LIMIT)),
        });
        let line = irq::isa_line(COM1_IRQ)?;
        let registration = irq::register(line, receiver.clone(), on_receive)?;
        *receiving = Some((registration, receiver));
        with_port(|port| port.inner_mut().enable_interrupts(IER::DATA_READY));
        // The host's test runner waits for this line before it types.
        log::info!("COM1 receives input (IRQ {COM1_IRQ})");
    }
    Ok(())
}

/// The next received byte, if one is waiting.
pub fn read_byte() -> Option<u8> {
    let receiving = RECEIVING.lock();
    let byte = receiving.as_ref()?.1.received.lock().pop();
    byte
}

/// Received bytes dropped because the queue was full or could not grow.
pub fn dropped_bytes() -> u64 {
    let receiving = RECEIVING.lock();
    receiving
        .as_ref()
        .map_or(0, |(_, receiver)| receiver.received.lock().dropped())
}

/// COM1's interrupt handler: moves every waiting byte into the queue (which
/// may grow, allocating from the heap here); its own if there was one.
fn on_receive(receiver: &Receiver) -> Handled {
    let mut chunk = [0u8; 16];
    let mut handled = Handled::NotMine;
    loop {
        let count = with_port(|port| port.inner_mut().receive_bytes(&mut chunk));
        if count == 0 {
            return handled;
        }
        handled = Handled::Mine;
        receiver.received.lock().push(&chunk[..count]);
    }
}
