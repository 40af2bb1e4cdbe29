//! The local APIC of each CPU (xAPIC, memory-mapped): its id, end of
//! interrupt, inter-processor interrupts and its timer registers.
//!
//! ```text
//!   register (offset)        used for
//!   0x020 ID                 which CPU this is (bits 31..24)
//!   0x0b0 EOI                "the interrupt is handled"
//!   0x0f0 spurious vector    bit 8 enables the APIC
//!   0x300/0x310 ICR          send an IPI: destination in the high half,
//!                            vector and delivery mode in the low half
//!   0x320 LVT timer          timer vector, periodic bit
//!   0x380/0x390 counts       initial and current count
//!   0x3e0 divide             timer clock divider
//! ```
//!
//! Every CPU's APIC sits at the same physical address, and each CPU reaches
//! its own there: one uncached mapping serves all of them. The device layer
//! maps it (`apic::init`) and installs it here, so that the layers below
//! memory (locks, cross-CPU calls) can send interrupts.

use core::sync::atomic::{AtomicPtr, Ordering};

const ID: usize = 0x020;
const TASK_PRIORITY: usize = 0x080;
const END_OF_INTERRUPT: usize = 0x0b0;
const SPURIOUS: usize = 0x0f0;
const ICR_LOW: usize = 0x300;
const ICR_HIGH: usize = 0x310;
/// The timer's local vector table entry.
pub const LVT_TIMER: usize = 0x320;
/// The timer's initial count.
pub const INITIAL_COUNT: usize = 0x380;
/// The timer's current count.
pub const CURRENT_COUNT: usize = 0x390;
/// The timer's clock divider.
pub const DIVIDE: usize = 0x3e0;

const APIC_ENABLE: u32 = 1 << 8;
const DELIVERY_PENDING: u32 = 1 << 12;
const LEVEL_ASSERT: u32 = 1 << 14;
const NMI: u32 = 0b100 << 8;
const INIT: u32 = 0b101 << 8;
const STARTUP: u32 = 0b110 << 8;
const ALL_BUT_SELF: u32 = 0b11 << 18;

/// Where the registers are mapped (null before [`install`]).
static REGISTERS: AtomicPtr<u32> = AtomicPtr::new(core::ptr::null_mut());

/// Makes `registers` the page every register access goes through (the
/// device layer maps it: `apic::init`).
///
/// # Safety
///
/// This function is unsafe because every later access reads and writes
/// through `registers`: it must be an uncached mapping of the local APIC's
/// register page, valid for the kernel's whole life.
pub(crate) unsafe fn install(registers: *mut u32) {
    REGISTERS.store(registers, Ordering::Release);
}

/// Reads the register at offset `register` of this CPU's local APIC.
pub fn read(register: usize) -> u32 {
    // SAFETY: `register` is one of the offsets above, inside the mapped page.
    unsafe { base().byte_add(register).read_volatile() }
}

/// Writes `value` to the register at offset `register`.
pub fn write(register: usize, value: u32) {
    // SAFETY: as for `read`.
    unsafe { base().byte_add(register).write_volatile(value) }
}

fn base() -> *mut u32 {
    let base = REGISTERS.load(Ordering::Acquire);
    assert!(
        !base.is_null(),
        "the local APIC is used before apic::init installed it"
    );
    base
}

/// Enables this CPU's APIC, with `spurious` as its spurious-interrupt vector,
/// accepting every priority.
pub(crate) fn enable(spurious: u8) {
    write(TASK_PRIORITY, 0);
    write(SPURIOUS, APIC_ENABLE | u32::from(spurious));
}

/// This CPU's local APIC id.
pub fn id() -> u32 {
    read(ID) >> 24
}

/// Tells this CPU's APIC the current interrupt is handled.
pub fn end_of_interrupt() {
    write(END_OF_INTERRUPT, 0);
}

/// Sends interrupt `vector` to the CPU with APIC id `apic_id`.
pub fn send(apic_id: u32, vector: u8) {
    command(apic_id, u32::from(vector) | LEVEL_ASSERT);
}

/// Sends interrupt `vector` to every CPU but this one.
pub fn send_to_others(vector: u8) {
    command(0, u32::from(vector) | LEVEL_ASSERT | ALL_BUT_SELF);
}

/// Sends a non-maskable interrupt to `apic_id`: it wakes the CPU from `hlt`
/// even with its interrupts off.
pub fn send_nmi(apic_id: u32) {
    command(apic_id, NMI | LEVEL_ASSERT);
}

/// Sends INIT to `apic_id`: the CPU resets and waits for a startup IPI.
pub(crate) fn send_init(apic_id: u32) {
    command(apic_id, INIT | LEVEL_ASSERT);
}

/// Sends a startup IPI: `apic_id` starts in real mode at `page * 4096`.
pub(crate) fn send_startup(apic_id: u32, page: u8) {
    command(apic_id, STARTUP | LEVEL_ASSERT | u32::from(page));
}

/// Writes the interrupt command register, after the previous IPI left.
///
/// Interrupts stay off in between: a handler that sent an IPI of its own
/// (an unlock kicking a parked CPU) would change the destination half.
fn command(apic_id: u32, low: u32) {
    let _off = super::irq_off::push_off();
    while read(ICR_LOW) & DELIVERY_PENDING != 0 {
        core::hint::spin_loop();
    }
    write(ICR_HIGH, apic_id << 24);
    write(ICR_LOW, low);
}
