//! Device memory mappings: BAR-sized ranges fit (several 16 MiB framebuffers),
//! a full window or a bad range is an error, and dropping a mapping unmaps it
//! on every CPU, so the window space can be reused. Booted with 2 CPUs; the
//! CPU that must forget a mapping keeps its interrupts off meanwhile: with
//! them on, its own interrupt work flushed its TLB under TCG, and the test
//! passed even without the shootdown.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use kernel::arch::percpu;
use kernel::memory::dma::{self, ANYWHERE};
use kernel::memory::mmio::{self, Mmio, MmioError, MMIO_WINDOW_SIZE};
use kernel::memory::translate::translate;
use kernel::smp;
use kernel::sync::{level, IrqMutex};
use x86_64::instructions::interrupts;
use x86_64::VirtAddr;

kernel::test_kernel!(|boot_info| {
    kernel::testing::start_every_cpu(boot_info);
});

/// Physical address space with neither RAM nor devices (nothing is touched).
const NOWHERE: u64 = 0x40_0000_0000;

#[test_case]
fn several_framebuffer_sized_bars_fit() {
    // SAFETY: nothing lives at NOWHERE, and the mappings are never touched.
    let bars: Vec<_> = (0..4u64)
        .map(|i| unsafe { mmio::map(NOWHERE + i * (16 << 20) + 0x80, 16 << 20) })
        .collect::<Result<_, _>>()
        .expect("four 16 MiB BARs");
    for bar in &bars {
        let virt = bar.as_ptr().as_ptr().addr() as u64;
        for offset in [0, 4096, (16 << 20) - 1] {
            let (physical, _) = translate(VirtAddr::new(virt + offset)).expect("mapped");
            assert_eq!(physical.as_u64(), bar.physical() + offset);
        }
    }
    let first = bars[0].as_ptr().as_ptr().addr() as u64;
    drop(bars);
    assert_eq!(translate(VirtAddr::new(first)), None, "unmapped on drop");
}

#[test_case]
fn bad_requests_are_errors() {
    // SAFETY: nothing is mapped for these.
    unsafe {
        assert_eq!(mmio::map(NOWHERE, 0).unwrap_err(), MmioError::Empty);
        assert!(matches!(
            mmio::map(u64::MAX - 10, 4096),
            Err(MmioError::OutOfRange { .. })
        ));
        assert_eq!(
            mmio::map(NOWHERE, MMIO_WINDOW_SIZE).unwrap_err(),
            MmioError::WindowFull {
                bytes: MMIO_WINDOW_SIZE
            }
        );
    }
}

/// What CPU 1 reads through: its address, the frame to map next, the phase.
static WHERE: AtomicUsize = AtomicUsize::new(0);
static NEXT_FRAME: AtomicU64 = AtomicU64::new(0);
static PHASE: AtomicU8 = AtomicU8::new(READING);
static SEEN: AtomicU64 = AtomicU64::new(0);
static MAPPING: IrqMutex<level::Driver, Option<Mmio>> = IrqMutex::new(None);

const READING: u8 = 0;
const PAUSED: u8 = 1;
const REMAPPED: u8 = 2;

fn read() -> u64 {
    let at = core::ptr::with_exposed_provenance::<u64>(WHERE.load(Ordering::Relaxed));
    // SAFETY: CPU 0 keeps the page mapped while the phase says to read.
    unsafe { at.read_volatile() }
}

/// CPU 1 keeps the page's translation hot in its TLB; CPU 0 replaces the
/// mapping under it once CPU 1 has paused; then CPU 1 reads once more.
fn remap_under_cpu_1(cpu: usize) {
    match cpu {
        0 => {
            while PHASE.load(Ordering::Acquire) != PAUSED {
                core::hint::spin_loop();
            }
            drop(MAPPING.lock().take());
            // SAFETY: the frame is a DMA page the test owns.
            let again = unsafe { mmio::map(NEXT_FRAME.load(Ordering::Relaxed), 4096) };
            let again = again.expect("a mapping");
            assert_eq!(
                again.as_ptr().as_ptr().addr(),
                WHERE.load(Ordering::Relaxed)
            );
            *MAPPING.lock() = Some(again);
            PHASE.store(REMAPPED, Ordering::Release);
        }
        1 => {
            // No interrupt may run here: its own work could flush this CPU's
            // TLB and hide a missing shootdown. The wait answers shootdowns.
            interrupts::without_interrupts(|| {
                for _ in 0..1000 {
                    SEEN.store(read(), Ordering::Relaxed);
                }
                PHASE.store(PAUSED, Ordering::Release);
                while PHASE.load(Ordering::Acquire) != REMAPPED {
                    kernel::sync::relax();
                }
                SEEN.store(read(), Ordering::Relaxed);
            });
        }
        _ => {}
    }
}

#[test_case]
fn a_dropped_mapping_is_forgotten_by_every_cpu() {
    assert!(percpu::online() >= 2, "boot this test with 2 CPUs");
    let mut first = dma::allocate(4096, ANYWHERE).expect("a page");
    let mut second = dma::allocate(4096, ANYWHERE).expect("a page");
    first.as_mut_slice()[..8].copy_from_slice(&0xaaaa_u64.to_le_bytes());
    second.as_mut_slice()[..8].copy_from_slice(&0xbbbb_u64.to_le_bytes());
    // SAFETY: the DMA page is RAM the test owns; nothing else uses it.
    let mapping = unsafe { mmio::map(first.physical(), 4096) }.expect("a mapping");
    WHERE.store(mapping.as_ptr().as_ptr().addr(), Ordering::Relaxed);
    NEXT_FRAME.store(second.physical(), Ordering::Relaxed);
    *MAPPING.lock() = Some(mapping);
    smp::run_on_all(remap_under_cpu_1);
    assert_eq!(
        SEEN.load(Ordering::Relaxed),
        0xbbbb,
        "CPU 1 read the old frame through a stale translation"
    );
    drop(MAPPING.lock().take());
}
