//! The guard pool catches a driver reading a buffer it already freed (a
//! completion handled after the error path dropped the request): the freed
//! object's page is unmapped, and the report gives both the allocation and
//! the free stack (`boot` symbolizes them; `scripted`).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use kernel::allocator::kfence;

/// A request a driver keeps while the device works on it.
struct Request {
    sector: u64,
    status: u8,
}

/// Allocates a request, as a driver's submit path would.
#[inline(never)]
fn driver_submits_request() -> *mut Request {
    Box::into_raw(Box::new(Request {
        sector: 7,
        status: 0,
    }))
}

/// Frees the request, as a driver's error path would.
#[inline(never)]
fn driver_aborts_request(request: *mut Request) {
    // SAFETY: `request` came from `Box::into_raw` and is freed once here.
    drop(unsafe { Box::from_raw(request) });
}

kernel::must_panic!(
    "kfence_use_after_free::reading_a_freed_request_faults",
    "KFENCE: use-after-free read",
    {
        kfence::set_interval(1);
        let request = driver_submits_request();
        driver_aborts_request(request);
        // SAFETY: not safe at all, on purpose: the completion path reads
        // the request the error path freed.
        let status = unsafe { (&raw const (*request).status).read_volatile() };
        // SAFETY: as above.
        let sector = unsafe { (&raw const (*request).sector).read_volatile() };
        kernel::serial_println!("request for sector {sector} completed with {status}");
    }
);
