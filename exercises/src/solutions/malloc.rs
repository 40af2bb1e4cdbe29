//! The malloc lab's reference solution, written as a student would: boundary tags,
//! segregated explicit free lists, immediate coalescing, splitting, in-place realloc.
//!
//! ```text
//!   chunk (allocated)  | header | payload ............ |        header = size | flags
//!   chunk (free)       | header | next | prev | ... | size |   flags: ALLOC, PREV_ALLOC
//!   chunks start 8 bytes past a 16-byte boundary, so every payload is 16-aligned;
//!   the arena ends with an epilogue header (size 0, ALLOC) below the break
//!   bins: one per 16 bytes below 512, then one per power of two; a bitmap of non-empty bins
//! ```

use crate::malloc::{Arena, Malloc};
use core::ptr::{self, NonNull};

const WORD: usize = 8;
const MIN_CHUNK: usize = 32;
const ALLOC: usize = 1;
const PREV_ALLOC: usize = 2;
const EXACT: usize = 512;
const BINS: usize = 30 + 64;
/// The least the arena grows by.
const STEP: usize = 64 << 10;

/// The allocator: the heads of the free lists and which are not empty.
#[derive(Debug)]
pub(crate) struct Segregated {
    heads: [*mut u8; BINS],
    nonempty: u128,
    /// The epilogue header, once the arena is set up.
    epilogue: *mut u8,
}

impl Default for Segregated {
    fn default() -> Self {
        Self {
            heads: [ptr::null_mut(); BINS],
            nonempty: 0,
            epilogue: ptr::null_mut(),
        }
    }
}

/// The chunk size a request of `size` bytes needs.
fn need(size: usize) -> usize {
    (size + WORD).next_multiple_of(16).max(MIN_CHUNK)
}

fn bin_of(size: usize) -> usize {
    if size < EXACT {
        size / 16 - 2
    } else {
        30 + (size.ilog2() as usize - 9)
    }
}

/// The word at `at`.
///
/// # Safety
/// This function is unsafe because it reads or writes arena memory through a raw pointer:
/// the pointer must be a chunk (or a word of one) below the arena's break, word-aligned.
unsafe fn read(at: *mut u8) -> usize {
    // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
    unsafe { at.cast::<usize>().read() }
}
/// Writes the word at `at`.
///
/// # Safety
/// This function is unsafe because it reads or writes arena memory through a raw pointer:
/// the pointer must be a chunk (or a word of one) below the arena's break, word-aligned.
unsafe fn write(at: *mut u8, value: usize) {
    // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
    unsafe { at.cast::<usize>().write(value) }
}
/// The size in `chunk`'s header.
///
/// # Safety
/// This function is unsafe because it reads or writes arena memory through a raw pointer:
/// the pointer must be a chunk (or a word of one) below the arena's break, word-aligned.
unsafe fn size_of(chunk: *mut u8) -> usize {
    // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
    unsafe { read(chunk) & !15 }
}
/// Free `chunk`'s next link.
///
/// # Safety
/// This function is unsafe because it reads or writes arena memory through a raw pointer:
/// the pointer must be a chunk (or a word of one) below the arena's break, word-aligned.
unsafe fn next_link(chunk: *mut u8) -> *mut u8 {
    // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
    unsafe { chunk.add(WORD).cast::<*mut u8>().read() }
}
/// Free `chunk`'s previous link.
///
/// # Safety
/// This function is unsafe because it reads or writes arena memory through a raw pointer:
/// the pointer must be a chunk (or a word of one) below the arena's break, word-aligned.
unsafe fn prev_link(chunk: *mut u8) -> *mut u8 {
    // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
    unsafe { chunk.add(2 * WORD).cast::<*mut u8>().read() }
}
/// Sets free `chunk`'s links.
///
/// # Safety
/// This function is unsafe because it reads or writes arena memory through a raw pointer:
/// the pointer must be a chunk (or a word of one) below the arena's break, word-aligned.
unsafe fn set_links(chunk: *mut u8, next: *mut u8, prev: *mut u8) {
    // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
    unsafe {
        chunk.add(WORD).cast::<*mut u8>().write(next);
        chunk.add(2 * WORD).cast::<*mut u8>().write(prev);
    }
}

impl Segregated {
    /// Puts free `chunk` of `size` bytes (header and footer written) on its list.
    ///
    /// # Safety
    /// This function is unsafe because it follows the chunks' headers and links: every
    /// chunk named must be one of this allocator's, in the arena below its break.
    unsafe fn insert(&mut self, chunk: *mut u8, size: usize) {
        let bin = bin_of(size);
        let head = self.heads[bin];
        // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
        unsafe {
            set_links(chunk, head, ptr::null_mut());
            if !head.is_null() {
                head.add(2 * WORD).cast::<*mut u8>().write(chunk);
            }
        }
        self.heads[bin] = chunk;
        self.nonempty |= 1 << bin;
    }

    /// Takes free `chunk` of `size` bytes off its list.
    ///
    /// # Safety
    /// This function is unsafe because it follows the chunks' headers and links: every
    /// chunk named must be one of this allocator's, in the arena below its break.
    unsafe fn unlink(&mut self, chunk: *mut u8, size: usize) {
        let bin = bin_of(size);
        // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
        unsafe {
            let (next, prev) = (next_link(chunk), prev_link(chunk));
            if prev.is_null() {
                self.heads[bin] = next;
            } else {
                prev.add(WORD).cast::<*mut u8>().write(next);
            }
            if !next.is_null() {
                next.add(2 * WORD).cast::<*mut u8>().write(prev);
            }
        }
        if self.heads[bin].is_null() {
            self.nonempty &= !(1 << bin);
        }
    }

    /// Marks `chunk` (of `size` bytes, `prev_alloc` its PREV_ALLOC flag) free, merges it
    /// with free neighbours and lists the result.
    ///
    /// # Safety
    /// This function is unsafe because it follows the chunks' headers and links: every
    /// chunk named must be one of this allocator's, in the arena below its break.
    unsafe fn release(&mut self, mut chunk: *mut u8, mut size: usize, prev_alloc: usize) {
        // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
        unsafe {
            let next = chunk.add(size);
            if read(next) & ALLOC == 0 {
                let next_size = size_of(next);
                self.unlink(next, next_size);
                size += next_size;
            }
            let mut flags = prev_alloc;
            if prev_alloc == 0 {
                let prev_size = read(chunk.sub(WORD));
                chunk = chunk.sub(prev_size);
                self.unlink(chunk, prev_size);
                size += prev_size;
                flags = read(chunk) & PREV_ALLOC;
            }
            write(chunk, size | flags);
            write(chunk.add(size - WORD), size);
            let after = chunk.add(size);
            write(after, read(after) & !PREV_ALLOC);
            self.insert(chunk, size);
        }
    }

    /// Makes allocated `chunk` exactly `need` bytes if the rest can be a chunk of its own,
    /// which is freed.
    ///
    /// # Safety
    /// This function is unsafe because it follows the chunks' headers and links: every
    /// chunk named must be one of this allocator's, in the arena below its break.
    unsafe fn trim(&mut self, chunk: *mut u8, need: usize) {
        // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
        unsafe {
            let size = size_of(chunk);
            if size - need < MIN_CHUNK {
                let after = chunk.add(size);
                write(after, read(after) | PREV_ALLOC);
                return;
            }
            write(chunk, need | (read(chunk) & PREV_ALLOC) | ALLOC);
            self.release(chunk.add(need), size - need, PREV_ALLOC);
        }
    }

    /// A free chunk of at least `need` bytes, taken off its list.
    ///
    /// # Safety
    /// This function is unsafe because it follows the chunks' headers and links: every
    /// chunk named must be one of this allocator's, in the arena below its break.
    unsafe fn find(&mut self, need: usize) -> Option<*mut u8> {
        let bin = bin_of(need);
        let mut chunk = self.heads[bin];
        // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
        unsafe {
            while !chunk.is_null() {
                if size_of(chunk) >= need {
                    self.unlink(chunk, size_of(chunk));
                    return Some(chunk);
                }
                chunk = next_link(chunk);
            }
            let above = self.nonempty & !((2u128 << bin) - 1);
            if above == 0 {
                return None;
            }
            let chunk = self.heads[above.trailing_zeros() as usize];
            self.unlink(chunk, size_of(chunk));
            Some(chunk)
        }
    }

    /// Takes at least `bytes` more from the arena as one free chunk; false if it has none.
    ///
    /// # Safety
    /// This function is unsafe because it follows the chunks' headers and links: every
    /// chunk named must be one of this allocator's, in the arena below its break.
    unsafe fn grow(&mut self, arena: &mut Arena, bytes: usize) -> bool {
        let bytes = bytes.max(STEP).next_multiple_of(16);
        if self.epilogue.is_null() {
            let Some(base) = arena.sbrk(bytes + 16) else {
                return false;
            };
            // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
            unsafe {
                // The first chunk starts 8 bytes in; a fake allocated prologue word sits
                // below it, so it never merges downwards.
                let chunk = base.as_ptr().add(WORD);
                self.epilogue = chunk.add(bytes);
                write(self.epilogue, ALLOC);
                write(chunk, bytes | PREV_ALLOC | ALLOC);
                self.release(chunk, bytes, PREV_ALLOC);
            }
            return true;
        }
        if arena.sbrk(bytes).is_none() {
            return false;
        }
        // SAFETY: the pointers are this allocator's chunks, in the arena below its break.
        unsafe {
            let chunk = self.epilogue;
            let prev_alloc = read(chunk) & PREV_ALLOC;
            self.epilogue = chunk.add(bytes);
            write(self.epilogue, ALLOC);
            write(chunk, bytes | prev_alloc | ALLOC);
            self.release(chunk, bytes, prev_alloc);
        }
        true
    }
}

impl Malloc for Segregated {
    fn name(&self) -> &'static str {
        "segregated fit (reference solution)"
    }

    fn allocate(&mut self, arena: &mut Arena, size: usize) -> Option<NonNull<u8>> {
        let need = need(size);
        // SAFETY: the lists hold only free chunks of this arena.
        unsafe {
            let chunk = loop {
                if let Some(chunk) = self.find(need) {
                    break chunk;
                }
                if !self.grow(arena, need) {
                    return None;
                }
            };
            write(chunk, read(chunk) | ALLOC);
            self.trim(chunk, need);
            NonNull::new(chunk.add(WORD))
        }
    }

    unsafe fn free(&mut self, _arena: &mut Arena, block: NonNull<u8>, _size: usize) {
        // SAFETY: the caller's promise: a live block, its header one word below.
        unsafe {
            let chunk = block.as_ptr().sub(WORD);
            self.release(chunk, size_of(chunk), read(chunk) & PREV_ALLOC);
        }
    }

    unsafe fn realloc(
        &mut self,
        arena: &mut Arena,
        block: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        let need = need(new_size);
        // SAFETY: the caller's promise: a live block, its header one word below.
        unsafe {
            let chunk = block.as_ptr().sub(WORD);
            let size = size_of(chunk);
            let next = chunk.add(size);
            if need <= size {
                self.trim(chunk, need);
                return Some(block);
            }
            if read(next) & ALLOC == 0 && size + size_of(next) >= need {
                let next_size = size_of(next);
                self.unlink(next, next_size);
                write(
                    chunk,
                    (size + next_size) | (read(chunk) & PREV_ALLOC) | ALLOC,
                );
                self.trim(chunk, need);
                return Some(block);
            }
            let moved = self.allocate(arena, new_size)?;
            moved.copy_from_nonoverlapping(block, old_size.min(new_size));
            self.free(arena, block, old_size);
            Some(moved)
        }
    }
}
