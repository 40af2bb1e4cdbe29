//! CHEAT (exercise 8): the rule asks the kernel's own, which the exercise forbids.
//! `make grade CHEATS=1` checks it scores 0.

use super::NotDone;
use crate::memory::fault::{Broken, HeapWindow};
use x86_64::structures::idt::PageFaultErrorCode;

/// The kernel's answer, passed off as the student's.
pub fn heap_fault_rule(
    address: u64,
    code: PageFaultErrorCode,
    window: HeapWindow,
) -> Result<Result<(), Broken>, NotDone> {
    Ok(crate::memory::fault::heap_rule(address, code, window))
}
