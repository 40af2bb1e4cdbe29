//! Bringing up every CPU, and running work on all of them.
//!
//! ```text
//!   boot CPU                                   application processor (AP)
//!   copy the trampoline below 1 MiB
//!   for each AP in the MADT:
//!     hand over stack + index
//!     INIT, 10 ms, STARTUP, 200 us, STARTUP ─► real mode at the trampoline
//!                                              ─► long mode ─► ap_entry(index):
//!                                                 kernel CR3, GS → its slot,
//!                                                 GDT/TSS/IDT, local APIC
//!     wait (up to a second) for it  ◄───────── online += 1
//!                                                 timer on, idle: hlt until
//!                                                 work is posted
//! ```
//!
//! A CPU that does not answer in time is reported, parked with another INIT,
//! and skipped. [`run_on_all`] posts a function every online CPU runs once.

mod trampoline;
mod work;

pub use work::run_on_all;

use crate::apic::{self, timer::delay_us};
use crate::arch::lapic;
use crate::arch::percpu::{self, MAX_CPUS};
use crate::{gdt, interrupts, tlb};
use bootloader_api::info::{MemoryRegionKind, MemoryRegions};
use core::sync::atomic::{AtomicU64, Ordering};
use trampoline::Trampoline;
use x86_64::registers::control::{Cr3, Cr3Flags};
use x86_64::structures::paging::PhysFrame;
use x86_64::PhysAddr;

/// How long a CPU may take from its first startup IPI to being online. Under
/// emulation (TCG) on a busy host a start takes tens of milliseconds.
const START_TIMEOUT_US: u64 = 1_000_000;
const POLL_US: u64 = 1_000;

/// The kernel's level-4 table, which every AP switches to first.
static KERNEL_CR3: AtomicU64 = AtomicU64::new(0);

/// What [`start_all`] did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Started {
    /// CPUs online now, the boot CPU included.
    pub online: usize,
    /// CPUs the MADT lists that did not come up (or found no free slot).
    pub missing: usize,
    /// Microseconds from the first INIT to the last CPU online, as the PIT counts.
    pub micros: u64,
}

/// Starts every application processor the MADT lists (up to [`MAX_CPUS`] in
/// all). Call once, on the boot CPU, with interrupts off, after `kernel::init`.
pub fn start_all(regions: &MemoryRegions) -> Started {
    let platform = crate::platform::get().expect("kernel::init read the platform");
    let physical_memory = crate::memory::physical_memory();
    let aps = platform.cpus.iter().skip(1).take(MAX_CPUS - 1);
    if aps.len() == 0 {
        return Started {
            online: percpu::online(),
            ..Started::default()
        };
    }
    KERNEL_CR3.store(Cr3::read().0.start_address().as_u64(), Ordering::Release);
    let base = low_memory(regions).expect("no usable low memory for the AP trampoline");
    // SAFETY: the frame allocator never hands out memory below 1 MiB, so the
    // usable pages at `base` are free for the trampoline.
    let trampoline = unsafe { Trampoline::install(base, physical_memory, ap_entry) };
    let mut started = Started::default();
    for &apic_id in aps {
        let index = percpu::online();
        trampoline.hand_over(gdt::kernel_stack_top(index), index);
        let waited = start_one(&trampoline, apic_id, index);
        started.micros += waited.unwrap_or(START_TIMEOUT_US);
        match waited {
            Some(micros) => log::info!("CPU {index} (APIC id {apic_id}) is up after {} us", micros),
            None => {
                log::warn!("CPU with APIC id {apic_id} did not answer within a second: skipped");
                lapic::send_init(apic_id);
                started.missing += 1;
            }
        }
    }
    started.online = percpu::online();
    started
}

/// Sends INIT-SIPI-SIPI to `apic_id` and waits for it to come online as CPU
/// `index`; the microseconds it took, or `None` on time-out.
fn start_one(trampoline: &Trampoline, apic_id: u32, index: usize) -> Option<u64> {
    let is_up = || percpu::online() > index;
    lapic::send_init(apic_id);
    delay_us(10_000);
    lapic::send_startup(apic_id, trampoline.page());
    delay_us(200);
    if !is_up() {
        lapic::send_startup(apic_id, trampoline.page());
    }
    let mut waited = 200;
    while !is_up() {
        if waited >= START_TIMEOUT_US {
            return None;
        }
        delay_us(POLL_US);
        waited += POLL_US;
    }
    Some(waited)
}

/// The lowest usable run of trampoline pages below 1 MiB (page 0 excluded).
fn low_memory(regions: &MemoryRegions) -> Option<u64> {
    let size = trampoline::PAGES * 4096;
    regions
        .iter()
        .filter(|r| r.kind == MemoryRegionKind::Usable)
        .map(|r| {
            (
                r.start.max(0x1000).next_multiple_of(4096),
                r.end.min(0x10_0000),
            )
        })
        .find(|&(start, end)| start + size <= end)
        .map(|(start, _)| start)
}

/// Where an application processor enters the kernel, on its own stack.
extern "C" fn ap_entry(index: u64) -> ! {
    let level_4 = PhysFrame::containing_address(PhysAddr::new(KERNEL_CR3.load(Ordering::Acquire)));
    // SAFETY: the kernel's level-4 table maps everything the trampoline's did
    // in the upper half, where this code and its stack run.
    unsafe { Cr3::write(level_4, Cr3Flags::empty()) };
    percpu::init_this_cpu(index as usize, lapic::id());
    gdt::init();
    interrupts::init();
    apic::init_this_cpu();
    percpu::mark_online();
    // Shootdowns posted before this CPU was counted did not wait for it.
    tlb::flush_all_on_arrival();
    crate::timer::start();
    work::idle()
}
