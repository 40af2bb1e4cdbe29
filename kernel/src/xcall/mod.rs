//! Cross-CPU calls: the one way to make other CPUs run something and wait
//! until they have. TLB shootdowns (`tlb`), magazine flushes
//! (`allocator::flush`) and work for every CPU (`smp::run_on_all`) are its
//! clients; every wait loop and the NMI handler answer through `answer`.
//!
//! ```text
//!   initiator (one per channel at a time)      every other online CPU
//!   targets = online CPUs but this one
//!   post call, targets (a sequence lock)
//!   IPI XCALL_VECTOR ────────────────────────► IPI handler / wait loop / idle
//!   run the call here                           loop / NMI: a newer call on a
//!   wait until each target's mailbox            channel allowed here? targeted?
//!   says "answered", kicking parked ones        run it; answered = its number
//!   with an NMI (channel Anywhere)
//! ```
//!
//! A call runs on a target only where its channel allows it:
//!
//! ```text
//!   channel    runs in                               for
//!   Anywhere   any wait loop, the IPI, the NMI       TLB shootdowns (no locks)
//!   Unlocked   a wait loop or the IPI, no lock held  magazine flushes (locks)
//!   Idle       an application processor's idle loop  work for every CPU
//! ```
//!
//! A CPU that waits for a lock with interrupts off cannot take the IPI, and
//! the CPU it waits for may hold the lock while it waits for this answer:
//! so every wait loop does the waiter's duty (`sync::relax`), which is
//! `answer`, and a waiter halted on a lock gets an NMI, whose handler
//! answers itself (a kick landing between the waiter's last look and its
//! `hlt` would otherwise be spent). The call is a closure on the initiator's
//! stack: it lives until every target has answered, and only targets run it.

mod mailbox;

use crate::arch::{irq_off, lapic, percpu, XCALL_VECTOR};
use crate::sync::{self, level, park, IrqMutex};
use core::sync::atomic::{AtomicBool, Ordering};
use mailbox::Posted;

/// Where a call may run on the CPUs it is posted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Anywhere, even inside a lock or an NMI: the call takes no lock.
    Anywhere = 0,
    /// Only where the CPU holds no lock: the call may take locks.
    Unlocked = 1,
    /// Only in an application processor's idle loop, with interrupts on:
    /// the call may run for as long as it likes.
    Idle = 2,
}

static POSTED: [Posted; percpu::CHANNELS] = [const { Posted::new() }; percpu::CHANNELS];
/// One initiator at a time on channel Anywhere. A lock that keeps interrupts
/// off: a handler on this CPU may need a shootdown too.
static ANYWHERE: IrqMutex<level::CrossCpuCall, ()> = IrqMutex::new(());
/// One initiator at a time on the other channels (whose initiators hold no
/// lock, and run the call themselves with interrupts as they were).
static POSTING: [AtomicBool; 2] = [const { AtomicBool::new(false) }; 2];

/// Makes [`answer`] what every waiting CPU does. Call once, at boot.
pub(crate) fn init() {
    sync::set_waiter_duty(answer);
}

/// Runs `call` on this CPU and on every other online CPU, where `channel`
/// allows it, and returns when all have run it.
///
/// Panics on channel `Unlocked` if this CPU holds a lock (the others' calls
/// may need it).
pub fn run_everywhere<F: Fn() + Sync>(channel: Channel, call: &F) {
    let _anywhere = (channel == Channel::Anywhere).then(|| ANYWHERE.lock());
    if channel == Channel::Unlocked {
        assert_eq!(
            irq_off::depth(),
            0,
            "a call on channel Unlocked with a lock held"
        );
    }
    let posting = (channel != Channel::Anywhere).then(|| &POSTING[channel as usize - 1]);
    if let Some(flag) = posting {
        while flag
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            sync::relax();
        }
    }
    let me = percpu::current().index();
    let targets = (0..percpu::online())
        .filter(|&index| index != me)
        .fold(0, |mask, index| mask | 1 << index);
    let posted = &POSTED[channel as usize];
    let number = (targets != 0).then(|| {
        // SAFETY: `call` outlives every target's run: this function returns
        // only after each target has answered `number`.
        let number = unsafe { posted.post(call, targets) };
        lapic::send_to_others(XCALL_VECTOR);
        number
    });
    call();
    if let Some(number) = number {
        wait_for_answers(channel, targets, number);
    }
    if let Some(flag) = posting {
        flag.store(false, Ordering::Release);
    }
}

/// Waits until every CPU in `targets` has answered call `number`; a target
/// halted on a lock gets an NMI (channel `Anywhere`; the others wait until
/// its locks are released and the IPI gets through).
fn wait_for_answers(channel: Channel, targets: u32, number: u64) {
    for index in (0..percpu::MAX_CPUS).filter(|index| targets & 1 << index != 0) {
        let cpu = percpu::cpu(index).expect("targets are online");
        let mut kicked = false;
        while cpu.answered[channel as usize].load(Ordering::Acquire) < number {
            if channel == Channel::Anywhere && !kicked {
                kicked = park::kick_if_parked(cpu);
            }
            sync::relax();
        }
    }
}

/// Answers the calls this CPU may run here: channel `Anywhere`, and
/// `Unlocked` when it holds no lock. Every wait loop, and the IPI handler.
pub(crate) fn answer() {
    mailbox::answer(
        &POSTED[Channel::Anywhere as usize],
        Channel::Anywhere as usize,
    );
    if irq_off::depth() == 0 {
        mailbox::answer(
            &POSTED[Channel::Unlocked as usize],
            Channel::Unlocked as usize,
        );
    }
}

/// Answers what an NMI may run: channel `Anywhere` only (the NMI may have
/// landed anywhere, inside a lock or a per-CPU cache's critical section).
pub(crate) fn answer_in_nmi() {
    mailbox::answer(
        &POSTED[Channel::Anywhere as usize],
        Channel::Anywhere as usize,
    );
}

/// Whether a call on any channel waits for this CPU.
pub(crate) fn pending() -> bool {
    (0..percpu::CHANNELS).any(|channel| POSTED[channel].waits_for_me(channel))
}

/// Answers every channel: an idle application processor, interrupts on, no
/// lock held.
pub(crate) fn answer_idle() {
    answer();
    mailbox::answer(&POSTED[Channel::Idle as usize], Channel::Idle as usize);
}
