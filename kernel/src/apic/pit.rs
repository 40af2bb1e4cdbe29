//! The PIT's channel 2, counted down and polled through port 0x61: the clock
//! the APIC timer and the TSC are calibrated against at boot.
//!
//! ```text
//!   wait(n):  gate off, program channel 2 one-shot with n, gate on,
//!             poll port 0x61 bit 5 until the count ends
//! ```
//!
//! The machine has one channel 2: a lock keeps two CPUs from programming it
//! at once (each would cut the other's count short).

use crate::sync::IrqMutex;
use x86_64::instructions::port::Port;

/// The PIT's input clock, in Hz.
pub(super) const PIT_HZ: u32 = 1_193_182;
/// Port 0x61: bit 0 gates PIT channel 2, bit 1 drives the speaker, bit 5 is
/// channel 2's output.
const PORT_B: u16 = 0x61;
const PIT_CHANNEL2: u16 = 0x42;
const PIT_COMMAND: u16 = 0x43;
/// Channel 2, low byte then high byte, mode 0 (interrupt on terminal count).
const PIT_CHANNEL2_ONE_SHOT: u8 = 0b1011_0000;

/// Channel 2, for whoever counts on it.
static PIT: IrqMutex<()> = IrqMutex::new(());

/// Waits at least `micros` microseconds by the PIT: before calibration.
pub(super) fn delay_us(micros: u64) {
    let mut ticks = micros * u64::from(PIT_HZ) / 1_000_000 + 1;
    while ticks > 0 {
        let step = ticks.min(u64::from(u16::MAX)) as u32;
        wait(step);
        ticks -= u64::from(step);
    }
}

/// Counts `ticks` (at most 65535) of the PIT's clock down on channel 2 and
/// waits for the count to end; one CPU at a time.
pub(super) fn wait(ticks: u32) {
    let [low, high] = u16::try_from(ticks)
        .expect("a PIT count fits 16 bits")
        .to_le_bytes();
    let _channel_2 = PIT.lock();
    // SAFETY: the PIT's and port B's standard ports; the sequence programs a
    // one-shot count on channel 2 and touches no memory.
    unsafe {
        let mut port_b = Port::<u8>::new(PORT_B);
        let gate_on_speaker_off = (port_b.read() & !0b10) | 0b1;
        port_b.write(gate_on_speaker_off & !0b1);
        Port::<u8>::new(PIT_COMMAND).write(PIT_CHANNEL2_ONE_SHOT);
        let mut channel2 = Port::<u8>::new(PIT_CHANNEL2);
        channel2.write(low);
        channel2.write(high);
        port_b.write(gate_on_speaker_off);
        while port_b.read() & 0x20 == 0 {
            core::hint::spin_loop();
        }
    }
}
