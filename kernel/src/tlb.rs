//! TLB shootdown: after unmapping pages, make every other CPU forget them
//! before their frames are used again.
//!
//! A CPU may keep a translation in its TLB after the page table entry is gone;
//! if the frame then went to someone else, that CPU could still write into it.
//! So the CPU that unmapped asks every CPU to flush the range, through a
//! cross-CPU call on channel `Anywhere` (a flush takes no lock, so it may run
//! inside any wait loop and in the NMI handler), and frees the frames only
//! once all have:
//!
//! ```text
//!   unmap ─► shoot_down(range) ─► xcall: every CPU invlpg's each page (or
//!                                 flushes all) ─► all answered ─► free frames
//! ```
//!
//! A CPU coming online flushes its whole TLB after it is counted online
//! (`flush_all_on_arrival`): a shootdown posted before that did not wait
//! for it, and it may have cached a translation since it loaded the kernel's
//! page tables.

use crate::arch::PAGE_SIZE;
use crate::xcall::{self, Channel};
use core::ops::Range;
use x86_64::instructions::tlb;
use x86_64::VirtAddr;

/// Above this many pages a CPU flushes its whole TLB instead of page by page.
const FLUSH_ALL_ABOVE: u64 = 32;

/// Invalidates `range` (page-aligned) on this CPU and every other online CPU,
/// returning once all have done it.
pub fn shoot_down(range: Range<u64>) {
    xcall::run_everywhere(Channel::Anywhere, &|| flush(range.clone()));
}

/// Flushes this CPU's whole TLB; an application processor calls it once it
/// is counted online, before it answers any call.
pub(crate) fn flush_all_on_arrival() {
    tlb::flush_all();
}

fn flush(range: Range<u64>) {
    if (range.end - range.start) / PAGE_SIZE > FLUSH_ALL_ABOVE {
        tlb::flush_all();
        return;
    }
    for page in (range.start..range.end).step_by(PAGE_SIZE as usize) {
        tlb::flush(VirtAddr::new(page));
    }
}
