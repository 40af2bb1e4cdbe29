//! The APIC interrupt controllers: a local APIC per CPU (timer, IPIs, end of
//! interrupt) and the I/O APIC for device lines. The legacy PICs are remapped
//! out of the exception vectors and masked. The vectors are listed in
//! [`crate::arch`]; the local APIC's registers are reached through
//! [`crate::arch::lapic`], which this module maps.

pub mod io;
mod pit;
pub mod timer;

use crate::arch::{lapic, SPURIOUS_VECTOR, TIMER_VECTOR};
use crate::memory::mmio;
use crate::platform::Platform;

/// Sets up the boot CPU's APIC and the I/O APIC, masks the legacy PICs and
/// calibrates the timer. Call with interrupts off, after `memory::init`.
pub fn init(platform: &Platform) {
    crate::pic::disable();
    let physical = platform.local_apic;
    // SAFETY: the MADT names this page as the local APICs' registers.
    let registers = unsafe { mmio::map(physical, 4096) }
        .unwrap_or_else(|error| panic!("mapping the local APIC at {physical:#x}: {error}"));
    // SAFETY: an uncached mapping of the local APIC's page, kept for ever.
    unsafe { lapic::install(registers.leak().as_ptr().cast()) };
    lapic::enable(SPURIOUS_VECTOR);
    timer::calibrate();
    if let Some((address, gsi_base)) = platform.io_apic {
        io::init(address, gsi_base);
    }
}

/// Sets up an application processor's own APIC (the registers are mapped).
pub fn init_this_cpu() {
    lapic::enable(SPURIOUS_VECTOR);
}

/// Starts this CPU's periodic timer.
pub fn start_timer() {
    timer::start(TIMER_VECTOR);
}
