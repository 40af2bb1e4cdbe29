//! A bootable x86_64 hobby kernel whose memory story is the point.
//!
//! The library holds everything the kernel binary and its test binaries share:
//! serial output and logging, the GDT/TSS/IDT, the timer, the memory system
//! with the global allocator, the QEMU exit device and the in-QEMU test
//! framework. Each binary enters through `bootloader_api::entry_point!` with
//! [`BOOTLOADER_CONFIG`], calls [`init`], then [`memory::init`] if it
//! allocates and [`timer::start`] if it wants timer interrupts.
#![no_std]
#![cfg_attr(test, no_main)]
#![feature(custom_test_frameworks)]
#![feature(abi_x86_interrupt)]
#![test_runner(crate::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

pub mod allocator;
pub mod apic;
#[cfg(feature = "bench")]
pub mod bench;
pub mod boot_info;
pub mod console;
#[cfg(feature = "exercises")]
pub mod exercises;
pub mod gdt;
pub mod heapmap;
pub mod interrupts;
pub mod irq;
pub mod logger;
pub mod memory;
pub mod panic;
pub mod pci;
pub mod percpu;
pub mod pic;
pub mod platform;
pub mod qemu;
pub mod serial;
pub mod smp;
pub mod stats;
pub mod sync;
pub mod testing;
pub mod timer;
pub mod tlb;
pub mod virtio;
pub mod workload;

pub use boot_info::BOOTLOADER_CONFIG;

/// Brings up the boot CPU: its per-CPU slot, the logger, the GDT/TSS/IDT,
/// the memory system with the heap, and the interrupt controllers (the ACPI
/// tables say where they are). Every binary calls it first; interrupts stay
/// off until [`timer::start`], and other CPUs stay down until
/// [`smp::start_all`].
pub fn init(boot_info: &'static bootloader_api::BootInfo) {
    percpu::init_this_cpu(0, 0);
    logger::init(log::LevelFilter::Info);
    gdt::init();
    interrupts::init();
    memory::init(boot_info);
    let rsdp = boot_info
        .rsdp_addr
        .into_option()
        .expect("the bootloader found no ACPI tables (RSDP)");
    let platform = platform::discover(rsdp, memory::physical_memory());
    apic::init(platform);
    percpu::init_this_cpu(0, apic::local::id());
}

/// Prints `PANIC: <message>` and what the heap and memory counters say, then
/// exits QEMU with the failure code: the end of every kernel panic (see [`mod@panic`]).
pub fn fail(info: &core::panic::PanicInfo) -> ! {
    panic::fail(info)
}

/// Halts the CPU until the next interrupt, forever.
pub fn hlt_loop() -> ! {
    loop {
        x86_64::instructions::hlt();
    }
}

#[cfg(test)]
bootloader_api::entry_point!(test_kernel_main, config = &BOOTLOADER_CONFIG);

#[cfg(test)]
fn test_kernel_main(boot_info: &'static mut bootloader_api::BootInfo) -> ! {
    init(boot_info);
    test_main();
    hlt_loop()
}

#[cfg(test)]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    testing::test_panic_handler(info)
}

#[cfg(test)]
mod tests {
    #[test_case]
    fn breakpoint_exception_returns() {
        x86_64::instructions::interrupts::int3();
    }

    #[test_case]
    fn code_segment_is_the_kernel_one() {
        use x86_64::instructions::segmentation::{Segment, CS};
        let cs = CS::get_reg();
        assert_eq!(cs.rpl(), x86_64::PrivilegeLevel::Ring0, "CS {cs:?}");
        assert_ne!(cs.index(), 0, "CS is the null selector");
    }

    #[test_case]
    fn ist_stacks_are_set_and_distinct() {
        let [double_fault, page_fault] = crate::gdt::ist_stack_tops();
        assert!(!double_fault.is_null() && !page_fault.is_null());
        assert_ne!(double_fault, page_fault);
        assert!(double_fault.is_aligned(16u64) && page_fault.is_aligned(16u64));
    }
}
