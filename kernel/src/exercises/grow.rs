//! EXERCISE 8: the page-fault rule that grows the heap (`docs/15-growth-lab.md`).
//!
//! The heap commits window space without mapping it (chapter 4); the first touch of each
//! new page faults, and the page-fault handler must decide: a heap page to map now, or a
//! bug to report. Write that decision. With `window` (where the heap window starts, where
//! its committed part ends, where it ends) and the CPU's error code, check in this order
//! and return the first rule the fault breaks:
//!
//! ```text
//!   1. the address is inside the window (start ≤ address < end)   else OutsideWindow
//!   2. it is below the committed end                              else BeyondCommitted
//!   3. the page is not present (no PROTECTION_VIOLATION bit)      else Protection
//!   4. the access came from kernel mode (no USER_MODE bit)        else UserMode
//!   5. it is not an instruction fetch (no INSTRUCTION_FETCH bit)  else InstructionFetch
//!   then Ok(()): the handler maps a zeroed frame there and the access retries
//! ```
//!
//! The kernel already has this rule; `make grade` gives no points to a file that names
//! it (`heap_rule`, `classify`) or the mapping step (`map_on_demand`).

use super::NotDone;
use crate::memory::fault::{Broken, HeapWindow};
use x86_64::structures::idt::PageFaultErrorCode;

/// Whether a fault at `address` with error `code`, in the heap `window`, is a heap page to
/// map (`Ok(Ok(()))`) or a bug (`Ok(Err(rule))`).
#[cfg(not(feature = "solutions"))]
pub fn heap_fault_rule(
    _address: u64,
    _code: PageFaultErrorCode,
    _window: HeapWindow,
) -> Result<Result<(), Broken>, NotDone> {
    Err(NotDone(
        "heap growth: write `heap_fault_rule` in kernel/src/exercises/grow.rs",
    ))
}

/// Whether a fault at `address` with error `code`, in the heap `window`, is a heap page to
/// map (`Ok(Ok(()))`) or a bug (`Ok(Err(rule))`).
#[cfg(feature = "solutions")]
pub fn heap_fault_rule(
    address: u64,
    code: PageFaultErrorCode,
    window: HeapWindow,
) -> Result<Result<(), Broken>, NotDone> {
    Ok(super::solutions::heap_fault_rule(address, code, window))
}
