//! Waiting for a lock without spinning: a waiter halts, a kick wakes it.
//! Both lock algorithms park this way: a ticket waiter on `serving` with its
//! ticket, an unfair waiter on the lock's owner word with ticket 0 (it halts
//! while `0 - owner`, unsigned, is above 0: while the lock is held).
//!
//! A ticket lock hands itself to the next ticket, running or not. Under
//! emulation (or a hypervisor) with more virtual CPUs than host cores, the
//! CPU holding the next ticket may be descheduled while the others spin and
//! keep the host's cores busy, so each hand-off could wait a whole host time
//! slice. A waiter that halts gives its core back, and the CPU whose turn it
//! is gets to run. The waiter's interrupts are off (it may be an interrupt
//! handler, or hold other locks), so only a non-maskable interrupt can wake
//! it: the unlocker kicks the CPU whose turn it lets in (in case that one
//! spun out and parked "until my turn") and the one behind it (next in line
//! now, it parked "until next"), after the lock is free again, so no kick
//! lengthens a critical section.
//!
//! ```text
//!   waiter (ticket t, within 0 or 1)           kicker (serving just changed)
//!   record (lock, t); PARKED |= me             for each CPU in PARKED:
//!   answer cross-CPU calls                        record == (lock, t)? → NMI
//!   ┌ halt window ──────────────────┐
//!   │ t - serving <= within? → leave│
//!   │ hlt                           │ ◄── an NMI here skips to the window's end
//!   └───────────────────────────────┘
//!   PARKED &= !me; clear the record
//! ```
//!
//! The record is published before `serving` is read and `serving` is written
//! before the records are read, all with
//! sequentially consistent order, so either the waiter sees that it may go on
//! or the kicker sees the waiter. An NMI
//! that lands between the waiter's last look and its `hlt` would be lost, and
//! the CPU would sleep forever: so the NMI handler moves a return address
//! inside the halt window to the window's end ([`on_nmi`]). A spurious wake
//! costs one more look at `serving`.

use crate::arch::lapic;
use crate::arch::percpu::{self, PerCpu, MAX_CPUS};
use core::arch::global_asm;
use core::sync::atomic::{fence, AtomicU32, Ordering};
use x86_64::structures::idt::InterruptStackFrame;
use x86_64::VirtAddr;

/// Bit `n` is set while CPU `n` is parked (on any lock).
static PARKED: AtomicU32 = AtomicU32::new(0);

const _: () = assert!(MAX_CPUS <= u32::BITS as usize, "PARKED has a bit per CPU");

global_asm!(
    ".global kernel_park_halt",
    ".global kernel_park_window_start",
    ".global kernel_park_window_end",
    // rdi: the lock's `serving` word, esi: the waiter's ticket, edx: how
    // close to `serving` the ticket may be for the waiter to stay awake.
    "kernel_park_halt:",
    "kernel_park_window_start:",
    "    mov eax, esi",
    "    sub eax, dword ptr [rdi]",
    "    cmp eax, edx",
    "    jbe kernel_park_window_end",
    "    hlt",
    "kernel_park_window_end:",
    "    ret",
);

extern "C" {
    /// Halts unless `ticket - *serving <= within`; returns when an NMI
    /// arrives.
    fn kernel_park_halt(serving: *const AtomicU32, ticket: u32, within: u32);
    static kernel_park_window_start: u8;
    static kernel_park_window_end: u8;
}

/// Halts this CPU until it is kicked, unless `ticket` is already at most
/// `within` tickets past `serving` (0: its turn; 1: next in line). The caller
/// looks at `serving` again afterwards: a wake-up may be spurious (a
/// cross-CPU call also kicks parked CPUs).
///
/// Interrupts must be off (they are: the caller is in `IrqSpinLock::lock`).
pub(super) fn park(serving: &AtomicU32, ticket: u32, within: u32) {
    let cpu = percpu::current();
    if cpu.index() >= percpu::online() {
        // Still starting: its IDT may not be loaded, and an NMI would then
        // reset the machine. It spins instead.
        core::hint::spin_loop();
        return;
    }
    let bit = 1 << cpu.index();
    cpu.parked_ticket.store(ticket, Ordering::Relaxed);
    cpu.parked_on
        .store(core::ptr::from_ref(serving).cast_mut(), Ordering::Relaxed);
    PARKED.fetch_or(bit, Ordering::SeqCst);
    fence(Ordering::SeqCst);
    cpu.count_park();
    // A cross-CPU call posted before the bit was visible is answered here;
    // one posted after it kicks this CPU, and the NMI handler answers it.
    super::wait::do_duty();
    // SAFETY: `serving` is a live atomic word; the routine only reads it and
    // halts, and an NMI (the only thing that can end the halt with
    // interrupts off) returns past the window.
    unsafe { kernel_park_halt(serving, ticket, within) };
    PARKED.fetch_and(!bit, Ordering::SeqCst);
    cpu.parked_on
        .store(core::ptr::null_mut(), Ordering::Relaxed);
}

/// Wakes the CPU parked on `serving` with `ticket`, if there is one: its
/// turn has come, or it is next in line. Called with interrupts off, after
/// `serving` changed.
pub(super) fn kick(serving: &AtomicU32, ticket: u32) {
    fence(Ordering::SeqCst);
    let mut parked = PARKED.load(Ordering::SeqCst);
    while parked != 0 {
        let index = parked.trailing_zeros() as usize;
        parked &= parked - 1;
        let cpu = percpu::cpu(index).expect("only online CPUs park");
        if core::ptr::eq(cpu.parked_on.load(Ordering::SeqCst), serving)
            && cpu.parked_ticket.load(Ordering::Relaxed) == ticket
        {
            lapic::send_nmi(cpu.apic_id());
            return;
        }
    }
}

/// Wakes `cpu` if it is parked, so it answers what the caller posted (a
/// cross-CPU call) and parks again. Returns whether it was parked.
pub(crate) fn kick_if_parked(cpu: &PerCpu) -> bool {
    let parked = PARKED.load(Ordering::SeqCst) & (1 << cpu.index()) != 0;
    if parked {
        lapic::send_nmi(cpu.apic_id());
    }
    parked
}

/// The NMI handler's part: an NMI that interrupted a waiter inside the halt
/// window resumes it at the window's end, so a kick that came just before
/// the `hlt` is not lost.
pub(crate) fn on_nmi(frame: &mut InterruptStackFrame) {
    let start = VirtAddr::from_ptr(&raw const kernel_park_window_start);
    let end = VirtAddr::from_ptr(&raw const kernel_park_window_end);
    if (start..end).contains(&frame.instruction_pointer) {
        // SAFETY: the window's end is the `ret` of the routine the CPU is
        // in, with the same stack: resuming there skips only the look and
        // the `hlt`, and the caller looks again.
        unsafe {
            frame
                .as_mut()
                .update(|value| value.instruction_pointer = end)
        };
    }
}
