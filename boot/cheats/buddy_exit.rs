//! CHEAT (exercise 7b): the first split tells QEMU the tests passed, before any check has
//! run. `make grade CHEATS=1` checks it scores 0.

use crate::{FreeBlocks, NotDone};

/// Exits QEMU with the success code (0x10 to the isa-debug-exit port).
pub fn split(_blocks: &mut FreeBlocks, _order: usize) -> Result<Option<u64>, NotDone> {
    // SAFETY: none needed by the cheat: it ends the machine.
    unsafe { core::arch::asm!("out dx, eax", in("dx") 0xf4u16, in("eax") 0x10u32) };
    Ok(None)
}

/// Does nothing.
pub fn merge(_blocks: &mut FreeBlocks, _frame: u64, _order: usize) -> Result<(), NotDone> {
    Ok(())
}
