//! Every CPU comes up and works: timer interrupts and IPIs reach each of them,
//! they allocate in parallel and free each other's blocks, a page fault on one
//! CPU waits for another CPU's memory lock instead of panicking, and at the
//! end the heap checks out and no frame is lost. Booted with 1, 2 and 4 CPUs.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use kernel::allocator;
use kernel::apic::timer::delay_us;
use kernel::arch::percpu;
use kernel::memory::{MemoryReport, MEMORY};
use kernel::testing::check_heap;
use kernel::workload::every_cpu;
use kernel::{platform, smp, timer};

kernel::test_kernel!(|boot_info| {
    let started = smp::start_all(&boot_info.memory_regions);
    kernel::serial_println!(
        "{} CPUs online, {} us to start them",
        started.online,
        started.micros
    );
    timer::start();
});

fn frames_in_play() -> u64 {
    let report = MemoryReport::now();
    report.free_frames + report.mapped_pages
}

#[test_case]
fn every_cpu_the_madt_lists_is_online() {
    let listed = platform::get().unwrap().cpus.len();
    assert_eq!(
        percpu::online(),
        listed,
        "CPUs listed in the MADT but not online"
    );
    for index in 0..listed {
        let cpu = percpu::cpu(index).unwrap();
        assert_eq!(cpu.index(), index);
        assert_eq!(cpu.apic_id(), platform::get().unwrap().cpus[index]);
    }
}

#[test_case]
fn timer_interrupts_arrive_on_every_cpu() {
    let before: Vec<u64> = (0..percpu::online())
        .map(|i| percpu::cpu(i).unwrap().ticks())
        .collect();
    delay_us(50_000);
    for (index, ticks) in before.iter().enumerate() {
        let now = percpu::cpu(index).unwrap().ticks();
        assert!(
            now > *ticks,
            "CPU {index} took no timer interrupt in 50 ms ({ticks} -> {now})"
        );
    }
}

#[test_case]
fn posted_work_reaches_every_cpu() {
    static RAN: AtomicU32 = AtomicU32::new(0);
    RAN.store(0, Ordering::Relaxed);
    smp::run_on_all(|cpu| {
        assert_eq!(cpu, percpu::current().index());
        RAN.fetch_or(1 << cpu, Ordering::Relaxed);
    });
    let all = (1u32 << percpu::online()) - 1;
    assert_eq!(
        RAN.load(Ordering::Relaxed),
        all,
        "the wake-up IPI missed a CPU"
    );
}

#[test_case]
fn an_ipi_sent_to_one_cpu_reaches_that_cpu_only() {
    use kernel::arch::{lapic, XCALL_VECTOR};
    for target in 1..percpu::online() {
        let before: Vec<u64> = (0..percpu::online())
            .map(|i| percpu::cpu(i).unwrap().wakeups())
            .collect();
        lapic::send(percpu::cpu(target).unwrap().apic_id(), XCALL_VECTOR);
        let target_cpu = percpu::cpu(target).unwrap();
        let mut waited = 0;
        while target_cpu.wakeups() == before[target] {
            assert!(waited < 1000, "CPU {target} never took the IPI");
            delay_us(1000);
            waited += 1;
        }
        for (index, count) in before.iter().enumerate().filter(|&(i, _)| i != target) {
            assert_eq!(
                percpu::cpu(index).unwrap().wakeups(),
                *count,
                "CPU {index} took CPU {target}'s IPI"
            );
        }
    }
}

#[test_case]
fn every_cpu_allocates_and_frees_its_neighbours_blocks() {
    allocator::trim();
    let frames_before = frames_in_play();
    let blocks = every_cpu::grow(8 << 20);
    assert!(blocks > 0);
    let freed = every_cpu::free_half();
    assert!(freed > 0 || percpu::online() == 1 && blocks < 2);
    drop(every_cpu::take_all());
    allocator::trim();
    check_heap();
    assert_eq!(frames_in_play(), frames_before, "frames lost");
}

#[test_case]
fn a_fault_waits_while_another_cpu_holds_the_memory_lock() {
    static HOLDING: AtomicBool = AtomicBool::new(false);
    static FAULTING: AtomicBool = AtomicBool::new(false);
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    if percpu::online() < 2 {
        kernel::serial_print!("(one CPU: nothing to wait for) ");
        return;
    }
    // Committed but never touched: the first write faults.
    let block: Vec<u8> = Vec::with_capacity(1 << 20);
    PAGE.store(
        block.as_ptr().addr().next_multiple_of(4096) + 4096,
        Ordering::Relaxed,
    );
    HOLDING.store(false, Ordering::Relaxed);
    FAULTING.store(false, Ordering::Relaxed);
    smp::run_on_all(|cpu| match cpu {
        0 => {
            let memory = MEMORY.lock();
            HOLDING.store(true, Ordering::Release);
            while !FAULTING.load(Ordering::Acquire) {
                core::hint::spin_loop();
            }
            // Give the other CPU time to fault and find the lock taken.
            delay_us(20_000);
            drop(memory);
        }
        1 => {
            // CPU 0 holds the memory lock until this CPU says it faults: an
            // interrupt here that needed the lock too (an allocation that
            // grows the heap by a page) would wait for CPU 0 while CPU 0 waits
            // for this CPU. The fault itself is what must wait.
            let _off = kernel::arch::irq_off::push_off();
            while !HOLDING.load(Ordering::Acquire) {
                core::hint::spin_loop();
            }
            FAULTING.store(true, Ordering::Release);
            let page = core::ptr::with_exposed_provenance_mut::<u64>(PAGE.load(Ordering::Relaxed));
            // SAFETY: the page lies inside `block`'s capacity, which the boot
            // CPU owns and does not touch meanwhile.
            unsafe { page.write_volatile(0x5a5a) };
            // SAFETY: as above.
            assert_eq!(unsafe { page.read_volatile() }, 0x5a5a);
        }
        _ => {}
    });
    drop(block);
    check_heap();
}
