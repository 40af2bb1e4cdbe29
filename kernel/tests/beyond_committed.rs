//! A write inside the heap window but above the committed arena is a bug (a
//! pointer past the heap's end), not a page to map.
#![no_std]
#![no_main]

kernel::must_panic!(
    "beyond_committed::write_past_the_arena_is_reported",
    "beyond the committed arena",
    {
        let past = kernel::memory::window::committed_end() as usize + 4096;
        let past = core::ptr::with_exposed_provenance_mut::<u64>(past);
        // SAFETY: not safe at all, on purpose: the write must fault and the
        // page-fault handler must refuse to map it.
        unsafe { past.write_volatile(1) };
    }
);
