//! The kernel binary: boots, starts every CPU, runs a driver-like workload on
//! all of them until the heap has grown through page faults, has each CPU
//! free half of another CPU's blocks, trims the heap (with TLB shootdowns),
//! checks the heap and that no frame was lost, and exits QEMU. Before the workload it lists
//! the PCI devices and, when the runner attached a disk, drives it through virtio-blk and
//! prints the measured figures; when it attached a network card, serves the UDP and TCP
//! echo until a `quit` datagram. With the `heapmap` feature it prints
//! a map of the heap after each of those three steps.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use core::fmt;
use kernel::allocator::HEAP;
use kernel::arch::{irq_off, percpu};
use kernel::boot_info::MemorySummary;
use kernel::heapmap;
use kernel::memory::{self, MemoryReport};
use kernel::net::echo;
use kernel::net::report::{Moment, Report};
use kernel::qemu::{exit_qemu, ExitCode};
use kernel::stats::{self, Snapshot};
use kernel::virtio::blk;
use kernel::virtio::measure::{self, BufferKind};
use kernel::workload::every_cpu;
use kernel::{allocator, net, pci, smp, timer};

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
    drive_the_disk();
    serve_the_network();
    let at_start = Snapshot::now();

    let frames_at_start = frames_in_play();
    let blocks = every_cpu::grow(GROWTH_TARGET);
    log::info!(
        "the workload on {} CPUs grew the heap to {} MiB; {blocks} blocks alive; {} timer ticks \
         (per CPU: {}), {} allocations in the timer handlers",
        percpu::online(),
        memory::window::committed_bytes() >> 20,
        timer::ticks(),
        TicksPerCpu,
        timer::allocations()
    );
    log_longest_interrupts_off("the workload");
    show_heap_map("grown");
    let freed = every_cpu::free_half();
    log::info!("every CPU freed half of its neighbour's blocks: {freed} blocks");
    show_heap_map("fragmented");
    let before_trim = Snapshot::now();
    drop(every_cpu::take_all());
    irq_off::reset_longest_off();
    let trimmed = allocator::trim();
    log_longest_interrupts_off("trim");
    log::info!(
        "trim gave back {} pages: {} from inside the heap (free chunks, still committed) and {} \
         from its top ({} KiB of arena decommitted)",
        trimmed.discarded_inside + trimmed.unmapped_top,
        trimmed.discarded_inside,
        trimmed.unmapped_top,
        trimmed.released_bytes / 1024
    );
    stats::print(&[
        ("start", at_start),
        ("before trim", before_trim),
        ("after trim", Snapshot::now()),
    ]);
    show_heap_map("trimmed");
    if let Err(error) = HEAP.heap().lock().check() {
        panic!("heap invariant broken after the workload: {error}");
    }
    let frames_at_end = frames_in_play();
    assert_eq!(
        frames_at_end, frames_at_start,
        "frames lost: {frames_at_start} free or under heap pages at the start, {frames_at_end} now"
    );
    log::info!("frames conserved: {frames_at_end} free or under heap pages, as at the start");
    log::info!("heap check passed; done");
    exit_qemu(ExitCode::Success)
}

/// With a virtio-net card (`make run NET=1`), serves the UDP and TCP echo on port 7 until
/// a `quit` datagram arrives, then logs what the heap did per frame.
fn serve_the_network() {
    let nic = match net::probe(pci::devices()) {
        Ok(nic) => nic,
        Err(error) => {
            log::info!("net: {error}; going on without a network");
            return;
        }
    };
    let [a, b, c, d, e, f] = nic.mac();
    log::info!(
        "net: virtio-net at {}, MAC {a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{f:02x}, {} \
         ({}); UDP and TCP echo on port {}; a `quit` datagram goes on with the workload",
        nic.function(),
        echo::ADDRESS,
        if nic.interrupt_driven() {
            "interrupts"
        } else {
            "polled"
        },
        echo::PORT
    );
    let start = Moment::now(&nic);
    let served = echo::serve(&nic, echo::Until::Quit);
    log::info!("net: served {served:?}");
    log::info!("net: {}", Report::since(&start, &nic));
}

/// Sectors each disk round trip writes and reads back: 1 MiB.
const ROUND_TRIP_SECTORS: u64 = 2048;

/// Lists the PCI devices; with a virtio-blk disk, writes a pattern over its first MiB and
/// reads it back through a heap buffer of one sector, one of 16 KiB and a DMA pool buffer
/// of 16 KiB, logging each round trip's figures.
fn drive_the_disk() {
    let devices = pci::devices();
    pci::log_devices(devices);
    let disk = match blk::probe(devices) {
        Ok(disk) => disk,
        Err(error) => {
            log::info!("disk: {error}; going on without one");
            return;
        }
    };
    log::info!(
        "disk: virtio-blk at {}, {} sectors ({} KiB)",
        disk.function(),
        disk.capacity(),
        disk.capacity() / 2
    );
    let runs = [
        (BufferKind::Heap, blk::SECTOR),
        (BufferKind::Heap, 16 << 10),
        (BufferKind::Pool, 16 << 10),
    ];
    for (kind, chunk) in runs {
        let sectors = ROUND_TRIP_SECTORS.min(disk.capacity());
        match measure::round_trip(&disk, 0, sectors, chunk, kind) {
            Ok(report) => log::info!("disk round trip, {chunk}-byte requests: {report}"),
            Err(error) => panic!("disk round trip with {chunk}-byte {kind:?} buffers: {error}"),
        }
    }
}

/// Frames either free or under a mapped heap page (`MemoryReport::frames_in_play`).
fn frames_in_play() -> u64 {
    MemoryReport::now().frames_in_play()
}

/// Timer interrupts taken by each CPU, for the log.
struct TicksPerCpu;

impl fmt::Display for TicksPerCpu {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, cpu) in (0..percpu::online()).filter_map(percpu::cpu).enumerate() {
            let separator = if i == 0 { "" } else { " " };
            write!(f, "{separator}{}", cpu.ticks())?;
        }
        Ok(())
    }
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
