//! With `debug-heap`, a use after free that follows a pointer out of freed
//! memory stops at once, naming the poison: the freed block's words read as
//! `0xdfdf_dfdf_dfdf_dfdf`, which no valid pointer is. Without poisoning the
//! same code reads whatever the heap left there and goes on. The example of
//! chapter 10 (`docs/10-debugging.md`).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;

/// A list node, as a driver might keep them.
struct Node {
    value: u64,
    next: Option<Box<Node>>,
}

kernel::must_panic!(
    "use_after_free::following_a_freed_pointer_hits_the_poison",
    "0xdfdfdfdfdfdfdfdf",
    {
        let second = Some(Box::new(Node {
            value: 2,
            next: None,
        }));
        let list = Box::into_raw(Box::new(Node {
            value: 1,
            next: second,
        }));
        // SAFETY: `list` came from `Box::into_raw`; this frees both nodes.
        drop(unsafe { Box::from_raw(list) });
        // SAFETY: not safe at all, on purpose: the bug under test reads the
        // `next` field of the freed first node...
        let stale = unsafe { core::ptr::read_volatile(&raw const (*list).next) };
        // ...and follows it.
        let value = stale.as_ref().map(|node| node.value);
        core::mem::forget(stale);
        kernel::serial_println!("read {value:?} through a freed pointer");
    }
);
