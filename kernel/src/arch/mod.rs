//! The bottom layer: what the processor itself gives every other module.
//!
//! ```text
//!   interrupts, smp, panic, console, workloads      ▲ each layer imports
//!   devices: apic, irq, timer, serial, pci,         │ only from the ones
//!            virtio, net                            │
//!   allocator: the heap window's hook, trim         │ below it
//!   memory: frames, page tables, window, DMA, MMIO  │
//!   tlb: shootdowns                                 │
//!   xcall: post work to other CPUs, wait for acks   │
//!   sync: locks, their order, how waiters park      │
//!   arch: PAGE_SIZE, vectors, TSC, per-CPU slots,   │
//!         nested interrupts-off, local APIC IPIs ───┘
//! ```
//!
//! Nothing here imports another kernel module outside `arch`.

pub mod backtrace;
pub mod irq_off;
pub mod lapic;
pub mod percpu;

/// The size of a page and of a frame.
pub const PAGE_SIZE: u64 = 4096;

// Interrupt vectors:
//
//   vector   source
//   32       local APIC timer, every CPU (apic::timer)
//   32-47    legacy PICs, masked (only a spurious IRQ 7/15 can arrive)
//   48-63    I/O APIC lines, DEVICE_VECTOR_BASE + GSI (masked until routed)
//   0xf0     IPI: a cross-CPU call was posted (xcall)
//   0xff     local APIC spurious interrupt
//   NMI      a cross-CPU call for a CPU halted with interrupts off (xcall),
//            or a kick for a CPU parked on a lock (sync::park)

/// The local APIC timer's vector.
pub const TIMER_VECTOR: u8 = 32;
/// Vector of I/O APIC input (GSI) 0; GSI n arrives on `DEVICE_VECTOR_BASE + n`.
pub const DEVICE_VECTOR_BASE: u8 = 48;
/// IPI: look in this CPU's mailbox (`xcall`).
pub const XCALL_VECTOR: u8 = 0xf0;
/// The local APIC's spurious-interrupt vector.
pub const SPURIOUS_VECTOR: u8 = 0xff;

/// The CPU's time-stamp counter.
pub fn tsc() -> u64 {
    // SAFETY: rdtsc has no memory effects; every x86_64 CPU has it.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Whether CPUID says the kernel runs under a hypervisor (leaf 1, ECX bit
/// 31): then a virtual CPU may be descheduled while it holds a ticket
/// (`sync` picks its lock by this).
pub fn under_hypervisor() -> bool {
    let features = core::arch::x86_64::__cpuid(1);
    features.ecx & (1 << 31) != 0
}
