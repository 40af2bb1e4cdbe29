//! A bootable x86_64 hobby kernel whose memory story is the point.
//!
//! The library holds everything the kernel binary and its test binaries share:
//! serial output and logging, the GDT/TSS/IDT, the timer, the memory system
//! with the global allocator, the QEMU exit device and the in-QEMU test
//! framework. Each binary enters through `bootloader_api::entry_point!` with
//! [`BOOTLOADER_CONFIG`], calls [`init`], then [`timer::start`] if it wants
//! timer interrupts and `smp::start_all` if it wants the other CPUs.
//!
//! The modules form layers, each importing only from the ones below it
//! ([`arch`] draws them): `arch` → `sync` → `xcall` → `tlb` → `memory` →
//! `allocator` → devices (`apic`, `irq`, `timer`, `serial`, `platform`, `pci`, `virtio`, `net`,
//! `fw_cfg`, `pic`) → `interrupts`, `smp`, `panic`, `stats`, `console` and
//! the workloads.
#![no_std]
#![cfg_attr(test, no_main)]
#![feature(custom_test_frameworks)]
#![feature(abi_x86_interrupt)]
#![test_runner(crate::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

pub mod allocator;
pub mod apic;
pub mod arch;
#[cfg(feature = "bench")]
pub mod bench;
pub mod boot_info;
pub mod console;
#[cfg(feature = "exercises")]
pub mod exercises;
pub mod fw_cfg;
pub mod gdt;
pub mod heapmap;
pub mod interrupts;
pub mod irq;
pub mod logger;
pub mod memory;
pub mod net;
pub mod panic;
pub mod pci;
pub mod pic;
pub mod platform;
pub mod qemu;
pub mod serial;
pub mod smp;
pub mod stats;
pub mod sync;
pub mod testing;
pub mod timer;
pub mod tlb;
pub mod virtio;
pub mod workload;
pub mod xcall;

pub use boot_info::BOOTLOADER_CONFIG;

/// Brings up the boot CPU: its per-CPU slot, the logger, the lock kind, the
/// cross-CPU calls, the GDT/TSS/IDT, the memory system, the heap, and the
/// interrupt controllers (the ACPI tables say where they are). Every binary
/// calls it first; interrupts stay off until [`timer::start`], and other CPUs
/// stay down until [`smp::start_all`].
pub fn init(boot_info: &'static bootloader_api::BootInfo) {
    init_on(boot_info, memory::frames::FramePolicy::NextFit);
}

/// [`init`] with the frames kept by the pool `frame_policy` names (exercise 7
/// boots on the student's buddy allocator).
pub fn init_on(
    boot_info: &'static bootloader_api::BootInfo,
    frame_policy: memory::frames::FramePolicy,
) {
    arch::percpu::init_this_cpu(0, 0);
    logger::init(log::LevelFilter::Info);
    choose_lock_kind();
    xcall::init();
    gdt::init();
    interrupts::init();
    arch::backtrace::set_image(boot_info.kernel_image_offset, boot_info.kernel_len);
    memory::init(boot_info, frame_policy);
    allocator::init();
    choose_sample_interval();
    let rsdp = boot_info
        .rsdp_addr
        .into_option()
        .expect("the bootloader found no ACPI tables (RSDP)");
    let platform = platform::discover(rsdp, memory::physical_memory());
    apic::init(platform);
    arch::percpu::init_this_cpu(0, arch::lapic::id());
}

/// The fw_cfg file through which the runner forces a lock kind
/// (`boot run --lock fair|unfair`).
const LOCK_KIND_FILE: &str = "opt/kernel/lock";

/// Chooses the lock algorithm: the runner's if it named one, else the one for
/// this machine (`sync::LockKind::for_this_machine`).
fn choose_lock_kind() {
    let mut named = [0; 16];
    let forced = fw_cfg::read_file(LOCK_KIND_FILE, &mut named).map(|len| {
        core::str::from_utf8(&named[..len])
            .ok()
            .and_then(sync::LockKind::parse)
            .unwrap_or_else(|| {
                panic!(
                    "fw_cfg {LOCK_KIND_FILE} says {:?}: the lock kind is fair or unfair",
                    &named[..len]
                )
            })
    });
    let kind = forced.unwrap_or_else(sync::LockKind::for_this_machine);
    sync::choose(kind);
    let why = match forced {
        Some(_) => "forced by the runner",
        None if arch::under_hypervisor() => "CPUID says a hypervisor runs this kernel",
        None => "no hypervisor: bare metal",
    };
    log::info!("locks: {} ({why})", kind.name());
}

/// The fw_cfg file through which the runner sets the guard pool's sampling
/// interval (`boot run --kfence N`; 0 turns it off).
const SAMPLE_INTERVAL_FILE: &str = "opt/kernel/kfence";

/// Sets the guard pool's sampling interval: the runner's if it named one,
/// else `allocator::kfence::DEFAULT_INTERVAL`.
fn choose_sample_interval() {
    let mut named = [0; 16];
    if let Some(len) = fw_cfg::read_file(SAMPLE_INTERVAL_FILE, &mut named) {
        let interval = core::str::from_utf8(&named[..len])
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "fw_cfg {SAMPLE_INTERVAL_FILE} says {:?}: the interval is a number",
                    &named[..len]
                )
            });
        allocator::kfence::set_interval(interval);
    }
    log::info!(
        "guard pool: one page-sized allocation in {} per CPU sampled (0: off)",
        allocator::kfence::interval()
    );
}

/// Prints `PANIC: <message>` and what the heap and memory counters say, then
/// exits QEMU with the failure code: the end of every kernel panic (see [`mod@panic`]).
pub fn fail(info: &core::panic::PanicInfo) -> ! {
    panic::fail(info)
}

/// Halts the CPU until the next interrupt, forever.
pub fn hlt_loop() -> ! {
    loop {
        x86_64::instructions::hlt();
    }
}

#[cfg(test)]
bootloader_api::entry_point!(test_kernel_main, config = &BOOTLOADER_CONFIG);

#[cfg(test)]
fn test_kernel_main(boot_info: &'static mut bootloader_api::BootInfo) -> ! {
    init(boot_info);
    test_main();
    hlt_loop()
}

#[cfg(test)]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    testing::test_panic_handler(info)
}

#[cfg(test)]
mod tests {
    #[test_case]
    fn breakpoint_exception_returns() {
        x86_64::instructions::interrupts::int3();
    }

    #[test_case]
    fn code_segment_is_the_kernel_one() {
        use x86_64::instructions::segmentation::{Segment, CS};
        let cs = CS::get_reg();
        assert_eq!(cs.rpl(), x86_64::PrivilegeLevel::Ring0, "CS {cs:?}");
        assert_ne!(cs.index(), 0, "CS is the null selector");
    }

    #[test_case]
    fn ist_stacks_are_set_and_distinct() {
        let [double_fault, page_fault] = crate::gdt::ist_stack_tops();
        assert!(!double_fault.is_null() && !page_fault.is_null());
        assert_ne!(double_fault, page_fault);
        assert!(double_fault.is_aligned(16u64) && page_fault.is_aligned(16u64));
    }
}
