//! The global descriptor table and the task state segment, one of each per CPU.
//!
//! Long mode barely uses segmentation, but the TSS still matters: its
//! interrupt stack table (IST) gives chosen exception handlers a known-good
//! stack. A double fault caused by a kernel stack overflow cannot run on the
//! overflowed stack, and the page-fault handler, which the heap relies on to
//! map pages on demand, should not depend on the stack of whoever faulted.
//! Each CPU needs its own TSS (and so its own GDT to hold it) and its own IST
//! stacks; application processors also get their kernel stack here.
//!
//! Every stack has a guard page below it, which `memory::init` unmaps: a
//! handler that overflows its stack then faults on the guard page, and the
//! page-fault rules name the stack, instead of silently overwriting whatever
//! `.bss` holds below it.
//!
//! ```text
//!   GDT[cpu]: [null] [kernel code] [kernel data] [TSS[cpu] (two slots)]
//!   IST_STACKS[cpu][0]  [ guard page | 20 KiB stack ] ◄── TSS[cpu].IST[0] (double fault)
//!   IST_STACKS[cpu][1]  [ guard page | 20 KiB stack ] ◄── TSS[cpu].IST[1] (page fault)
//!   KERNEL_STACKS[cpu]  [ guard page | 64 KiB stack ] ◄── an AP's stack (the boot
//!                                                         CPU uses the bootloader's)
//! ```

use crate::arch::percpu::{self, MAX_CPUS};
use spin::Once;
use x86_64::instructions::segmentation::{Segment, CS, DS, ES, SS};
use x86_64::instructions::tables::load_tss;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable, SegmentSelector};
use x86_64::structures::tss::TaskStateSegment;
use x86_64::VirtAddr;

/// IST slot of the double-fault handler's stack.
pub const DOUBLE_FAULT_IST_INDEX: u16 = 0;
/// IST slot of the page-fault handler's stack.
pub const PAGE_FAULT_IST_INDEX: u16 = 1;

const PAGE: usize = crate::arch::PAGE_SIZE as usize;
/// Size of each IST stack.
const IST_STACK_SIZE: usize = 5 * PAGE;
/// Size of an application processor's kernel stack.
const KERNEL_STACK_SIZE: usize = 16 * PAGE;

/// A stack whose first page is its guard page. Page-aligned, so the guard is a
/// whole page of its own.
#[repr(C, align(4096))]
struct GuardedStack<const SIZE: usize>([u8; SIZE]);

impl<const SIZE: usize> GuardedStack<SIZE> {
    const fn new() -> Self {
        Self([0; SIZE])
    }
}

type IstStack = GuardedStack<{ PAGE + IST_STACK_SIZE }>;
type KernelStack = GuardedStack<{ PAGE + KERNEL_STACK_SIZE }>;

static mut IST_STACKS: [[IstStack; 2]; MAX_CPUS] =
    [const { [const { IstStack::new() }; 2] }; MAX_CPUS];
static mut KERNEL_STACKS: [KernelStack; MAX_CPUS] = [const { KernelStack::new() }; MAX_CPUS];

/// What each IST slot's stack is called in a stack-overflow report.
const IST_NAMES: [&str; 2] = [
    "the double-fault handler's stack",
    "the page-fault handler's stack",
];

/// The IST stack `slot` of CPU `cpu`, guard page included.
fn ist_stack(cpu: usize, slot: u16) -> *const IstStack {
    assert!(cpu < MAX_CPUS, "no CPU {cpu}");
    // Only the CPU writes to these stacks, so a raw pointer (no reference) is
    // all the kernel ever takes of them.
    (&raw const IST_STACKS)
        .cast::<IstStack>()
        .wrapping_add(cpu * 2 + usize::from(slot))
}

/// Application processor `cpu`'s kernel stack, guard page included.
fn kernel_stack(cpu: usize) -> *const KernelStack {
    assert!(cpu < MAX_CPUS, "no CPU {cpu}");
    (&raw const KERNEL_STACKS)
        .cast::<KernelStack>()
        .wrapping_add(cpu)
}

/// The top (highest address) of a stack; stacks grow down.
fn top<const SIZE: usize>(stack: *const GuardedStack<SIZE>) -> VirtAddr {
    VirtAddr::from_ptr(stack) + SIZE as u64
}

static TSS: [Once<TaskStateSegment>; MAX_CPUS] = [const { Once::new() }; MAX_CPUS];
/// Each CPU's GDT and the selectors that [`init`] loads.
static GDT: [Once<(GlobalDescriptorTable, Selectors)>; MAX_CPUS] =
    [const { Once::new() }; MAX_CPUS];

struct Selectors {
    code: SegmentSelector,
    data: SegmentSelector,
    tss: SegmentSelector,
}

/// The stack tops in the running CPU's TSS for the double-fault and
/// page-fault IST slots.
pub fn ist_stack_tops() -> [VirtAddr; 2] {
    let tss = TSS[percpu::current().index()]
        .get()
        .expect("gdt::init ran on this CPU");
    let table = tss.interrupt_stack_table;
    [
        table[usize::from(DOUBLE_FAULT_IST_INDEX)],
        table[usize::from(PAGE_FAULT_IST_INDEX)],
    ]
}

/// The top of application processor `cpu`'s kernel stack.
pub fn kernel_stack_top(cpu: usize) -> VirtAddr {
    top(kernel_stack(cpu))
}

/// Every guard page of the stacks above: its address, the stack's name and
/// the CPU it belongs to.
pub fn guard_pages() -> impl Iterator<Item = (VirtAddr, &'static str, usize)> {
    (0..MAX_CPUS).flat_map(|cpu| {
        let ist = [DOUBLE_FAULT_IST_INDEX, PAGE_FAULT_IST_INDEX].map(|slot| {
            (
                VirtAddr::from_ptr(ist_stack(cpu, slot)),
                IST_NAMES[usize::from(slot)],
                cpu,
            )
        });
        let kernel = (
            VirtAddr::from_ptr(kernel_stack(cpu)),
            "the kernel stack",
            cpu,
        );
        ist.into_iter().chain((cpu != 0).then_some(kernel))
    })
}

/// Loads the running CPU's GDT, reloads CS and the data segments, and loads
/// its TSS.
///
/// SS must be reloaded too: it still holds the bootloader's (or the AP
/// trampoline's) selector, and `iretq` at the end of every interrupt checks it
/// against the new GDT.
pub fn init() {
    let cpu = percpu::current().index();
    let tss = TSS[cpu].call_once(|| {
        let mut tss = TaskStateSegment::new();
        for slot in [DOUBLE_FAULT_IST_INDEX, PAGE_FAULT_IST_INDEX] {
            tss.interrupt_stack_table[usize::from(slot)] = top(ist_stack(cpu, slot));
        }
        tss
    });
    let (gdt, selectors) = GDT[cpu].call_once(|| {
        let mut gdt = GlobalDescriptorTable::new();
        let code = gdt.append(Descriptor::kernel_code_segment());
        let data = gdt.append(Descriptor::kernel_data_segment());
        let tss = gdt.append(Descriptor::tss_segment(tss));
        (gdt, Selectors { code, data, tss })
    });
    gdt.load();
    // SAFETY: the selectors index the GDT that was just loaded, which lives in
    // a static and so is never freed.
    unsafe {
        CS::set_reg(selectors.code);
        for set_reg in [SS::set_reg, DS::set_reg, ES::set_reg] {
            set_reg(selectors.data);
        }
        load_tss(selectors.tss);
    }
}
