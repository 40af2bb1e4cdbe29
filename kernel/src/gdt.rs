//! The global descriptor table and the task state segment.
//!
//! Long mode barely uses segmentation, but the TSS still matters: its
//! interrupt stack table (IST) gives chosen exception handlers a known-good
//! stack. A double fault caused by a kernel stack overflow cannot run on the
//! overflowed stack, and the page-fault handler, which the heap relies on to
//! map pages on demand, should not depend on the stack of whoever faulted.
//!
//! Each IST stack has a guard page below it, which `memory::init` unmaps: a
//! handler that overflows its stack then faults on the guard page, and the
//! page-fault rules name the stack, instead of silently overwriting whatever
//! `.bss` holds below it (the IDT, the GDT, locks).
//!
//! ```text
//!   GDT: [null] [kernel code] [kernel data] [TSS (two slots)]
//!   DOUBLE_FAULT_STACK  [ guard page | 20 KiB stack ] ◄── TSS.IST[0] (top)
//!   PAGE_FAULT_STACK    [ guard page | 20 KiB stack ] ◄── TSS.IST[1] (top)
//! ```

use spin::Lazy;
use x86_64::instructions::segmentation::{Segment, CS, DS, ES, SS};
use x86_64::instructions::tables::load_tss;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable, SegmentSelector};
use x86_64::structures::tss::TaskStateSegment;
use x86_64::VirtAddr;

/// IST slot of the double-fault handler's stack.
pub const DOUBLE_FAULT_IST_INDEX: u16 = 0;
/// IST slot of the page-fault handler's stack.
pub const PAGE_FAULT_IST_INDEX: u16 = 1;

const PAGE: usize = 4096;
/// Size of each IST stack.
const IST_STACK_SIZE: usize = 5 * PAGE;

/// A stack for one IST slot: its first page is the guard page, the rest is
/// the stack. Page-aligned, so the guard is a whole page of its own.
#[repr(C, align(4096))]
struct IstStack([u8; PAGE + IST_STACK_SIZE]);

static mut DOUBLE_FAULT_STACK: IstStack = IstStack([0; PAGE + IST_STACK_SIZE]);
static mut PAGE_FAULT_STACK: IstStack = IstStack([0; PAGE + IST_STACK_SIZE]);

/// The top (highest address) of an IST stack; stacks grow down.
fn stack_top(stack: *const IstStack) -> VirtAddr {
    VirtAddr::from_ptr(stack) + size_of::<IstStack>() as u64
}

/// The guard page of each IST stack, with the name the page-fault report uses.
pub fn guard_pages() -> [(VirtAddr, &'static str); 2] {
    [
        (
            VirtAddr::from_ptr(&raw const DOUBLE_FAULT_STACK),
            "the double-fault handler's stack",
        ),
        (
            VirtAddr::from_ptr(&raw const PAGE_FAULT_STACK),
            "the page-fault handler's stack",
        ),
    ]
}

static TSS: Lazy<TaskStateSegment> = Lazy::new(|| {
    let mut tss = TaskStateSegment::new();
    // Only the CPU writes to these stacks, so a raw pointer (no reference) is
    // all the kernel ever takes of them.
    tss.interrupt_stack_table[usize::from(DOUBLE_FAULT_IST_INDEX)] =
        stack_top(&raw const DOUBLE_FAULT_STACK);
    tss.interrupt_stack_table[usize::from(PAGE_FAULT_IST_INDEX)] =
        stack_top(&raw const PAGE_FAULT_STACK);
    tss
});

/// The GDT and the selectors that [`init`] loads.
static GDT: Lazy<(GlobalDescriptorTable, Selectors)> = Lazy::new(|| {
    let mut gdt = GlobalDescriptorTable::new();
    let code = gdt.append(Descriptor::kernel_code_segment());
    let data = gdt.append(Descriptor::kernel_data_segment());
    let tss = gdt.append(Descriptor::tss_segment(&TSS));
    (gdt, Selectors { code, data, tss })
});

struct Selectors {
    code: SegmentSelector,
    data: SegmentSelector,
    tss: SegmentSelector,
}

/// The stack tops in the TSS for the double-fault and page-fault IST slots.
pub fn ist_stack_tops() -> [VirtAddr; 2] {
    let table = TSS.interrupt_stack_table;
    [
        table[usize::from(DOUBLE_FAULT_IST_INDEX)],
        table[usize::from(PAGE_FAULT_IST_INDEX)],
    ]
}

/// Loads the GDT, reloads CS and the data segments, and loads the TSS.
///
/// SS must be reloaded too: it still holds the bootloader's selector, and
/// `iretq` at the end of every interrupt checks it against the new GDT.
pub fn init() {
    GDT.0.load();
    // SAFETY: the selectors index the GDT that was just loaded, which lives in
    // a static and so is never freed.
    unsafe {
        CS::set_reg(GDT.1.code);
        for set_reg in [SS::set_reg, DS::set_reg, ES::set_reg] {
            set_reg(GDT.1.data);
        }
        load_tss(GDT.1.tss);
    }
}
