//! The interrupt descriptor table and the CPU exception handlers.
//!
//! Every exception handler here reports what happened over serial and stops the
//! kernel through a panic (which exits QEMU with the failure code): in this
//! kernel an exception is a bug, with two exceptions. A breakpoint is only
//! logged, and a page fault inside the committed heap arena is how the heap's
//! pages get mapped (see `memory::fault`). The timer interrupt runs the
//! driver-like work of `timer::tick`.

use crate::apic::{self, local};
use crate::memory::fault;
use crate::{gdt, pic, timer, tlb};
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
    idt[apic::TIMER_VECTOR].set_handler_fn(timer_handler);
    idt[apic::WAKE_VECTOR].set_handler_fn(wake_handler);
    idt[apic::SHOOTDOWN_VECTOR].set_handler_fn(shootdown_handler);
    idt[apic::FLUSH_VECTOR].set_handler_fn(flush_handler);
    idt[apic::SPURIOUS_VECTOR].set_handler_fn(spurious_handler);
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

/// Kicks wake CPUs parked on a lock (`sync::park`); a kick may come just
/// before the `hlt` it is meant to end, which the handler makes harmless. A
/// kick may also carry a TLB shootdown, answered here, wherever the NMI
/// lands: the initiator kicks only once.
extern "x86-interrupt" fn nmi_handler(mut frame: InterruptStackFrame) {
    tlb::poll();
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
    local::end_of_interrupt();
}

/// Only wakes the CPU from `hlt`: its idle loop then looks for posted work.
extern "x86-interrupt" fn wake_handler(_frame: InterruptStackFrame) {
    crate::percpu::current().count_wakeup();
    local::end_of_interrupt();
}

extern "x86-interrupt" fn shootdown_handler(_frame: InterruptStackFrame) {
    tlb::poll();
    local::end_of_interrupt();
}

/// It arrived with interrupts on, so this CPU holds no lock: it may flush.
extern "x86-interrupt" fn flush_handler(_frame: InterruptStackFrame) {
    crate::allocator::flush::answer();
    local::end_of_interrupt();
}

/// Spurious interrupts need no end of interrupt.
extern "x86-interrupt" fn spurious_handler(_frame: InterruptStackFrame) {
    SPURIOUS.fetch_add(1, Ordering::Relaxed);
}
