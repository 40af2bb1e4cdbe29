//! The in-kernel benchmark (`make bench`): our heap against
//! `linked_list_allocator` inside the kernel, on one pre-touched block of the
//! heap window, with cycles from `rdtsc`. Prints a table and CSV lines.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec;
use bootloader_api::{entry_point, BootInfo};
use core::alloc::{GlobalAlloc, Layout};
use heap::{Heap, NeverGrow, Span};
use kernel::allocator::HEAP;
use kernel::bench::parallel::{self, Shared};
use kernel::bench::{latency, random_actions};
use kernel::qemu::{exit_qemu, ExitCode};
use kernel::serial_println;
use kernel::smp;
use kernel::sync::{level, IrqMutex};

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

/// The block both allocators manage, taken once from the kernel heap.
const ARENA: usize = 32 << 20;
const SEED: u64 = 0x5eed;
const SIZES: [usize; 3] = [200, 1000, 10_000];
const OPS: usize = 200_000;
const SAMPLES: usize = 20_000;
/// Replace steps per CPU in the parallel throughput run.
const STEPS: usize = 100_000;
/// Rounds of the parallel run, the allocators interleaved; the median counts.
const ROUNDS: usize = 5;

/// The baseline of the parallel run, shared by every CPU; it gets the arena
/// once the single-CPU runs are done with it.
static LINKED: Shared<linked_list_allocator::Heap> =
    Shared(IrqMutex::new(linked_list_allocator::Heap::empty()));

fn main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init(boot_info);
    let accelerator = hypervisor();
    log::info!("in-kernel benchmark under {accelerator}; cycles from rdtsc");
    serial_println!("bench,environment,accelerator,{accelerator},flag,1");

    let layout = Layout::from_size_align(ARENA, 4096).expect("arena layout");
    // SAFETY: the layout is non-zero; the block is freed never (the kernel exits).
    let base = unsafe { alloc::alloc::alloc(layout) };
    assert!(!base.is_null(), "no {ARENA} bytes for the benchmark arena");
    // SAFETY: the block is ours and `ARENA` bytes long; writing it maps every page now.
    unsafe { base.write_bytes(0, ARENA) };
    let arena = Span::from_base_size(base, ARENA);

    serial_println!(
        "{:<16} {:>7} {:>18} {:>14} {:>8}",
        "workload",
        "param",
        "allocator",
        "cycles",
        "ratio"
    );
    for max_size in SIZES {
        let ours = random_actions(&ours(arena), max_size, OPS, SEED);
        let baseline = random_actions(&linked_list(arena), max_size, OPS, SEED);
        report(
            "random_actions",
            max_size,
            "ours",
            "cycles_per_op",
            ours,
            ours,
        );
        report(
            "random_actions",
            max_size,
            "linked_list",
            "cycles_per_op",
            baseline,
            ours,
        );
    }
    let mut samples = vec![0u64; SAMPLES];
    let ours = latency(&ours(arena), &mut samples, SEED);
    let baseline = latency(&linked_list(arena), &mut samples, SEED);
    for (i, percentile) in [1, 25, 50, 75, 99].into_iter().enumerate() {
        let metric = alloc::format!("p{percentile}_cycles");
        report("latency", 1000, "ours", &metric, ours[i], ours[i]);
        report(
            "latency",
            1000,
            "linked_list",
            &metric,
            baseline[i],
            ours[i],
        );
    }
    let started = smp::start_all(&boot_info.memory_regions);
    serial_println!(
        "bench,smp_start,{},all,micros,{}",
        started.online,
        started.micros
    );
    // SAFETY: the single-CPU runs are over; the arena is this heap's alone now.
    unsafe { LINKED.0.lock().init(arena.base(), arena.size()) };
    let contenders: [(&str, &'static (dyn GlobalAlloc + Sync)); 3] = [
        ("ours_cached", &HEAP),
        ("ours_one_lock", HEAP.heap()),
        ("linked_list", &LINKED),
    ];
    // A warm-up round maps the window pages the runs will use.
    parallel::throughput(&HEAP, started.online, STEPS);
    for cpus in [1, 2, 4].into_iter().filter(|&n| n <= started.online) {
        let mut rounds = [[0; ROUNDS]; 3];
        for round in 0..ROUNDS {
            for ((_, heap), samples) in contenders.iter().zip(&mut rounds) {
                samples[round] = parallel::throughput(*heap, cpus, STEPS);
            }
        }
        let ops = rounds.map(|mut samples| {
            samples.sort_unstable();
            samples[ROUNDS / 2]
        });
        for ((name, _), value) in contenders.iter().zip(ops) {
            report("parallel", cpus, name, "ops_per_mcycle", value, ops[0]);
        }
    }
    exit_qemu(ExitCode::Success)
}

/// A fresh heap of ours over `arena`.
fn ours(arena: Span) -> IrqMutex<level::Bench, Heap<NeverGrow>> {
    let mut heap = Heap::new(NeverGrow);
    // SAFETY: the arena is a live block nothing else uses while this heap lives.
    unsafe { heap.claim(arena) }.expect("claim the benchmark arena");
    IrqMutex::new(heap)
}

/// A fresh `linked_list_allocator` heap over `arena`.
fn linked_list(arena: Span) -> IrqMutex<level::Bench, linked_list_allocator::Heap> {
    let mut heap = linked_list_allocator::Heap::empty();
    // SAFETY: as for `ours`.
    unsafe { heap.init(arena.base(), arena.size()) };
    IrqMutex::new(heap)
}

/// Prints one result as a table row and as a CSV line.
fn report(workload: &str, param: usize, allocator: &str, metric: &str, value: u64, ours: u64) {
    let ratio = value as f64 / ours.max(1) as f64;
    serial_println!(
        "{workload:<16} {param:>7} {allocator:>18} {value:>14} {ratio:>7.2}x  {metric}"
    );
    serial_println!("bench,{workload},{param},{allocator},{metric},{value}");
}

/// "KVM", "TCG" or "unknown", from the hypervisor CPUID leaf.
fn hypervisor() -> &'static str {
    let leaf = core::arch::x86_64::__cpuid(0x4000_0000);
    let vendor = [leaf.ebx, leaf.ecx, leaf.edx].map(u32::to_le_bytes);
    match vendor.as_flattened() {
        b"KVMKVMKVM\0\0\0" => "KVM",
        b"TCGTCGTCGTCG" => "TCG",
        _ => "unknown",
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::fail(info)
}
