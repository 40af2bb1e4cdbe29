//! The in-kernel benchmark (`make bench`): our heap against talc, rlsf and
//! `linked_list_allocator` inside the kernel, on one pre-touched block of the
//! heap window, with cycles from `rdtsc`. Prints a table and CSV lines.
//!
//! ```text
//!   one CPU:   random actions (3 size ranges), latency percentiles; each allocator
//!              fresh over the arena, the allocators interleaved in each of ROUNDS
//!              rounds, the median counts, with its ratio to ours
//!   n CPUs:    every workload of bench::workloads on 1, 2, 4 CPUs (as many as are
//!              online), the allocators interleaved in each of ROUNDS rounds, the
//!              median counts: cycles per operation, with its ratio to ours_cached
//!              and, as a row of its own, to the same allocator on one CPU
//! ```
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec;
use bootloader_api::{entry_point, BootInfo};
use core::alloc::Layout;
use heap::{Heap, NeverGrow, Span};
use kernel::allocator::{GlobalHeap, HEAP};
use kernel::bench::parallel::{self, Contender, Fresh};
use kernel::bench::peers::{Rlsf, Talc};
use kernel::bench::workloads::WORKLOADS;
use kernel::bench::{latency, random_actions, BenchHeap};
use kernel::qemu::{exit_qemu, ExitCode};
use kernel::serial_println;
use kernel::smp;
use kernel::sync::IrqMutex;
use linked_list_allocator::Heap as LinkedList;

entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

/// The block every allocator manages in turn, taken once from the kernel heap.
const ARENA: usize = 32 << 20;
const SEED: u64 = 0x5eed;
const SIZES: [usize; 3] = [200, 1000, 10_000];
const OPS: usize = 200_000;
const SAMPLES: usize = 20_000;
/// Rounds of every measurement, the allocators interleaved; the median counts.
const ROUNDS: usize = 5;

/// The allocators of the parallel runs that live on the arena, made fresh for each run.
static OURS: Fresh<Heap<NeverGrow>> = Fresh::new();
static TALC: Fresh<Talc> = Fresh::new();
static RLSF: Fresh<Rlsf> = Fresh::new();
static LINKED: Fresh<LinkedList> = Fresh::new();

/// How many allocators the parallel runs compare.
const CONTENDERS: usize = 7;

/// Every allocator of the parallel runs; the first is what ratios compare with.
fn contenders() -> [Contender; CONTENDERS] {
    [
        Contender {
            name: "ours_cached",
            heap: &HEAP,
            fresh: None,
        },
        // The kernel's `#[global_allocator]`: the cache, and the guard pool's
        // sampling (`boot run --kfence N`).
        Contender {
            name: "ours_global",
            heap: &GlobalHeap,
            fresh: None,
        },
        Contender {
            name: "ours_one_lock",
            heap: HEAP.heap(),
            fresh: None,
        },
        Contender {
            name: "ours",
            heap: &OURS,
            fresh: Some(&OURS),
        },
        Contender {
            name: "talc",
            heap: &TALC,
            fresh: Some(&TALC),
        },
        Contender {
            name: "rlsf",
            heap: &RLSF,
            fresh: Some(&RLSF),
        },
        Contender {
            name: "linked_list",
            heap: &LINKED,
            fresh: Some(&LINKED),
        },
    ]
}

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
    let mut samples = vec![0u64; SAMPLES];
    let mut rounds = [[OneCpu::default(); ROUNDS]; 4];
    for round in 0..ROUNDS {
        let figures = [
            one_cpu::<Heap<NeverGrow>>(arena, &mut samples),
            one_cpu::<Talc>(arena, &mut samples),
            one_cpu::<Rlsf>(arena, &mut samples),
            one_cpu::<LinkedList>(arena, &mut samples),
        ];
        for (runs, figure) in rounds.iter_mut().zip(figures) {
            runs[round] = figure;
        }
    }
    let figures = rounds.map(OneCpu::median);
    let ours = figures[0];
    for figure in figures {
        for (i, max_size) in SIZES.into_iter().enumerate() {
            let (value, metric) = (figure.actions[i], "cycles_per_op");
            report(
                "random_actions",
                max_size,
                figure.name,
                metric,
                value,
                ours.actions[i],
            );
        }
        for (i, percentile) in [1, 25, 50, 75, 99].into_iter().enumerate() {
            let metric = alloc::format!("p{percentile}_cycles");
            let value = figure.percentiles[i];
            report(
                "latency",
                1000,
                figure.name,
                &metric,
                value,
                ours.percentiles[i],
            );
        }
    }

    let started = smp::start_all(&boot_info.memory_regions);
    serial_println!(
        "bench,smp_start,{},all,micros,{}",
        started.online,
        started.micros
    );
    // A warm-up run maps the window pages the kernel heap's runs will use.
    let contenders = contenders();
    parallel::run(&contenders[0], arena, started.online, &WORKLOADS[0]);
    for workload in &WORKLOADS {
        let mut on_one_cpu = [0; CONTENDERS];
        for cpus in [1, 2, 4].into_iter().filter(|&n| n <= started.online) {
            let runs = medians(&contenders, arena, cpus, workload);
            for (i, (contender, run)) in contenders.iter().zip(runs).enumerate() {
                let (name, per_op) = (contender.name, run.cycles_per_op());
                report(
                    workload.name,
                    cpus,
                    name,
                    "cycles_per_op",
                    per_op,
                    runs[0].cycles_per_op(),
                );
                if cpus == 1 {
                    on_one_cpu[i] = per_op;
                }
                let to_one_cpu = per_op as f64 / on_one_cpu[i].max(1) as f64;
                report_ratio(workload.name, cpus, name, "per_op_vs_1cpu", to_one_cpu);
                if workload.name == "parallel" {
                    let ops = run.ops_per_mcycle();
                    report(
                        workload.name,
                        cpus,
                        name,
                        "ops_per_mcycle",
                        ops,
                        runs[0].ops_per_mcycle(),
                    );
                }
            }
        }
    }
    exit_qemu(ExitCode::Success)
}

/// What one allocator did alone on one CPU.
#[derive(Clone, Copy, Default)]
struct OneCpu {
    name: &'static str,
    /// Cycles per random action, for each of [`SIZES`].
    actions: [u64; 3],
    /// Latency percentiles of an allocate + free pair.
    percentiles: [u64; 5],
}

impl OneCpu {
    /// The median of every figure over the rounds.
    fn median(rounds: [OneCpu; ROUNDS]) -> OneCpu {
        let median = |figure: &dyn Fn(&OneCpu) -> u64| {
            let mut values = rounds.map(|round| figure(&round));
            values.sort_unstable();
            values[ROUNDS / 2]
        };
        OneCpu {
            name: rounds[0].name,
            actions: [0, 1, 2].map(|i| median(&|round| round.actions[i])),
            percentiles: [0, 1, 2, 3, 4].map(|i| median(&|round| round.percentiles[i])),
        }
    }
}

/// `H` alone over the arena on this CPU: cycles per random action for each of
/// [`SIZES`], and the latency percentiles.
fn one_cpu<H: BenchHeap>(arena: Span, samples: &mut [u64]) -> OneCpu {
    let fresh = || {
        // SAFETY: the arena is the benchmark's, and each allocator over it is dropped
        // (with every block freed) before the next is made.
        IrqMutex::new(unsafe { H::over(arena) })
    };
    OneCpu {
        name: H::NAME,
        actions: SIZES.map(|max_size| random_actions(&fresh(), max_size, OPS, SEED)),
        percentiles: latency(&fresh(), samples, SEED),
    }
}

/// The median run of each contender over ROUNDS rounds of `workload` on `cpus`
/// CPUs, the contenders taking turns within each round.
fn medians(
    contenders: &[Contender; CONTENDERS],
    arena: Span,
    cpus: usize,
    workload: &parallel::Workload,
) -> [parallel::Run; CONTENDERS] {
    let mut rounds = [[None; ROUNDS]; CONTENDERS];
    for round in 0..ROUNDS {
        for (contender, runs) in contenders.iter().zip(&mut rounds) {
            runs[round] = Some(parallel::run(contender, arena, cpus, workload));
        }
    }
    rounds.map(|runs| {
        let mut runs = runs.map(|run| run.expect("every round ran"));
        runs.sort_unstable_by_key(parallel::Run::cycles_per_op);
        runs[ROUNDS / 2]
    })
}

/// Prints one result as a table row and as a CSV line.
fn report(workload: &str, param: usize, allocator: &str, metric: &str, value: u64, ours: u64) {
    let ratio = value as f64 / ours.max(1) as f64;
    serial_println!(
        "{workload:<16} {param:>7} {allocator:>18} {value:>14} {ratio:>7.2}x  {metric}"
    );
    serial_println!("bench,{workload},{param},{allocator},{metric},{value}");
}

/// Prints a ratio as a table row and as a CSV line.
fn report_ratio(workload: &str, param: usize, allocator: &str, metric: &str, ratio: f64) {
    serial_println!("{workload:<16} {param:>7} {allocator:>18} {ratio:>14.2}           {metric}");
    serial_println!("bench,{workload},{param},{allocator},{metric},{ratio:.2}");
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
