//! The interrupt descriptor table and the CPU exception handlers.
//!
//! Every exception handler here reports what happened over serial and stops the
//! kernel through a panic (which exits QEMU with the failure code): in this
//! kernel an exception is a bug, with two exceptions. A breakpoint is only
//! logged, and a page fault inside the committed heap arena is how the heap's
//! pages get mapped (see `memory::fault`). The timer interrupt runs the
//! driver-like work of `timer::tick`.

use crate::memory::fault;
use crate::{gdt, pic, timer};
use spin::Lazy;
use x86_64::registers::control::Cr2;
use x86_64::structures::idt::{InterruptDescriptorTable, InterruptStackFrame, PageFaultErrorCode};

static IDT: Lazy<InterruptDescriptorTable> = Lazy::new(|| {
    let mut idt = InterruptDescriptorTable::new();
    idt.breakpoint.set_handler_fn(breakpoint_handler);
    idt.invalid_opcode.set_handler_fn(invalid_opcode_handler);
    idt.general_protection_fault
        .set_handler_fn(general_protection_handler);
    idt[pic::TIMER_VECTOR].set_handler_fn(timer_handler);
    // SAFETY: both IST slots are set up by `gdt::init` with stacks that are used
    // by nothing else.
    unsafe {
        idt.double_fault
            .set_handler_fn(double_fault_handler)
            .set_stack_index(gdt::DOUBLE_FAULT_IST_INDEX);
        idt.page_fault
            .set_handler_fn(page_fault_handler)
            .set_stack_index(gdt::PAGE_FAULT_IST_INDEX);
    }
    idt
});

/// Loads the IDT. `gdt::init` must have run first (the IST stacks).
pub fn init() {
    IDT.load();
}

extern "x86-interrupt" fn breakpoint_handler(frame: InterruptStackFrame) {
    log::info!("breakpoint at {:#x}", frame.instruction_pointer.as_u64());
}

extern "x86-interrupt" fn invalid_opcode_handler(frame: InterruptStackFrame) {
    panic!(
        "invalid opcode at RIP {:#x}",
        frame.instruction_pointer.as_u64()
    );
}

extern "x86-interrupt" fn general_protection_handler(frame: InterruptStackFrame, code: u64) {
    panic!(
        "general protection fault at RIP {:#x}, error code {code:#x}",
        frame.instruction_pointer.as_u64()
    );
}

extern "x86-interrupt" fn double_fault_handler(frame: InterruptStackFrame, code: u64) -> ! {
    panic!(
        "double fault (error code {code:#x}) at RIP {:#x}, RSP {:#x}: an exception was raised while \
         delivering another one, such as a kernel stack overflow into the guard page",
        frame.instruction_pointer.as_u64(),
        frame.stack_pointer.as_u64()
    );
}

extern "x86-interrupt" fn page_fault_handler(frame: InterruptStackFrame, code: PageFaultErrorCode) {
    let address = Cr2::read_raw();
    match fault::classify(address, code) {
        Ok(()) => fault::map_on_demand(address),
        Err(rule) => panic!(
            "page fault at address {address:#x}, error code {:#x} ({code:?}), RIP {:#x}: {rule}",
            code.bits(),
            frame.instruction_pointer.as_u64()
        ),
    }
}

extern "x86-interrupt" fn timer_handler(_frame: InterruptStackFrame) {
    timer::tick();
    pic::end_of_timer_interrupt();
}
