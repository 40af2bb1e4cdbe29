//! The page-fault handler's own stack has a guard page: running off its bottom
//! faults there, and the report names the stack, instead of silently writing
//! over the IDT, the GDT and the locks that lie below it in `.bss`.
//!
//! The test runs a runaway recursion on the page-fault IST stack itself, as a
//! page-fault path that recursed too deep would. The fault on the guard page
//! is delivered at that stack's top again, and the kernel's handler reports it.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::gdt::{ist_stack_tops, PAGE_FAULT_IST_INDEX};
use kernel::serial_print;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    serial_print!("ist_stack_overflow::page_fault_stack_overflow_is_reported ... ");
    let top = ist_stack_tops()[usize::from(PAGE_FAULT_IST_INDEX)];
    // SAFETY: not safe at all, on purpose: the recursion never returns, and it
    // must end in the page-fault handler's report.
    unsafe {
        core::arch::asm!(
            "mov rsp, {top}",
            "call {run_away}",
            top = in(reg) top.as_u64(),
            run_away = sym run_away,
            options(noreturn)
        )
    }
}

extern "C" fn run_away() -> ! {
    kernel::testing::recurse(0);
    kernel::testing::did_not_fail(format_args!("the recursion returned"))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::testing::expect_panic(
        info,
        "the page-fault handler's stack of CPU 0 ran into its guard page",
    )
}
