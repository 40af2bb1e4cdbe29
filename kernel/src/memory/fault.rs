//! Page faults: map a heap page on first touch, or explain the bug.
//!
//! The rules, checked in order; the first that fails names the bug:
//!
//! ```text
//!   0. the address is not a stack's guard page    else "stack overflow: ..."
//!   1. the address is inside the heap window      else "outside the heap window"
//!   2. it is below the committed end              else "beyond the committed arena"
//!   3. the page is not present                    else "protection violation"
//!   4. the access came from kernel mode           else "user-mode access"
//!   5. it is not an instruction fetch             else "instruction fetch from the heap"
//!   then: take a frame, zero it, map it writable and non-executable, return
//! ```
//!
//! Rule 0 is the kernel's always. Rules 1 to 5 are [`heap_rule`], unless exercise 8
//! installed its own (`fault_rule.rs`, feature `exercises`); [`map_on_demand`] still
//! refuses a page outside the committed heap window, whoever let it through.
//!
//! This path never touches the heap or its lock: the faulting code may hold
//! the heap lock (the heap writes its tags into fresh pages). It takes only the
//! memory lock, which no code holds while touching heap memory: finding it
//! held by its own CPU is a bug, held by another CPU means waiting.

use super::{counters, fault_rule, guards, window, MEMORY};
use core::fmt;
use x86_64::structures::idt::PageFaultErrorCode;
use x86_64::structures::paging::{Mapper, Page, PageTableFlags, Size4KiB};
use x86_64::VirtAddr;

/// The rule a page fault broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    /// The address is a stack's guard page: that stack overflowed.
    StackOverflow(guards::Guarded),
    /// The address is outside the heap window.
    OutsideWindow,
    /// The address is in the window but above the committed arena.
    BeyondCommitted,
    /// The page is present: the access broke its protection.
    Protection,
    /// User mode touched the heap.
    UserMode,
    /// The CPU tried to execute heap memory.
    InstructionFetch,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::StackOverflow(guards::Guarded { stack, cpu }) => {
                write!(
                    f,
                    "stack overflow: {stack} of CPU {cpu} ran into its guard page"
                )
            }
            Self::OutsideWindow => f.write_str("outside the heap window"),
            Self::BeyondCommitted => f.write_str("beyond the committed arena"),
            Self::Protection => f.write_str("protection violation"),
            Self::UserMode => f.write_str("user-mode access"),
            Self::InstructionFetch => f.write_str("instruction fetch from the heap"),
        }
    }
}

/// The heap window as a fault sees it: where it starts, how much is committed, where it
/// ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapWindow {
    /// The first address of the window.
    pub start: u64,
    /// The end of the committed arena: pages below it may be mapped on demand.
    pub committed_end: u64,
    /// The end of the window.
    pub end: u64,
}

impl HeapWindow {
    /// The window now.
    pub fn now() -> Self {
        Self {
            start: window::HEAP_WINDOW_START,
            committed_end: window::committed_end(),
            end: window::window_end(),
        }
    }
}

/// Which rule a fault broke, or that it may be served: rule 0, then the heap rule in use.
pub fn classify(address: u64, code: PageFaultErrorCode) -> Result<(), Broken> {
    if let Some(stack) = guards::guarded_by(address) {
        return Err(Broken::StackOverflow(stack));
    }
    fault_rule::current()(address, code, HeapWindow::now())
}

/// Rules 1 to 5, the kernel's own: a fault is served only if it is a kernel-mode read or
/// write of a not-present page in the committed part of the heap window.
pub fn heap_rule(address: u64, code: PageFaultErrorCode, window: HeapWindow) -> Result<(), Broken> {
    if !(window.start..window.end).contains(&address) {
        Err(Broken::OutsideWindow)
    } else if address >= window.committed_end {
        Err(Broken::BeyondCommitted)
    } else if code.contains(PageFaultErrorCode::PROTECTION_VIOLATION) {
        Err(Broken::Protection)
    } else if code.contains(PageFaultErrorCode::USER_MODE) {
        Err(Broken::UserMode)
    } else if code.contains(PageFaultErrorCode::INSTRUCTION_FETCH) {
        Err(Broken::InstructionFetch)
    } else {
        Ok(())
    }
}

/// Maps a zeroed frame at the page holding `address`, which [`classify`]
/// accepted, taking the frame reserved for it when the page was committed.
///
/// Waits while another CPU holds the memory lock. Panics when this CPU holds
/// it (a fault inside frame or table code is a bug), when the page is no longer committed by the time the lock is held,
/// when no frame is reserved (the commit charge lost count), or when the
/// page-table bump is exhausted.
pub fn map_on_demand(address: u64) {
    // SAFETY: asking the raw lock who holds it changes nothing.
    if unsafe { MEMORY.raw() }.held_by_this_cpu() {
        panic!("page fault at {address:#x} while this CPU holds the memory lock: frame or table code touched the heap");
    }
    // Another CPU may be mapping or trimming: wait for it.
    let mut memory = MEMORY.lock();
    let memory = memory
        .as_mut()
        .expect("page fault in the heap window before memory::init");
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(address));
    assert!(
        address >= window::HEAP_WINDOW_START,
        "no heap page to map at {address:#x}: below the heap window (the fault rule let it through)"
    );
    assert!(
        address < window::committed_end(),
        "page fault at {address:#x}: {} (decommitted meanwhile)",
        Broken::BeyondCommitted
    );
    let Some(frame) = memory.frames.take_reserved() else {
        panic!(
            "no frame reserved for committed heap page {:#x}: the commit charge lost count",
            page.start_address()
        );
    };
    let frame_bytes: *mut u8 =
        (memory.physical_memory + frame.start_address().as_u64()).as_mut_ptr();
    // SAFETY: the frame was just handed out, so nothing else uses it, and it is
    // mapped through the physical-memory window.
    unsafe { frame_bytes.write_bytes(0, page.size() as usize) };
    let flags = PageTableFlags::PRESENT | PageTableFlags::WRITABLE | PageTableFlags::NO_EXECUTE;
    // SAFETY: the page is in the committed heap window and not present, and the
    // frame is fresh, so this creates the only mapping of both.
    let mapped = unsafe {
        let mut tables = memory.tables.reserved();
        memory.mapper.map_to(page, frame, flags, &mut tables)
    };
    match mapped {
        Ok(flush) => flush.flush(),
        Err(error) => panic!(
            "mapping heap page {:#x} failed: {error:?} (no page table reserved for it: \
             the table charge lost count)",
            page.start_address()
        ),
    }
    counters::page_fault_served();
}
