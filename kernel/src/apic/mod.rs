//! The APIC interrupt controllers: a local APIC per CPU (timer, IPIs, end of
//! interrupt) and the I/O APIC for device lines. The legacy PICs are remapped
//! out of the exception vectors and masked.
//!
//! ```text
//!   vector   source
//!   32       local APIC timer, every CPU (TIMER_HZ)
//!   32-47    legacy PICs, masked (only a spurious IRQ 7/15 can arrive)
//!   48-71    I/O APIC inputs, DEVICE_VECTOR_BASE + GSI (masked until routed)
//!   0xf0     IPI: wake from `hlt` (an idle CPU then runs posted work, `smp`)
//!   0xf1     IPI: TLB shootdown (`tlb`)
//!   0xf2     IPI: flush the heap's per-CPU caches (`allocator::flush`)
//!   0xff     local APIC spurious interrupt
//! ```

pub mod io;
pub mod local;
mod pit;
pub mod timer;

use crate::platform::Platform;

/// The local APIC timer's vector.
pub const TIMER_VECTOR: u8 = 32;
/// Vector of I/O APIC input (GSI) 0; GSI n arrives on `DEVICE_VECTOR_BASE + n`.
pub const DEVICE_VECTOR_BASE: u8 = 48;
/// IPI: wake an idle CPU.
pub const WAKE_VECTOR: u8 = 0xf0;
/// IPI: invalidate the posted TLB range.
pub const SHOOTDOWN_VECTOR: u8 = 0xf1;
/// IPI: flush the heap's per-CPU caches.
pub const FLUSH_VECTOR: u8 = 0xf2;
/// The local APIC's spurious-interrupt vector.
pub const SPURIOUS_VECTOR: u8 = 0xff;

/// Sets up the boot CPU's APIC and the I/O APIC, masks the legacy PICs and
/// calibrates the timer. Call with interrupts off, after `memory::init`.
pub fn init(platform: &Platform) {
    crate::pic::disable();
    local::map(platform.local_apic);
    local::enable(SPURIOUS_VECTOR);
    timer::calibrate();
    if let Some((address, gsi_base)) = platform.io_apic {
        io::init(address, gsi_base);
    }
}

/// Sets up an application processor's own APIC (the registers are mapped).
pub fn init_this_cpu() {
    local::enable(SPURIOUS_VECTOR);
}

/// Starts this CPU's periodic timer.
pub fn start_timer() {
    timer::start(TIMER_VECTOR);
}
