//! Unbounded recursion must end in the double-fault handler, running on its own
//! IST stack, and not in a triple fault (which would reboot, and QEMU with
//! `-no-reboot` would exit with 0 instead of the success code).
//!
//! The kernel's own page-fault handler runs on an IST stack too, so it would
//! catch the overflow first. This test installs an IDT whose page-fault entry
//! uses the faulting stack: pushing the page-fault frame onto the guard page
//! then fails, which the CPU escalates to a double fault.
#![no_std]
#![no_main]
#![feature(abi_x86_interrupt)]

use bootloader_api::{entry_point, BootInfo};
use kernel::qemu::{exit_qemu, ExitCode};
use kernel::{serial_print, serial_println};
use spin::Lazy;
use x86_64::structures::idt::{InterruptDescriptorTable, InterruptStackFrame, PageFaultErrorCode};

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

static TEST_IDT: Lazy<InterruptDescriptorTable> = Lazy::new(|| {
    let mut idt = InterruptDescriptorTable::new();
    idt.page_fault.set_handler_fn(unexpected_page_fault);
    // SAFETY: `gdt::init` set up this IST slot with a stack of its own.
    unsafe {
        idt.double_fault
            .set_handler_fn(double_fault_ends_the_test)
            .set_stack_index(kernel::gdt::DOUBLE_FAULT_IST_INDEX);
    }
    idt
});

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    TEST_IDT.load();
    serial_print!("stack_overflow::double_fault_on_ist_stack ... ");
    kernel::testing::recurse(0);
    kernel::testing::did_not_fail(format_args!("the recursion returned"))
}

extern "x86-interrupt" fn unexpected_page_fault(_: InterruptStackFrame, code: PageFaultErrorCode) {
    kernel::testing::did_not_fail(format_args!(
        "page fault ({code:?}) handled on the overflowed stack"
    ))
}

extern "x86-interrupt" fn double_fault_ends_the_test(_: InterruptStackFrame, _: u64) -> ! {
    serial_println!("[ok]");
    exit_qemu(ExitCode::Success)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::test_panic_handler(info)
}
