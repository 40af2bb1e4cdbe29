//! Guard pages: unmapped pages right below each stack, so an overflow faults
//! at once and the page-fault report names the stack that overflowed.
//!
//! ```text
//!   [ guard page: not mapped | stack ......................... top ]
//!     ▲ a push past the bottom lands here → page fault → "stack overflow:
//!       the page-fault handler's stack ran into its guard page"
//! ```
//!
//! The bootloader leaves one below the kernel stack; `arm` unmaps the one
//! reserved below each IST stack (`gdt`). A page fault on an IST stack is
//! delivered on that stack's top again, so even the page-fault handler's own
//! overflow gets reported.

use super::{Memory, PAGE_SIZE};
use crate::arch::percpu::MAX_CPUS;
use crate::gdt;
use crate::sync::{level, IrqMutex};
use bootloader_api::BootInfo;
use x86_64::structures::paging::{Mapper, Page, Size4KiB};
use x86_64::VirtAddr;

/// Room for every guard page the kernel registers: three stacks per CPU.
const SLOTS: usize = 3 * MAX_CPUS;

/// A stack whose guard page was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guarded {
    /// What the stack is.
    pub stack: &'static str,
    /// The CPU it belongs to.
    pub cpu: usize,
}

/// Guard pages (their start) and what they guard.
static GUARDS: IrqMutex<level::StackGuards, [Option<(u64, Guarded)>; SLOTS]> =
    IrqMutex::new([None; SLOTS]);

/// Unmaps the guard pages of the stacks in `gdt` and records every guard page,
/// the boot CPU's kernel stack's (left unmapped by the bootloader) included.
pub(super) fn arm(memory: &mut Memory, boot_info: &BootInfo) {
    for (guard, stack, cpu) in gdt::guard_pages() {
        let page = Page::<Size4KiB>::from_start_address(guard).expect("guard pages are aligned");
        match memory.mapper.unmap(page) {
            // The frame stays with the kernel image it was loaded with.
            Ok((_frame, flush)) => flush.flush(),
            Err(error) => {
                panic!("unmapping the guard page of {stack} of CPU {cpu} failed: {error:?}")
            }
        }
        register(guard, Guarded { stack, cpu });
    }
    let kernel_stack = VirtAddr::new(boot_info.kernel_stack_bottom);
    register(
        kernel_stack - PAGE_SIZE,
        Guarded {
            stack: "the kernel stack",
            cpu: 0,
        },
    );
}

/// Records the guard page at `guard` (page-aligned) of `stack`.
pub fn register(guard: VirtAddr, stack: Guarded) {
    let mut guards = GUARDS.lock();
    let slot = guards
        .iter_mut()
        .find(|slot| slot.is_none())
        .expect("no room left to register a guard page");
    *slot = Some((guard.as_u64(), stack));
}

/// The stack whose guard page holds `address`, if it is one. Never waits: a
/// fault while the list is being changed is not reported as an overflow.
pub fn guarded_by(address: u64) -> Option<Guarded> {
    let guards = GUARDS.try_lock()?;
    guards
        .iter()
        .flatten()
        .find(|(guard, _)| (*guard..*guard + PAGE_SIZE).contains(&address))
        .map(|&(_, stack)| stack)
}
