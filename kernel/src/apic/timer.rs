//! The local APIC timer: one periodic interrupt per CPU, calibrated once
//! against the PIT, and busy-wait delays.
//!
//! ```text
//!   calibrate (boot CPU, once):  PIT channel 2 counts 10 ms (polled through
//!                                port 0x61) while the APIC timer counts down
//!                                from 0xffff_ffff and the TSC counts up
//!                                → APIC ticks per ms, TSC cycles per ms
//!   delay_us:                    spin on the TSC (any number of CPUs at
//!                                once); before calibration only, the PIT
//!                                countdown, under a lock
//!   start (every CPU):           divide by 16, periodic, TIMER_VECTOR,
//!                                initial count = ticks per ms * 1000 / TIMER_HZ
//! ```
//!
//! The PIT has one channel 2 for the whole machine: two CPUs programming it
//! at once cut each other's waits short, which is why delays after boot do
//! not touch it. The TSC is per CPU but runs at one rate on all of them
//! (invariant TSC; QEMU's is the host's).

use super::local::{self, CURRENT_COUNT, DIVIDE, INITIAL_COUNT, LVT_TIMER};
use super::pit::{self, PIT_HZ};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Timer interrupts per second on each CPU.
pub const TIMER_HZ: u32 = 1000;

const CALIBRATION_MS: u32 = 10;
const _: () = assert!(PIT_HZ * CALIBRATION_MS / 1000 <= u16::MAX as u32);
const DIVIDE_BY_16: u32 = 0b0011;
const PERIODIC: u32 = 1 << 17;
const MASKED: u32 = 1 << 16;

/// APIC timer ticks per millisecond at divide-by-16 (0 before calibration).
static TICKS_PER_MS: AtomicU32 = AtomicU32::new(0);
/// TSC cycles per millisecond (0 before calibration).
static TSC_PER_MS: AtomicU64 = AtomicU64::new(0);

/// Measures the APIC timer's and the TSC's rates against the PIT; call once,
/// on the boot CPU, with interrupts off.
pub(super) fn calibrate() {
    local::write(DIVIDE, DIVIDE_BY_16);
    local::write(LVT_TIMER, MASKED);
    local::write(INITIAL_COUNT, u32::MAX);
    let tsc_start = tsc();
    pit::wait(PIT_HZ * CALIBRATION_MS / 1000);
    let tsc_elapsed = tsc() - tsc_start;
    let elapsed = u32::MAX - local::read(CURRENT_COUNT);
    local::write(INITIAL_COUNT, 0);
    TICKS_PER_MS.store((elapsed / CALIBRATION_MS).max(1), Ordering::Relaxed);
    TSC_PER_MS.store(
        (tsc_elapsed / u64::from(CALIBRATION_MS)).max(1),
        Ordering::Relaxed,
    );
}

/// TSC cycles per millisecond as calibrated against the PIT (`None` before
/// `apic::init`).
pub fn tsc_per_ms() -> Option<u64> {
    Some(TSC_PER_MS.load(Ordering::Relaxed)).filter(|&rate| rate != 0)
}

/// Waits at least `micros` microseconds, spinning (no interrupts needed);
/// several CPUs may wait at once.
pub fn delay_us(micros: u64) {
    let Some(per_ms) = tsc_per_ms() else {
        return pit::delay_us(micros);
    };
    let cycles = micros.saturating_mul(per_ms).div_ceil(1000);
    let start = tsc();
    while tsc().wrapping_sub(start) < cycles {
        core::hint::spin_loop();
    }
}

/// The CPU's time-stamp counter.
fn tsc() -> u64 {
    // SAFETY: rdtsc has no memory effects; every x86_64 CPU has it.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Starts this CPU's periodic timer on `vector` at [`TIMER_HZ`].
pub(super) fn start(vector: u8) {
    let per_ms = TICKS_PER_MS.load(Ordering::Relaxed);
    assert!(
        per_ms != 0,
        "the APIC timer was started before it was calibrated"
    );
    local::write(DIVIDE, DIVIDE_BY_16);
    local::write(LVT_TIMER, PERIODIC | u32::from(vector));
    local::write(INITIAL_COUNT, (per_ms * 1000 / TIMER_HZ).max(1));
}
