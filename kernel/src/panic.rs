//! The end of every kernel panic: stop the other CPUs, report, then leave
//! QEMU with a verdict.
//!
//! The report must come out whatever state the panicking code left behind:
//! the serial lock or the heap lock may be held by the very code that
//! panicked, and a second panic may come from the report itself. So the
//! first step turns interrupts off, marks the panic as begun and makes
//! serial output bypass its lock; a panic inside the report ends the run at
//! once. The other CPUs are stopped with an NMI, as Linux's `smp_send_stop`
//! does: otherwise they run on while the report is printed, and one of them
//! might even end the run with its own verdict first.
//!
//! ```text
//!   panic ─► begin(): cli, mark, serial unlocked, NMI every other CPU ─┐
//!            other CPUs: NMI handler sees the mark ─► cli; hlt forever  │
//!   PANIC: <message> ─► heap report ─► exit 35  ◄──────────────────────┘
//!     └─ panic again while reporting ─► "PANIC while panicking" ─► exit 35
//! ```

use crate::arch::{lapic, percpu};
use crate::qemu::{exit_qemu, ExitCode};
use crate::serial_println;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicUsize, Ordering};

/// The index of the CPU reporting a panic, or [`NOBODY`].
static PANICKING_CPU: AtomicUsize = AtomicUsize::new(NOBODY);
const NOBODY: usize = usize::MAX;
/// CPUs that have stopped for the panic.
static STOPPED: AtomicUsize = AtomicUsize::new(0);
/// How many times the panicking CPU looks for the others to stop before it
/// reports anyway (a CPU may be stuck with NMIs blocked, inside an NMI).
const STOP_WAIT_SPINS: u32 = 10_000_000;

/// Whether a panic is being reported.
pub fn in_progress() -> bool {
    PANICKING_CPU.load(Ordering::Relaxed) != NOBODY
}

/// Starts reporting a panic: interrupts off for good, serial output unlocked,
/// every other CPU stopped. If this CPU was already reporting one, this is a
/// panic inside the report: it is printed in one line and the run ends with
/// the failure code. If another CPU is reporting one, this one stops.
pub fn begin(info: &PanicInfo) {
    x86_64::instructions::interrupts::disable();
    let me = percpu::current().index();
    match PANICKING_CPU.compare_exchange(NOBODY, me, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => {}
        Err(reporter) if reporter == me => {
            serial_println!("PANIC while panicking: {}", info.message());
            exit_qemu(ExitCode::Failure)
        }
        Err(_) => stop_here(),
    }
    crate::serial::bypass_lock();
    stop_other_cpus();
}

/// Sends every other online CPU an NMI and waits (boundedly) until each has
/// stopped in [`stop_here_if_stopping`].
fn stop_other_cpus() {
    let me = percpu::current().index();
    let others = percpu::online() - 1;
    if others == 0 {
        return;
    }
    for index in (0..percpu::online()).filter(|&index| index != me) {
        let cpu = percpu::cpu(index).expect("online CPUs have slots");
        lapic::send_nmi(cpu.apic_id());
    }
    for _ in 0..STOP_WAIT_SPINS {
        if STOPPED.load(Ordering::Acquire) >= others {
            return;
        }
        core::hint::spin_loop();
    }
    serial_println!(
        "panic: only {} of {others} other CPUs stopped",
        STOPPED.load(Ordering::Acquire)
    );
}

/// The NMI handler's first step: if another CPU is panicking, this one stops
/// here for good, with interrupts off.
pub(crate) fn stop_here_if_stopping() {
    let reporter = PANICKING_CPU.load(Ordering::SeqCst);
    if reporter != NOBODY && reporter != percpu::current().index() {
        stop_here();
    }
}

fn stop_here() -> ! {
    STOPPED.fetch_add(1, Ordering::Release);
    loop {
        x86_64::instructions::interrupts::disable();
        x86_64::instructions::hlt();
    }
}

/// Prints `PANIC: <message>` and what the heap and memory counters say, then
/// exits QEMU with the failure code.
pub fn fail(info: &PanicInfo) -> ! {
    begin(info);
    report(info)
}

/// The second half of [`fail`], for a panic handler that has already called
/// [`begin`] (to look at the panic before deciding it is a failure).
pub fn report(info: &PanicInfo) -> ! {
    serial_println!("PANIC: {info}");
    crate::stats::report_after_panic();
    exit_qemu(ExitCode::Failure)
}

/// How many other CPUs have stopped for the panic.
pub fn stopped_cpus() -> usize {
    STOPPED.load(Ordering::Acquire)
}
