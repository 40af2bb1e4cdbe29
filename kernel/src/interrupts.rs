//! The interrupt descriptor table and the CPU exception handlers.
//!
//! Every exception handler here reports what happened over serial and stops the
//! kernel through a panic (which exits QEMU with the failure code): in this
//! kernel an exception is a bug, with two exceptions. A breakpoint is only
//! logged, and a page fault inside the committed heap arena is how the heap's
//! pages get mapped (see `memory::fault`). A page fault in the guard pool is
//! a driver's memory bug, which `allocator::kfence` reports. The timer interrupt runs the
//! driver-like work of `timer::tick`.

use crate::allocator::kfence;
use crate::arch::{lapic, SPURIOUS_VECTOR, TIMER_VECTOR, XCALL_VECTOR};
use crate::memory::{self, fault};
use crate::{gdt, pic, timer, xcall};
use core::sync::atomic::{AtomicU64, Ordering};
use spin::Lazy;
use x86_64::registers::control::Cr2;
use x86_64::structures::idt::{InterruptDescriptorTable, InterruptStackFrame, PageFaultErrorCode};

static IDT: Lazy<InterruptDescriptorTable> = Lazy::new(|| {
    let mut idt = InterruptDescriptorTable::new();
    idt.non_maskable_interrupt.set_handler_fn(nmi_handler);
    idt.breakpoint.set_handler_fn(breakpoint_handler);
    idt.invalid_opcode.set_handler_fn(invalid_opcode_handler);
    idt.general_protection_fault
        .set_handler_fn(general_protection_handler);
    idt[TIMER_VECTOR].set_handler_fn(timer_handler);
    idt[XCALL_VECTOR].set_handler_fn(xcall_handler);
    idt[SPURIOUS_VECTOR].set_handler_fn(spurious_handler);
    // A masked PIC can still raise a spurious IRQ 7 or 15.
    idt[pic::PIC1_OFFSET + 7].set_handler_fn(spurious_handler);
    idt[pic::PIC2_OFFSET + 7].set_handler_fn(spurious_handler);
    crate::irq::install(&mut idt);
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

/// Spurious interrupts seen (legacy PIC and local APIC).
static SPURIOUS: AtomicU64 = AtomicU64::new(0);

/// Loads the IDT on the running CPU. `gdt::init` must have run first (the IST
/// stacks).
pub fn init() {
    IDT.load();
}

/// Spurious interrupts seen so far.
pub fn spurious() -> u64 {
    SPURIOUS.load(Ordering::Relaxed)
}

/// An NMI is one of three things. A panic on another CPU stopping this one
/// (`panic::stop_other_cpus`): it halts here for good. A kick for a CPU
/// parked on a lock (`sync::park`), which may come just before the `hlt` it
/// is meant to end: the handler makes that harmless. Or a cross-CPU call for
/// a CPU halted with interrupts off, answered here, wherever the NMI lands:
/// the initiator kicks only once.
extern "x86-interrupt" fn nmi_handler(mut frame: InterruptStackFrame) {
    crate::panic::stop_here_if_stopping();
    xcall::answer_in_nmi();
    crate::sync::park::on_nmi(&mut frame);
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
    if memory::guard_pool::contains(address) {
        let write = code.contains(PageFaultErrorCode::CAUSED_BY_WRITE);
        return kfence::fault(address, write, frame.instruction_pointer.as_u64());
    }
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
    lapic::end_of_interrupt();
}

/// A cross-CPU call was posted. It arrived with interrupts on, so this CPU
/// holds no lock and may answer calls that take locks. It also wakes an idle
/// CPU from `hlt`: its idle loop then runs work posted for it.
extern "x86-interrupt" fn xcall_handler(_frame: InterruptStackFrame) {
    crate::arch::percpu::current().count_wakeup();
    xcall::answer();
    lapic::end_of_interrupt();
}

/// Spurious interrupts need no end of interrupt.
extern "x86-interrupt" fn spurious_handler(_frame: InterruptStackFrame) {
    SPURIOUS.fetch_add(1, Ordering::Relaxed);
}
