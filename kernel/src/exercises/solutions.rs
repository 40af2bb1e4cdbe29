//! The reference solutions of the kernel exercises (feature `solutions`).

use super::walk::Walked;
use crate::memory::fault::{Broken, HeapWindow};
use alloc::string::String;
use x86_64::structures::idt::PageFaultErrorCode;
use x86_64::structures::paging::page_table::{PageTableEntry, PageTableFlags};
use x86_64::{PhysAddr, VirtAddr};

/// The walk: four levels from `root`, stopping early at a huge page.
pub(super) fn walk(root: PhysAddr, virt: VirtAddr) -> Option<Walked> {
    let physical_memory = crate::memory::physical_memory();
    let mut table = root;
    for level in (1..=4u32).rev() {
        let shift = 12 + 9 * (level - 1);
        let index = (virt.as_u64() >> shift) & 0x1ff;
        let entry_address = physical_memory + table.as_u64() + index * 8;
        // SAFETY: `table` is a page table (the root, then a present entry's target), mapped
        // through the physical-memory window; the entry is read by value.
        let entry = unsafe { entry_address.as_ptr::<PageTableEntry>().read_volatile() };
        let flags = entry.flags();
        if !flags.contains(PageTableFlags::PRESENT) {
            return None;
        }
        let huge = (level == 2 || level == 3) && flags.contains(PageTableFlags::HUGE_PAGE);
        if level == 1 || huge {
            let page_size = 1u64 << shift;
            let offset = virt.as_u64() & (page_size - 1);
            let frame = entry.addr().as_u64() & !(page_size - 1);
            return Some(Walked {
                physical: PhysAddr::new(frame + offset),
                page_size,
            });
        }
        table = entry.addr();
    }
    None
}

/// The console command `frag`.
pub(super) fn console_command(name: &str, args: &[&str]) -> Option<Result<String, String>> {
    if name != "frag" {
        return None;
    }
    if !args.is_empty() {
        return Some(Err("`frag` takes no arguments".into()));
    }
    let counters = crate::allocator::HEAP.heap().lock().counters();
    let (free, largest) = (counters.free_bytes, counters.largest_free_chunk);
    let percent = (100 * (free - largest)).checked_div(free).unwrap_or(0);
    Some(Ok(alloc::format!(
        "free: {free} bytes in {} chunks; largest: {largest} bytes; external fragmentation: {percent} %",
        counters.free_chunks
    )))
}

/// Every CPU flushes its own cache, then the heap is trimmed.
pub(super) fn flush_and_trim() -> crate::allocator::Trimmed {
    crate::smp::run_on_all(|_| {
        super::cpu_cache::flush_this_cpu();
    });
    crate::allocator::trim()
}

/// The heap's fault rule: the first of the five checks that fails names the bug.
pub(super) fn heap_fault_rule(
    address: u64,
    code: PageFaultErrorCode,
    window: HeapWindow,
) -> Result<(), Broken> {
    let breaks = [
        (
            address < window.start || address >= window.end,
            Broken::OutsideWindow,
        ),
        (address >= window.committed_end, Broken::BeyondCommitted),
        (
            code.contains(PageFaultErrorCode::PROTECTION_VIOLATION),
            Broken::Protection,
        ),
        (
            code.contains(PageFaultErrorCode::USER_MODE),
            Broken::UserMode,
        ),
        (
            code.contains(PageFaultErrorCode::INSTRUCTION_FETCH),
            Broken::InstructionFetch,
        ),
    ];
    match breaks.into_iter().find(|&(broken, _)| broken) {
        Some((_, rule)) => Err(rule),
        None => Ok(()),
    }
}
