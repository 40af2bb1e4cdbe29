//! The local APIC timer: one periodic interrupt per CPU, calibrated once
//! against the PIT.
//!
//! ```text
//!   calibrate (boot CPU, once):  PIT channel 2 counts 10 ms (polled through
//!                                port 0x61) while the APIC timer counts down
//!                                from 0xffff_ffff → APIC ticks per ms
//!   delay_us:                    the same PIT countdown, for waits before
//!                                interrupts run (starting other CPUs)
//!   start (every CPU):           divide by 16, periodic, TIMER_VECTOR,
//!                                initial count = ticks per ms * 1000 / TIMER_HZ
//! ```

use crate::arch::lapic::{self, CURRENT_COUNT, DIVIDE, INITIAL_COUNT, LVT_TIMER};
use core::sync::atomic::{AtomicU32, Ordering};
use x86_64::instructions::port::Port;

/// Timer interrupts per second on each CPU.
pub const TIMER_HZ: u32 = 1000;

const PIT_HZ: u32 = 1_193_182;
const CALIBRATION_MS: u32 = 10;
const _: () = assert!(PIT_HZ * CALIBRATION_MS / 1000 <= u16::MAX as u32);
const DIVIDE_BY_16: u32 = 0b0011;
const PERIODIC: u32 = 1 << 17;
const MASKED: u32 = 1 << 16;
/// Port 0x61: bit 0 gates PIT channel 2, bit 1 drives the speaker, bit 5 is
/// channel 2's output.
const PORT_B: u16 = 0x61;
const PIT_CHANNEL2: u16 = 0x42;
const PIT_COMMAND: u16 = 0x43;
/// Channel 2, low byte then high byte, mode 0 (interrupt on terminal count).
const PIT_CHANNEL2_ONE_SHOT: u8 = 0b1011_0000;

/// APIC timer ticks per millisecond at divide-by-16 (0 before calibration).
static TICKS_PER_MS: AtomicU32 = AtomicU32::new(0);

/// Measures the APIC timer's rate against the PIT; call once, on the boot CPU,
/// with interrupts off.
pub(super) fn calibrate() {
    lapic::write(DIVIDE, DIVIDE_BY_16);
    lapic::write(LVT_TIMER, MASKED);
    lapic::write(INITIAL_COUNT, u32::MAX);
    pit_wait(PIT_HZ * CALIBRATION_MS / 1000);
    let elapsed = u32::MAX - lapic::read(CURRENT_COUNT);
    lapic::write(INITIAL_COUNT, 0);
    TICKS_PER_MS.store((elapsed / CALIBRATION_MS).max(1), Ordering::Relaxed);
}

/// Waits at least `micros` microseconds, by the PIT (no interrupts needed).
pub fn delay_us(micros: u64) {
    let mut ticks = micros * u64::from(PIT_HZ) / 1_000_000 + 1;
    while ticks > 0 {
        let step = ticks.min(u64::from(u16::MAX)) as u32;
        pit_wait(step);
        ticks -= u64::from(step);
    }
}

/// Counts `ticks` (at most 65535) of the PIT's clock down on channel 2 and
/// waits for the count to end.
fn pit_wait(ticks: u32) {
    let [low, high] = u16::try_from(ticks)
        .expect("a PIT count fits 16 bits")
        .to_le_bytes();
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

/// Starts this CPU's periodic timer on `vector` at [`TIMER_HZ`].
pub(super) fn start(vector: u8) {
    let per_ms = TICKS_PER_MS.load(Ordering::Relaxed);
    assert!(
        per_ms != 0,
        "the APIC timer was started before it was calibrated"
    );
    lapic::write(DIVIDE, DIVIDE_BY_16);
    lapic::write(LVT_TIMER, PERIODIC | u32::from(vector));
    lapic::write(INITIAL_COUNT, (per_ms * 1000 / TIMER_HZ).max(1));
}
