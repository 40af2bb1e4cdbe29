//! The guard pool never waits for the memory lock: a CPU that holds it while
//! waiting for another CPU must not stop that CPU's sampled allocations and
//! frees, which may run in its interrupt handlers. Booted with 2 CPUs.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::boxed::Box;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use kernel::allocator::kfence;
use kernel::memory::MEMORY;
use kernel::smp;

kernel::test_kernel!(|boot_info| {
    smp::start_all(&boot_info.memory_regions);
});

/// Sampled allocations and frees the second CPU makes while the first holds
/// the memory lock: one object at each edge of its page. Few, because under
/// multi-threaded TCG a sample takes seconds while the other vCPU spins.
const SAMPLES: usize = 2;

#[test_case]
fn sampling_goes_on_while_another_cpu_holds_the_memory_lock() {
    assert!(kernel::arch::percpu::online() >= 2, "boot with 2 CPUs");
    static HOLDING: AtomicBool = AtomicBool::new(false);
    static SAMPLED: AtomicUsize = AtomicUsize::new(0);
    smp::run_on_all(|cpu| match cpu {
        0 => {
            let memory = MEMORY.lock();
            HOLDING.store(true, Ordering::Release);
            // On the old pool the other CPU waited here for the lock, and this
            // CPU for it: the boot hung until its time-out.
            while SAMPLED.load(Ordering::Acquire) < SAMPLES {
                core::hint::spin_loop();
            }
            drop(memory);
        }
        1 => {
            kfence::set_interval(1);
            while !HOLDING.load(Ordering::Acquire) {
                core::hint::spin_loop();
            }
            for round in 0..SAMPLES {
                let block = Box::new([round as u8; 48]);
                assert!(
                    kfence::owns(core::ptr::from_ref(&*block).cast_mut().cast()),
                    "allocation {round} was not sampled"
                );
                assert_eq!(block[47], round as u8);
                drop(block);
                SAMPLED.fetch_add(1, Ordering::Release);
            }
            kfence::set_interval(0);
        }
        _ => {}
    });
    assert_eq!(SAMPLED.load(Ordering::Relaxed), SAMPLES);
}
