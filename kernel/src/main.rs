//! The kernel binary: boots, reports the machine's memory and exits QEMU.
#![no_std]
#![no_main]

use bootloader_api::{entry_point, BootInfo};
use kernel::boot_info::MemorySummary;
use kernel::qemu::{exit_qemu, ExitCode};
use kernel::serial_println;

entry_point!(kernel_main, config = &kernel::BOOTLOADER_CONFIG);

fn kernel_main(boot_info: &'static mut BootInfo) -> ! {
    kernel::init();
    log::info!(
        "kernel {} booted: image at {:#x} ({} KiB), physical memory mapped at {:#x}",
        env!("CARGO_PKG_VERSION"),
        boot_info.kernel_image_offset,
        boot_info.kernel_len / 1024,
        boot_info.physical_memory_offset.into_option().unwrap_or(0)
    );
    MemorySummary::of(&boot_info.memory_regions).log(&boot_info.memory_regions);
    exit_qemu(ExitCode::Success)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    serial_println!("PANIC: {info}");
    exit_qemu(ExitCode::Failure)
}
