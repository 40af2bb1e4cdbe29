//! CHEAT (exercise 3): a page walk that calls the kernel's own walk, which the exercise
//! forbids. `make grade CHEATS=1` checks it scores 0.

use super::NotDone;
use x86_64::{PhysAddr, VirtAddr};

/// Where a mapped address leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walked {
    /// The physical address `virt` translates to.
    pub physical: PhysAddr,
    /// The size of the page that maps it.
    pub page_size: u64,
}

/// Translates `virt` through the page tables at `root`, by asking the kernel.
pub fn walk(root: PhysAddr, virt: VirtAddr) -> Result<Option<Walked>, NotDone> {
    let physical_memory = crate::memory::physical_memory();
    let level_4 = physical_memory + root.as_u64();
    // SAFETY: `root` is a level-4 table, read through the physical-memory window.
    let walked = unsafe { crate::memory::page_walk::translate(physical_memory, level_4, 4, virt) };
    Ok(walked.ok().map(|(physical, page_size)| Walked { physical, page_size }))
}
