//! A write outside the heap window must not be mapped on demand: the
//! page-fault handler must panic and name the rule it broke.
#![no_std]
#![no_main]

/// A canonical lower-half address nothing maps.
const WILD: usize = 0x0000_4444_0000_0000;

kernel::must_panic!(
    "wild_access::write_outside_the_window_is_reported",
    "outside the heap window",
    {
        let wild = core::ptr::with_exposed_provenance_mut::<u64>(WILD);
        // SAFETY: not safe at all, on purpose: the write must fault, and the
        // page-fault handler must end the kernel before it returns here.
        unsafe { wild.write_volatile(1) };
    }
);
