//! Exercise 3, the page walk by hand (`kernel/src/exercises/walk.rs`), against the
//! kernel's mapper: heap pages (4 KiB), the physical-memory window (2 MiB pages), the
//! kernel image, the stack, and addresses that are not mapped. Built only with the
//! `exercises` feature (`make grade`).
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::boxed::Box;
use kernel::exercises::walk::{walk, Walked};
use kernel::memory::{self, translate::translate};
use x86_64::VirtAddr;

kernel::test_kernel!();

/// The walk's answer for `virt` must be the mapper's.
fn agrees(what: &str, virt: VirtAddr) {
    let walked = walk(virt).unwrap_or_else(|not_done| panic!("{not_done}"));
    let expected = translate(virt).map(|(physical, page_size)| Walked {
        physical,
        page_size,
    });
    assert_eq!(
        walked, expected,
        "{what} at {virt:?}: the walk and the mapper disagree"
    );
}

#[test_case]
fn a_heap_block_translates_through_4_kib_pages() {
    let block = Box::new([7u64; 64]);
    let virt = VirtAddr::from_ptr(&block[40]);
    agrees("a heap block", virt);
    assert_eq!(translate(virt).map(|(_, size)| size), Some(4096));
}

#[test_case]
fn the_physical_memory_window_translates_through_2_mib_pages() {
    for physical in [0x1000u64, 0x0123_4567, 0x0800_0000] {
        agrees(
            "the physical-memory window",
            memory::physical_memory() + physical,
        );
    }
    let huge = translate(memory::physical_memory() + 0x0123_4567u64);
    assert_eq!(
        huge.map(|(_, size)| size),
        Some(2 << 20),
        "the bootloader maps it with 2 MiB pages"
    );
}

#[test_case]
fn kernel_code_and_the_stack_translate() {
    agrees("kernel code", VirtAddr::new(agrees as *const () as u64));
    let local = 5u64;
    agrees("the stack", VirtAddr::from_ptr(&local));
}

#[test_case]
fn unmapped_addresses_are_none() {
    let beyond = memory::HEAP_WINDOW_START + (512 << 20);
    for virt in [
        VirtAddr::new(0),
        VirtAddr::new(beyond),
        VirtAddr::new(0x0000_7000_0000_0000),
    ] {
        agrees("an unmapped address", virt);
        assert_eq!(walk(virt), Ok(None), "{virt:?} is not mapped");
    }
}
