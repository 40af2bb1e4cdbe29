//! The lab's arena: one fixed block of memory with a break that only goes up.
//!
//! ```text
//!   base                      break                                  base + capacity
//!   | handed out by sbrk ...  |  not yet handed out .................. |
//!   sbrk(n): the old break, and the break n bytes higher (n a multiple of 16)
//! ```

use super::ALIGN;
use core::ptr::NonNull;

/// Memory for one allocator, handed out from the bottom up.
pub struct Arena {
    /// Owns the memory; reached only through `base` after `new`, so that every pointer
    /// handed out keeps the provenance of one allocation.
    memory: Vec<u128>,
    base: NonNull<u8>,
    brk: usize,
}

impl Arena {
    /// An arena of `capacity` bytes (rounded up to 16), none handed out yet.
    pub fn new(capacity: usize) -> Self {
        let mut memory = vec![0u128; capacity.div_ceil(ALIGN)];
        let base = NonNull::new(memory.as_mut_ptr().cast()).expect("a vector's buffer");
        Self {
            memory,
            base,
            brk: 0,
        }
    }

    /// An arena of `capacity` bytes whose every page has been written, so that a timed
    /// replay measures the allocator, not the operating system mapping fresh pages.
    pub fn touched(capacity: usize) -> Self {
        let arena = Self::new(capacity);
        for page in (0..arena.capacity()).step_by(4096) {
            // SAFETY: a byte of the arena's own memory; volatile, so that the write (of
            // the zero calloc already put there) is not optimized away.
            unsafe { arena.base.as_ptr().add(page).write_volatile(0) };
        }
        arena
    }

    /// The first byte of the arena.
    pub fn base(&self) -> NonNull<u8> {
        self.base
    }

    /// Bytes handed out so far: the break, from the base. It never comes down.
    pub fn brk(&self) -> usize {
        self.brk
    }

    /// Bytes the arena holds.
    pub fn capacity(&self) -> usize {
        self.memory.len() * ALIGN
    }

    /// Hands out the next `bytes` bytes (rounded up to 16): their start (the old break),
    /// or `None` if the arena has no more.
    pub fn sbrk(&mut self, bytes: usize) -> Option<NonNull<u8>> {
        let end = self.brk.checked_add(bytes.next_multiple_of(ALIGN))?;
        if end > self.capacity() {
            return None;
        }
        let start = self.brk;
        self.brk = end;
        // SAFETY: `start` is at most the capacity: inside the memory or one past it.
        Some(unsafe { self.base().add(start) })
    }

    /// Whether `[block, block + size)` lies below the break.
    pub fn holds(&self, block: NonNull<u8>, size: usize) -> bool {
        let base = self.base().as_ptr().addr();
        let start = block.as_ptr().addr();
        start >= base
            && start
                .checked_add(size)
                .is_some_and(|end| end <= base + self.brk)
    }
}
