//! A panic stops every other CPU before it reports: nothing runs on after
//! the panic began (another CPU could otherwise change what the report
//! shows, or end the run with its own verdict first). Booted with 4 CPUs.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU64, Ordering};
use kernel::apic::timer::delay_us;
use kernel::arch::percpu::{self, MAX_CPUS};
use kernel::qemu::{exit_qemu, ExitCode};
use kernel::{serial_print, serial_println, smp};

/// How far each CPU has counted.
static COUNTS: [AtomicU64; MAX_CPUS] = [const { AtomicU64::new(0) }; MAX_CPUS];

bootloader_api::entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

fn main(boot_info: &'static mut bootloader_api::BootInfo) -> ! {
    kernel::init(boot_info);
    smp::start_all(&boot_info.memory_regions);
    serial_print!("panic_stops_cpus::no_cpu_runs_on_after_a_panic ... ");
    smp::run_on_all(|cpu| {
        if cpu != 0 {
            loop {
                COUNTS[cpu].fetch_add(1, Ordering::Relaxed);
            }
        }
        while (1..percpu::online()).any(|other| COUNTS[other].load(Ordering::Relaxed) == 0) {
            core::hint::spin_loop();
        }
        panic!("a panic with every other CPU counting");
    });
    kernel::testing::did_not_fail(format_args!("run_on_all returned"))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    kernel::panic::begin(info);
    let others = percpu::online() - 1;
    let before: [u64; MAX_CPUS] = core::array::from_fn(|i| COUNTS[i].load(Ordering::Relaxed));
    delay_us(50_000);
    let moved: usize = (1..=others)
        .filter(|&i| COUNTS[i].load(Ordering::Relaxed) != before[i])
        .count();
    let stopped = kernel::panic::stopped_cpus();
    if others > 0 && moved == 0 && stopped == others {
        serial_println!("[ok]");
        exit_qemu(ExitCode::Success)
    }
    serial_println!("[failed]");
    serial_println!(
        "{moved} of {others} other CPUs still ran after the panic began; {stopped} stopped"
    );
    exit_qemu(ExitCode::Failure)
}
