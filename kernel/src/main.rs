//! The kernel binary: boots, brings up memory, runs a driver-like workload
//! until the heap has grown through page faults, frees half of what it left
//! alive, trims the heap, and exits QEMU. With the `heapmap` feature it prints
//! a map of the heap after each of those three steps.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::allocator::HEAP;
use kernel::boot_info::MemorySummary;
use kernel::heapmap;
use kernel::memory::{self, MemoryReport};
use kernel::qemu::{exit_qemu, ExitCode};
use kernel::sync::irq_off;
use kernel::workload::{self, Rng};
use kernel::{smp, timer};

entry_point!(kernel_main, config = &kernel::BOOTLOADER_CONFIG);

/// How far the workload grows the heap: well past the initial arena.
const GROWTH_TARGET: u64 = 32 << 20;

fn kernel_main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    log::info!(
        "kernel {} booted: image at {:#x} ({} KiB)",
        env!("CARGO_PKG_VERSION"),
        boot_info.kernel_image_offset,
        boot_info.kernel_len / 1024,
    );
    MemorySummary::of(&boot_info.memory_regions).log(&boot_info.memory_regions);
    let started = smp::start_all(&boot_info.memory_regions);
    log::info!(
        "{} CPUs online ({} did not start), {} us to start them",
        started.online,
        started.missing,
        started.micros
    );
    timer::start();
    log::info!("memory at start: {}", MemoryReport::now());
    log::info!("heap at start: {:?}", HEAP.lock().counters());

    let mut rng = Rng::new(0x5eed);
    let mut live = workload::churn(&mut rng, GROWTH_TARGET);
    log::info!(
        "workload grew the heap to {} MiB; {} KiB of payload alive; {} timer ticks, {} allocations in the timer handler",
        memory::window::committed_bytes() >> 20,
        live.payload_bytes() / 1024,
        timer::ticks(),
        timer::allocations()
    );
    log_longest_interrupts_off("the workload");
    show_heap_map("grown");
    let freed = live.free_half(&mut rng);
    log::info!("freed {freed} random blocks, {} still alive", live.blocks());
    show_heap_map("fragmented");
    log::info!("memory before trim: {}", MemoryReport::now());
    log::info!("heap before trim: {:?}", HEAP.lock().counters());
    drop(live);
    irq_off::reset_longest_off();
    let trimmed = memory::trim();
    log_longest_interrupts_off("trim");
    log::info!(
        "trim gave back {} pages: {} from inside the heap (free chunks, still committed) and {} \
         from its top ({} KiB of arena decommitted)",
        trimmed.discarded_inside + trimmed.unmapped_top,
        trimmed.discarded_inside,
        trimmed.unmapped_top,
        trimmed.released_bytes / 1024
    );
    log::info!("memory after trim: {}", MemoryReport::now());
    log::info!("heap after trim: {:?}", HEAP.lock().counters());
    show_heap_map("trimmed");
    if let Err(error) = HEAP.lock().check() {
        panic!("heap invariant broken after the workload: {error}");
    }
    log::info!("heap check passed; done");
    exit_qemu(ExitCode::Success)
}

/// Logs the longest stretch that locks kept interrupts off during `phase`.
fn log_longest_interrupts_off(phase: &str) {
    let cycles = irq_off::longest_off_cycles();
    match timer::tsc_per_ms() {
        Some(per_ms) => log::info!(
            "longest interrupts-off stretch during {phase}: {cycles} TSC cycles ({} us)",
            cycles * 1000 / per_ms.max(1)
        ),
        None => log::info!("longest interrupts-off stretch during {phase}: {cycles} TSC cycles"),
    }
}

/// Prints the heap map `label` over serial when the kernel is built with the
/// `heapmap` feature (`make run HEAPMAP=1` draws it as `target/heapmap/<label>.svg`).
fn show_heap_map(label: &str) {
    if cfg!(feature = "heapmap") {
        heapmap::print(label);
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::fail(info)
}
