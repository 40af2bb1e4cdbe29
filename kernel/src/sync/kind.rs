//! Which lock algorithm every `IrqMutex` uses: fair or unfair, chosen once at
//! boot.
//!
//! A fair (ticket) lock hands itself to the next ticket, running or not. On
//! bare metal, or with no more virtual CPUs than host cores, the next CPU is
//! running and the hand-off is quick. When a hypervisor runs more virtual
//! CPUs than it has cores, the next ticket's CPU is often descheduled, and
//! every hand-off waits for the host to run exactly that one: throughput
//! collapses (lock-waiter preemption). An unfair lock goes to whichever
//! waiter runs. So, as Linux's `virt_spin_lock()` does without a
//! paravirtual kick, the kernel picks the unfair lock when CPUID says it
//! runs under a hypervisor, and the fair one otherwise; the runner can force
//! either (`make run LOCK=fair|unfair`, passed through QEMU's `fw_cfg`).

use crate::arch::{irq_off, percpu};
use core::sync::atomic::{AtomicU8, Ordering};

/// A lock algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// Tickets, served in order; waiters behind the next one halt.
    Fair,
    /// Test-and-test-and-set with bounded exponential back-off.
    Unfair,
}

impl LockKind {
    /// The kind for this machine: unfair under a hypervisor, fair on bare
    /// metal.
    pub fn for_this_machine() -> Self {
        if crate::arch::under_hypervisor() {
            Self::Unfair
        } else {
            Self::Fair
        }
    }

    /// Parses `fair` or `unfair`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "fair" => Some(Self::Fair),
            "unfair" => Some(Self::Unfair),
            _ => None,
        }
    }

    /// The name `parse` reads.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fair => "fair",
            Self::Unfair => "unfair",
        }
    }
}

/// The kind in force: 0 fair, 1 unfair. Fair until `choose` says otherwise.
static KIND: AtomicU8 = AtomicU8::new(0);

/// The lock algorithm in force.
pub fn kind() -> LockKind {
    match KIND.load(Ordering::Relaxed) {
        0 => LockKind::Fair,
        _ => LockKind::Unfair,
    }
}

/// Makes `kind` the algorithm of every lock.
///
/// Panics unless only this CPU runs and it holds no lock: both algorithms
/// read a free lock the same way, but not a held one.
pub fn choose(kind: LockKind) {
    assert!(
        percpu::online() == 1 && irq_off::depth() == 0,
        "the lock kind is chosen at boot, with one CPU and no lock held ({} CPUs online, {} \
         locks held here)",
        percpu::online(),
        irq_off::depth()
    );
    KIND.store(kind as u8, Ordering::Relaxed);
}
