//! The guard pool's bug reports: one block over serial naming the bug, the
//! address and its offset from the object, the object's size, the CPU, and
//! the allocation and free stacks, then a panic.
//!
//! ```text
//!   KFENCE: out-of-bounds write at 0xffffa10000002000, 1 byte right of a
//!           64-byte object at 0xffffa10000001fc0 (slot 0), on CPU 0
//!   KFENCE: allocated on CPU 0:
//!   KFENCE-FRAME 0x2c0f1          ◄─ ELF address; `boot` appends
//!   …                                `function (file:line)` to these lines
//!   KFENCE: freed on CPU 0:
//! ```

use super::locate::{nearest_slot, slot_of};
use super::slots::{Slots, State};
use super::trace::Trace;
use super::POOL;
use crate::arch::{backtrace, percpu};
use crate::serial_println;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

/// The kind of bug a report names.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// An access to the guard page next to an object.
    OutOfBounds { write: bool },
    /// An access to a freed object's page.
    UseAfterFree { write: bool },
    /// A free of a pointer that is not a live pool object.
    InvalidFree,
    /// The bytes around an object changed before its free.
    CanaryCorrupted,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let access = |write: &bool| if *write { "write" } else { "read" };
        match self {
            Self::OutOfBounds { write } => write!(f, "out-of-bounds {}", access(write)),
            Self::UseAfterFree { write } => write!(f, "use-after-free {}", access(write)),
            Self::InvalidFree => f.write_str("invalid free"),
            Self::CanaryCorrupted => f.write_str("canary corrupted"),
        }
    }
}

/// Reports a page fault at `address` in the guard pool, then panics, or,
/// when faults continue (`set_continue`), maps the page (a guard page onto a
/// scratch frame, a freed object's page onto its own) and returns, so the
/// access is retried and goes on: one report per page, as KFENCE does.
pub fn fault(address: u64, write: bool, instruction: u64) {
    // The faulting code never holds the pool lock (the pool touches only
    // mapped pages); another CPU may, briefly.
    let mut pool = loop {
        if let Some(pool) = POOL.try_lock() {
            break pool;
        }
        core::hint::spin_loop();
    };
    let slot = nearest_slot(&pool, address);
    let kind = match slot.map(|slot| pool.slots[slot].state) {
        Some(State::Freed) if slot_of(address).is_some() => Kind::UseAfterFree { write },
        _ => Kind::OutOfBounds { write },
    };
    let culprit = Culprit {
        faulting: Some(backtrace::elf_address(instruction)),
        freeing: None,
    };
    if !CONTINUE.load(Ordering::Relaxed) {
        print(&pool, kind, address, slot, culprit);
    }
    describe(&pool, kind, address, slot, culprit);
    serial_println!("KFENCE: the page is mapped now and the access goes on");
    pool.pages
        .as_mut()
        .expect("a fault in the pool comes after its pages were taken")
        .map_for_access(address);
}

/// Whether a fault in the pool is reported and then let through.
static CONTINUE: AtomicBool = AtomicBool::new(false);

/// After a fault in the pool is reported: `true` lets the access through
/// (its page is mapped from then on), `false` (the default) panics.
pub fn set_continue(go_on: bool) {
    CONTINUE.store(go_on, Ordering::Relaxed);
}

/// Reports a free of `address`, which is no live pool object, by the stack
/// from `frame`, then panics.
pub(super) fn invalid_free(slots: &Slots, address: u64, frame: u64) -> ! {
    let slot = nearest_slot(slots, address);
    let culprit = Culprit {
        faulting: None,
        freeing: Some(frame),
    };
    print(slots, Kind::InvalidFree, address, slot, culprit)
}

/// The code that ran into the bug, printed with the report.
#[derive(Clone, Copy)]
pub(super) struct Culprit {
    /// The faulting instruction (an ELF address), for a page fault.
    pub faulting: Option<u64>,
    /// The frame of the free that found the bug (`backtrace::this_frame`).
    pub freeing: Option<u64>,
}

/// Prints the report and panics.
pub(super) fn print(
    slots: &Slots,
    kind: Kind,
    address: u64,
    slot: Option<usize>,
    culprit: Culprit,
) -> ! {
    describe(slots, kind, address, slot, culprit);
    panic!("KFENCE: {kind} at {address:#x}");
}

/// Prints the report.
fn describe(slots: &Slots, kind: Kind, address: u64, slot: Option<usize>, culprit: Culprit) {
    let cpu = percpu::current().index();
    let Some(slot) = slot else {
        serial_println!("KFENCE: {kind} at {address:#x}, in no object's reach, on CPU {cpu}");
        return;
    };
    let object = &slots.slots[slot];
    let end = object.object + object.size as u64;
    let (distance, side) = match address {
        a if a < object.object => (object.object - a, "left of"),
        a if a >= end => (a - end + 1, "right of"),
        a => (a - object.object, "into"),
    };
    serial_println!(
        "KFENCE: {kind} at {address:#x}, {distance} byte(s) {side} a {}-byte object at {:#x} (slot {slot}), on CPU {cpu}",
        object.size,
        object.object
    );
    match (kind, object.state) {
        (Kind::InvalidFree, State::Freed) => {
            serial_println!("KFENCE: the object was freed already: a double free")
        }
        (Kind::InvalidFree, _) if address != object.object => {
            serial_println!("KFENCE: not the object's start: an interior pointer")
        }
        _ => {}
    }
    if let Some(instruction) = culprit.faulting {
        // `boot` looks up the instruction before a return address: one past it.
        serial_println!("KFENCE: the faulting access:");
        serial_println!("KFENCE-FRAME {:#x}", instruction + 1);
    }
    print_trace("allocated", &object.allocated);
    if object.state == State::Freed {
        print_trace("freed", &object.freed);
    }
    if let Some(frame) = culprit.freeing {
        print_trace("freed (this time)", &Trace::from_frame(frame));
    }
}

fn print_trace(what: &str, trace: &Trace) {
    serial_println!("KFENCE: {what} on CPU {}:", trace.cpu);
    for frame in &trace.frames[..trace.len] {
        serial_println!("KFENCE-FRAME {frame:#x}");
    }
}
