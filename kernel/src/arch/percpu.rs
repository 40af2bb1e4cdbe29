//! Per-CPU data, reached through the GS base.
//!
//! Every CPU owns one [`PerCpu`] slot of a static array; its GS base points
//! at the slot, whose first word points at the slot itself, so `current()` is
//! one `mov rax, gs:[0]`:
//!
//! ```text
//!   CPU n:  GS base ──► CPUS[n] { self ─┐, index n, APIC id, interrupt nesting,
//!                        ▲              │  cross-CPU mailbox, locks held, … }
//!                        └──────────────┘
//! ```
//!
//! Until the boot CPU has set its GS base (the first thing `kernel::init`
//! does), [`current`] answers slot 0, so code that runs earlier (a log line)
//! still works on the boot CPU. A slot is only touched by its own CPU, with
//! interrupts off, except for the fields other CPUs read (index, APIC id,
//! the mailbox's answers), which are atomics.

use super::irq_off::Nesting;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicU8, Ordering};
use x86_64::registers::model_specific::GsBase;
use x86_64::VirtAddr;

/// Most CPUs the kernel brings up.
pub const MAX_CPUS: usize = 16;

/// Cross-CPU call channels, each with a word in every CPU's mailbox (`xcall`).
pub const CHANNELS: usize = 3;

/// One CPU's own data.
#[repr(C)]
pub struct PerCpu {
    /// Points at this slot: the word `gs:[0]` reads.
    this: AtomicPtr<PerCpu>,
    index: AtomicU32,
    apic_id: AtomicU32,
    /// The interrupt nesting state (`arch::irq_off`).
    pub(crate) nesting: Nesting,
    /// This CPU's mailbox (`xcall`): per channel, the newest call it has
    /// answered (other CPUs wait for it) …
    pub(crate) answered: [AtomicU64; CHANNELS],
    /// … and the channels whose call it is running now (bit per channel).
    pub(crate) answering: AtomicU8,
    /// Locks this CPU holds, four bits per lock level (`sync::order`).
    pub(crate) held_locks: AtomicU64,
    /// Timer interrupts this CPU has taken.
    ticks: AtomicU64,
    /// Wake-up IPIs this CPU has taken.
    wakeups: AtomicU64,
    /// The `serving` word of the lock this CPU is parked on (`sync::park`).
    pub(crate) parked_on: AtomicPtr<AtomicU32>,
    /// The ticket this CPU is parked with.
    pub(crate) parked_ticket: AtomicU32,
    /// Times this CPU halted waiting for a lock.
    parks: AtomicU64,
    /// Page-sized allocations left before this CPU samples one into the
    /// guard-page pool (`allocator::kfence`).
    pub(crate) sample_countdown: AtomicU32,
}

impl PerCpu {
    const fn new() -> Self {
        Self {
            this: AtomicPtr::new(core::ptr::null_mut()),
            index: AtomicU32::new(0),
            apic_id: AtomicU32::new(0),
            nesting: Nesting::new(),
            answered: [const { AtomicU64::new(0) }; CHANNELS],
            answering: AtomicU8::new(0),
            held_locks: AtomicU64::new(0),
            ticks: AtomicU64::new(0),
            wakeups: AtomicU64::new(0),
            parked_on: AtomicPtr::new(core::ptr::null_mut()),
            parked_ticket: AtomicU32::new(0),
            parks: AtomicU64::new(0),
            sample_countdown: AtomicU32::new(0),
        }
    }

    /// This CPU's index: 0 for the boot CPU, then in the order CPUs started.
    pub fn index(&self) -> usize {
        self.index.load(Ordering::Relaxed) as usize
    }

    /// This CPU's local APIC id.
    pub fn apic_id(&self) -> u32 {
        self.apic_id.load(Ordering::Relaxed)
    }

    /// Timer interrupts this CPU has taken.
    pub fn ticks(&self) -> u64 {
        self.ticks.load(Ordering::Relaxed)
    }

    /// Counts a timer interrupt on this CPU.
    pub(crate) fn count_tick(&self) {
        self.ticks.fetch_add(1, Ordering::Relaxed);
    }

    /// Wake-up IPIs this CPU has taken.
    pub fn wakeups(&self) -> u64 {
        self.wakeups.load(Ordering::Relaxed)
    }

    /// Counts a wake-up IPI on this CPU.
    pub(crate) fn count_wakeup(&self) {
        self.wakeups.fetch_add(1, Ordering::Relaxed);
    }

    /// Times this CPU halted waiting for a lock.
    pub fn parks(&self) -> u64 {
        self.parks.load(Ordering::Relaxed)
    }

    /// Counts a halt while waiting for a lock.
    pub(crate) fn count_park(&self) {
        self.parks.fetch_add(1, Ordering::Relaxed);
    }
}

static CPUS: [PerCpu; MAX_CPUS] = [const { PerCpu::new() }; MAX_CPUS];
/// Whether the boot CPU's GS base is set (before, `current` answers slot 0).
static GS_READY: AtomicBool = AtomicBool::new(false);
/// CPUs running kernel code (slots `0..ONLINE`).
static ONLINE: AtomicU32 = AtomicU32::new(1);

/// The running CPU's slot.
pub fn current() -> &'static PerCpu {
    if !GS_READY.load(Ordering::Relaxed) {
        return &CPUS[0];
    }
    let this: *const PerCpu;
    // SAFETY: the GS base of every CPU points at its slot, whose first word
    // points at the slot; reading it has no other effect.
    unsafe {
        core::arch::asm!("mov {}, gs:[0]", out(reg) this, options(nostack, readonly, preserves_flags));
        &*this
    }
}

/// The slot of CPU `index`, if it is online.
pub fn cpu(index: usize) -> Option<&'static PerCpu> {
    (index < online()).then(|| &CPUS[index])
}

/// How many CPUs run kernel code.
pub fn online() -> usize {
    ONLINE.load(Ordering::Acquire) as usize
}

/// Makes slot `index` this CPU's own and points the GS base at it.
///
/// Panics if `index` is not below [`MAX_CPUS`].
pub fn init_this_cpu(index: usize, apic_id: u32) {
    let slot = &CPUS[index];
    slot.this
        .store((slot as *const PerCpu).cast_mut(), Ordering::Relaxed);
    slot.index.store(index as u32, Ordering::Relaxed);
    slot.apic_id.store(apic_id, Ordering::Relaxed);
    GsBase::write(VirtAddr::from_ptr(slot));
    if index == 0 {
        GS_READY.store(true, Ordering::Release);
    }
}

/// Counts one more CPU online; called by each application processor once its
/// slot is set up. Returns the new count. SeqCst: a CPU posting a cross-CPU
/// call reads the count after posting, and either counts this CPU or this
/// CPU sees the call (`xcall`).
pub fn mark_online() -> usize {
    ONLINE.fetch_add(1, Ordering::SeqCst) as usize + 1
}
