//! Free-list links as they lie in memory. Every read and write of a free chunk's `next` and
//! `prev` link goes through here, so no other module knows how a link is stored.
//!
//! With the `harden` feature a link is stored mangled, glibc's safe-linking with a per-heap
//! secret on top (as Linux's `SLAB_FREELIST_HARDENED` keeps one per cache):
//!
//! ```text
//!   stored = link ^ key(slot)       slot: the address of the link word itself
//!   key(slot) = ((slot >> 12) ^ secret) & !(GRANULE - 1)
//! ```
//!
//! A stray write into a freed block (a pointer, a length, text) then demangles to an address
//! that fails the checks every unlink makes (`checking/integrity.rs`) instead of being
//! followed. The key's low four bits are clear, so a stored link keeps the link's low bits:
//! bit 0 of a free chunk's first word stays clear (the chunk below reads it as "free",
//! `chunk.rs`), a bin mark keeps its bit 0, and a demangled chunk base that is not one word
//! past a granule boundary is caught. The address is changed with `map_addr`, so a link keeps
//! its provenance. Without `harden` the key is 0 and these are plain reads and writes.

use crate::tags::layout::chunk::GRANULE;
use crate::tags::layout::free_chunk::FreeChunk;
use crate::tags::Heap;
use crate::OutOfMemory;

/// The secret of a heap nobody seeded: enough against stray writes, not against an attacker
/// who has read this file (seed it with [`Heap::set_link_secret`]).
#[cfg(feature = "harden")]
pub(crate) const DEFAULT_SECRET: usize = 0x5f3c_9e17_u32 as usize & !(GRANULE - 1);

/// The mask a link stored in `slot` is xored with, for the heap secret `secret`: none
/// without `harden`.
#[inline(always)]
fn key(slot: *mut *mut u8, secret: usize) -> usize {
    if cfg!(feature = "harden") {
        ((slot.addr() >> 12) ^ secret) & !(GRANULE - 1)
    } else {
        0
    }
}

impl<G: OutOfMemory> Heap<G> {
    /// The heap's link secret (0 without `harden`: links are stored as they are).
    #[inline(always)]
    fn secret(&self) -> usize {
        #[cfg(feature = "harden")]
        return self.link_secret;
        #[cfg(not(feature = "harden"))]
        0
    }

    /// Reads the link stored in `slot`.
    ///
    /// # Safety
    /// This function is unsafe because it reads `slot`, which must be a readable link word.
    #[inline(always)]
    pub(crate) unsafe fn read_link(&self, slot: *mut *mut u8) -> *mut u8 {
        let key = key(slot, self.secret());
        // SAFETY: forwarded contract.
        unsafe { slot.read() }.map_addr(|stored| stored ^ key)
    }

    /// What a link word at `slot` holds for `link`.
    #[inline(always)]
    pub(crate) fn stored_form(&self, slot: *mut *mut u8, link: *mut u8) -> *mut u8 {
        let key = key(slot, self.secret());
        link.map_addr(|addr| addr ^ key)
    }

    /// Stores `link` in `slot`.
    ///
    /// # Safety
    /// This function is unsafe because it writes `slot`, which must be a writable link word.
    #[inline(always)]
    pub(crate) unsafe fn write_link(&self, slot: *mut *mut u8, link: *mut u8) {
        // SAFETY: forwarded contract.
        unsafe { slot.write(self.stored_form(slot, link)) }
    }

    /// The `next` link of the free chunk at `base`, unchecked (see `integrity.rs`).
    ///
    /// # Safety
    /// This function is unsafe because it reads `base`'s first word: `base` must be a free chunk.
    #[inline(always)]
    pub(crate) unsafe fn next_free(&self, base: *mut u8) -> *mut u8 {
        // SAFETY: a free chunk holds its links in its first two words.
        unsafe { self.read_link(FreeChunk::at(base).next_slot()) }
    }

    /// The `prev` link of the free chunk at `base`, unchecked.
    ///
    /// # Safety
    /// This function is unsafe because it reads `base`'s second word: `base` must be a free chunk.
    #[inline(always)]
    pub(crate) unsafe fn prev_free(&self, base: *mut u8) -> *mut u8 {
        // SAFETY: as for `next_free`.
        unsafe { self.read_link(FreeChunk::at(base).prev_slot()) }
    }

    /// The links of the free chunk at `base`; with `harden` they are proven first
    /// (`checking/integrity.rs`).
    ///
    /// # Safety
    /// This function is unsafe because it reads `base`'s links: `base` must be a free chunk.
    #[cfg(not(feature = "harden"))]
    #[inline(always)]
    pub(crate) unsafe fn checked_links(&self, base: *mut u8) -> (*mut u8, *mut u8) {
        // SAFETY: forwarded contract.
        unsafe { (self.next_free(base), self.prev_free(base)) }
    }

    /// Seeds the secret that free-list links are mangled with (feature `harden`; without it
    /// this does nothing). Pass something unpredictable, once at start-up: a kernel may use
    /// `RDRAND` or the time-stamp counter. Links already in the lists are stored again under
    /// the new secret (a walk over the free chunks), so the heap may be in use.
    pub fn set_link_secret(&mut self, seed: u64) {
        #[cfg(feature = "harden")]
        {
            // Truncating on 32-bit targets is fine: any bits will do.
            #[allow(clippy::cast_possible_truncation)]
            let new = (seed as usize ^ DEFAULT_SECRET) & !(GRANULE - 1);
            for bin in 0..self.bins.len() {
                let mut node = self.bins[bin];
                while !node.is_null() {
                    // SAFETY: every node of a bin list is a linked free chunk, whose links
                    // are stored under the current secret; both are read before either is
                    // stored again under the new one.
                    unsafe {
                        let (next, prev) = (self.next_free(node), self.prev_free(node));
                        let old = core::mem::replace(&mut self.link_secret, new);
                        let chunk = FreeChunk::at(node);
                        self.write_link(chunk.next_slot(), next);
                        self.write_link(chunk.prev_slot(), prev);
                        self.link_secret = old;
                        node = next;
                    }
                }
            }
            self.link_secret = new;
        }
        #[cfg(not(feature = "harden"))]
        let _ = seed;
    }
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn a_link_is_mangled_only_with_harden() {
        let slot = core::ptr::without_provenance_mut(0x7f12_3456_7890);
        assert_eq!(key(slot, 0) != 0, cfg!(feature = "harden"));
    }
}
