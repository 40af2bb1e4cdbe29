//! The smoke test: the kernel boots under BIOS and UEFI, sets up its CPU tables
//! and can print. The runner boots this one with both firmwares.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use kernel::boot_info::MemorySummary;

static mut MEMORY: MemorySummary = MemorySummary {
    regions: 0,
    usable_regions: 0,
    usable_bytes: 0,
    bootloader_bytes: 0,
    top: 0,
};

kernel::test_kernel!(|boot_info| {
    // SAFETY: written once, before any test reads it, on the only CPU.
    unsafe { MEMORY = MemorySummary::of(&boot_info.memory_regions) };
});

fn memory() -> MemorySummary {
    // SAFETY: set by the set-up block before the tests run; never written again.
    unsafe { MEMORY }
}

#[test_case]
fn serial_prints() {
    kernel::serial_println!("a line over serial");
}

#[test_case]
fn memory_map_has_usable_memory() {
    let memory = memory();
    assert!(memory.usable_regions > 0, "no usable region in {memory:?}");
    assert!(
        memory.usable_bytes >= 64 << 20,
        "less than 64 MiB usable: {memory:?}"
    );
}

#[test_case]
fn breakpoint_returns() {
    x86_64::instructions::interrupts::int3();
}
