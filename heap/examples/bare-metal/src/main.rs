//! A bare-metal x86_64 program whose global allocator is `tagheap`'s `CachedHeap`: the
//! three things a kernel supplies (an interrupt-safe lock, a `Cpu`, an out-of-memory hook)
//! and the claim at boot. It builds for `x86_64-unknown-none`; a bootloader jumps to `_start`.
//!
//! ```text
//!   RESERVE (static, 4 MiB, in .bss)
//!   [ arena: claimed at boot (64 KiB) | extended by the hook, 64 KiB or more a step | … ]
//!
//!   Box::new ─► CachedHeap ─► this CPU's magazine (interrupts off, no lock) ─► hit: done
//!                    └─ miss or large ─► IrqSpin ─► Heap ─► nothing fits? GrowInReserve
//! ```
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::alloc::Layout;
use core::arch::asm;
use core::sync::atomic::{AtomicBool, Ordering};
use tagheap::lock_api::{GuardNoSend, RawMutex};
use tagheap::{AllocError, CachedHeap, Cpu, HookHeap, OutOfMemory, Span};

/// The memory the heap may ever use.
const RESERVE_SIZE: usize = 4 << 20;
/// The first arena, and the least the hook adds at a time.
const STEP: usize = 64 << 10;

#[repr(C, align(4096))]
struct Reserve([u8; RESERVE_SIZE]);

static mut RESERVE: Reserve = Reserve([0; RESERVE_SIZE]);

/// The kernel's global allocator: one CPU slot here; an SMP kernel sizes it to its CPUs.
#[global_allocator]
static HEAP: CachedHeap<IrqSpin, GrowInReserve, ThisCpu, 1> = CachedHeap::new(GrowInReserve {
    arena: Span::empty(),
});

/// Called by the bootloader, on a stack it set up, with interrupts off.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    let reserve = Span::from_slice(&raw mut RESERVE as *mut [u8; RESERVE_SIZE]);
    let mut heap = HEAP.heap().lock();
    // SAFETY: RESERVE is used by nothing but this heap, for the program's whole life.
    let arena = unsafe { heap.claim(Span::from_base_size(reserve.base(), STEP)) };
    heap.hook.arena = arena.expect("a 64 KiB arena in the reserve");
    drop(heap);

    let answer = Box::new(42u64);
    // 80 KB: more than the first arena, so the hook extends it.
    let squares: Vec<u64> = (0..10_000).map(|i| i * i).collect();
    assert_eq!(*answer + squares[3], 51);
    drop(squares);
    drop(answer);
    halt()
}

/// The out-of-memory hook: extends the one arena inside `RESERVE` until it is used up.
struct GrowInReserve {
    arena: Span,
}

impl OutOfMemory for GrowInReserve {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, layout: Layout) -> Result<(), AllocError> {
        let old = heap.hook().arena;
        let reserve_end = (&raw mut RESERVE).addr() + RESERVE_SIZE;
        let wanted = layout.size().saturating_add(layout.align()).max(STEP);
        let acme = old.acme().addr().saturating_add(wanted).min(reserve_end);
        // `old`'s base comes from RESERVE, so a span up to `acme` carries its provenance.
        let new = Span::new(old.base(), old.base().with_addr(acme));
        // SAFETY: the added memory is the rest of RESERVE, which only this heap uses.
        heap.hook_mut().arena = unsafe { heap.extend(old, new) }.map_err(|_| AllocError)?;
        Ok(())
    }
}

/// A spin lock that keeps interrupts off while held, so that an interrupt handler that
/// allocates never spins on a lock its own CPU holds.
struct IrqSpin {
    locked: AtomicBool,
    interrupts_were_on: AtomicBool,
}

// SAFETY: `locked` goes from false to true with Acquire in one holder at a time and back
// with Release, so one holder at a time sees the data and the next sees its writes.
unsafe impl RawMutex for IrqSpin {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: Self = Self {
        locked: AtomicBool::new(false),
        interrupts_were_on: AtomicBool::new(false),
    };

    // Unlocked on the CPU that locked it: the interrupt flag is that CPU's.
    type GuardMarker = GuardNoSend;

    fn lock(&self) {
        let were_on = interrupts_off();
        while !self.try_acquire() {
            core::hint::spin_loop();
        }
        self.interrupts_were_on.store(were_on, Ordering::Relaxed);
    }

    fn try_lock(&self) -> bool {
        let were_on = interrupts_off();
        let acquired = self.try_acquire();
        if acquired {
            self.interrupts_were_on.store(were_on, Ordering::Relaxed);
        } else if were_on {
            interrupts_on();
        }
        acquired
    }

    unsafe fn unlock(&self) {
        let were_on = self.interrupts_were_on.load(Ordering::Relaxed);
        self.locked.store(false, Ordering::Release);
        if were_on {
            interrupts_on();
        }
    }
}

impl IrqSpin {
    fn try_acquire(&self) -> bool {
        self.locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }
}

/// Where the program runs, for the per-CPU magazines: a pin keeps interrupts off.
struct ThisCpu;

/// Interrupts off until dropped; then as they were.
struct Pinned {
    were_on: bool,
}

impl Drop for Pinned {
    fn drop(&mut self) {
        if self.were_on {
            interrupts_on();
        }
    }
}

// SAFETY: one CPU, and while a pin lives interrupts are off on it, so the pinned code runs
// alone and its index (always 0) cannot change. An SMP kernel answers each CPU's own index
// (read from its per-CPU area), which never moves to another CPU.
unsafe impl Cpu for ThisCpu {
    type Pin = Pinned;

    fn pin() -> Pinned {
        Pinned {
            were_on: interrupts_off(),
        }
    }

    fn index(_: &Pinned) -> usize {
        0
    }
}

/// Turns interrupts off; returns whether they were on.
fn interrupts_off() -> bool {
    let flags: u64;
    // SAFETY: reads RFLAGS through the stack and clears IF; no memory of ours is touched.
    unsafe { asm!("pushfq", "pop {}", "cli", out(reg) flags, options(nomem)) };
    flags & (1 << 9) != 0
}

fn interrupts_on() {
    // SAFETY: sets IF; only called to restore interrupts that were on.
    unsafe { asm!("sti", options(nomem, nostack)) };
}

fn halt() -> ! {
    loop {
        // SAFETY: waits for an interrupt; touches no memory.
        unsafe { asm!("hlt", options(nomem, nostack)) };
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    halt()
}
