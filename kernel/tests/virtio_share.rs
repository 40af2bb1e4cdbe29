//! The virtio Hal's `share`: a buffer whose pages are physically scattered bounces through
//! the DMA pool (copied in for the device, copied back on `unshare` when the device wrote
//! it); a buffer inside one page, a pool block and a physically contiguous run do not.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::alloc::{alloc_zeroed, dealloc};
use alloc::vec::Vec;
use core::alloc::Layout;
use core::ptr::NonNull;
use kernel::memory::dma_buf::DmaBuf;
use kernel::memory::dma_pool::POOL;
use kernel::memory::page_walk::translate;
use kernel::memory::{self, PAGE_SIZE};
use kernel::virtio::hal::KernelHal;
use kernel::virtio::share;
use virtio_drivers::{BufferDirection, Hal};
use x86_64::registers::control::Cr3;
use x86_64::VirtAddr;

kernel::test_kernel!();

const PAGE: usize = PAGE_SIZE as usize;

/// The physical address of `virt`, walked by hand.
fn physical_of(virt: *const u8) -> u64 {
    let level_4 = Cr3::read().0.start_address();
    // SAFETY: the active tables are live and physical memory is mapped.
    unsafe {
        translate(
            memory::physical_memory(),
            level_4,
            4,
            VirtAddr::from_ptr(virt),
        )
    }
    .expect("the page is mapped")
    .as_u64()
}

/// What the device sees at physical address `physical`.
fn device_view(physical: u64, len: usize) -> &'static mut [u8] {
    let virt = (memory::physical_memory() + physical).as_mut_ptr::<u8>();
    // SAFETY: the physical-memory window maps every frame; the test owns the buffer there.
    unsafe { core::slice::from_raw_parts_mut(virt, len) }
}

/// A heap block of two pages whose second page sits in a frame that does not follow the
/// first one's (heap pages get their frames when first touched, in no guaranteed order).
struct Scattered {
    block: NonNull<u8>,
}

const SCATTERED: Layout = match Layout::from_size_align(2 * PAGE, PAGE) {
    Ok(layout) => layout,
    Err(_) => panic!("a valid layout"),
};

impl Scattered {
    fn new() -> Self {
        let mut tried = Vec::new();
        for _ in 0..16 {
            // SAFETY: a non-zero layout.
            let block = NonNull::new(unsafe { alloc_zeroed(SCATTERED) }).expect("heap memory");
            let first = physical_of(block.as_ptr());
            // SAFETY: the second page lies in the block.
            let second = physical_of(unsafe { block.as_ptr().add(PAGE) });
            if second != first + PAGE as u64 {
                tried.into_iter().for_each(|b: NonNull<u8>| {
                    // SAFETY: allocated above with this layout.
                    unsafe { dealloc(b.as_ptr(), SCATTERED) }
                });
                return Self { block };
            }
            tried.push(block);
        }
        panic!("16 heap blocks of two pages were all physically contiguous");
    }

    /// `len` bytes across the page boundary.
    fn across(&self, len: usize) -> NonNull<[u8]> {
        // SAFETY: `PAGE - len / 2 + len` stays inside the two pages.
        let start = unsafe { self.block.add(PAGE - len / 2) };
        NonNull::slice_from_raw_parts(start, len)
    }
}

impl Drop for Scattered {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.block.as_ptr(), SCATTERED) }
    }
}

#[test_case]
fn a_buffer_inside_one_page_is_shared_in_place() {
    let mut bytes = [0u8; 64];
    bytes.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    let buffer = NonNull::from(&mut bytes[..]);
    let (_, bounced) = share::counts();
    // SAFETY: the buffer is valid and untouched until `unshare`.
    let physical = unsafe { KernelHal::share(buffer, BufferDirection::Both) };
    assert_eq!(
        physical,
        physical_of(bytes.as_ptr()),
        "shared where it lies"
    );
    assert_eq!(share::counts().1, bounced, "no bounce");
    // SAFETY: `physical` came from `share` of this buffer.
    unsafe { KernelHal::unshare(physical, buffer, BufferDirection::Both) };
}

#[test_case]
fn a_buffer_across_scattered_pages_bounces_and_comes_back() {
    let scattered = Scattered::new();
    let buffer = scattered.across(512);
    let (_, bounced) = share::counts();
    // SAFETY: the buffer is valid and untouched until `unshare`.
    let physical = unsafe { KernelHal::share(buffer, BufferDirection::DeviceToDriver) };
    assert_eq!(share::counts().1, bounced + 1, "the buffer bounced");
    assert!(POOL.virtual_of(physical).is_some(), "through a pool block");
    let device = device_view(physical, 512);
    device
        .iter_mut()
        .enumerate()
        .for_each(|(i, b)| *b = !(i as u8));
    // SAFETY: `physical` came from `share` of this buffer; the "device" is done.
    unsafe { KernelHal::unshare(physical, buffer, BufferDirection::DeviceToDriver) };
    // SAFETY: the buffer is ours again.
    let bytes = unsafe { buffer.as_ref() };
    assert!(
        bytes.iter().enumerate().all(|(i, &b)| b == !(i as u8)),
        "what the device wrote is copied back"
    );
}

#[test_case]
fn a_bounce_carries_the_drivers_bytes_and_is_not_copied_back() {
    let scattered = Scattered::new();
    let mut buffer = scattered.across(600);
    // SAFETY: the buffer is ours.
    let bytes = unsafe { buffer.as_mut() };
    bytes.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    let live = POOL.counters().live_allocations;
    // SAFETY: the buffer is valid and untouched until `unshare`.
    let physical = unsafe { KernelHal::share(buffer, BufferDirection::DriverToDevice) };
    let device = device_view(physical, 600);
    assert!(
        device.iter().enumerate().all(|(i, &b)| b == i as u8),
        "copied in"
    );
    device.fill(0xee);
    // SAFETY: as above.
    unsafe { KernelHal::unshare(physical, buffer, BufferDirection::DriverToDevice) };
    // SAFETY: the buffer is ours again.
    let bytes = unsafe { buffer.as_ref() };
    assert!(
        bytes.iter().enumerate().all(|(i, &b)| b == i as u8),
        "not copied back"
    );
    assert_eq!(
        POOL.counters().live_allocations,
        live,
        "the bounce block is freed"
    );
}

#[test_case]
fn pool_blocks_never_bounce() {
    let mut block = DmaBuf::zeroed(&POOL, 3 * PAGE).expect("a pool buffer");
    let buffer = NonNull::from(&mut block[..]);
    let (_, bounced) = share::counts();
    // SAFETY: the buffer is valid and untouched until `unshare`.
    let physical = unsafe { KernelHal::share(buffer, BufferDirection::Both) };
    assert_eq!(physical, block.physical());
    assert_eq!(share::counts().1, bounced);
    // SAFETY: `physical` came from `share` of this buffer.
    unsafe { KernelHal::unshare(physical, buffer, BufferDirection::Both) };
}

#[test_case]
fn queue_memory_is_zeroed_contiguous_and_comes_back() {
    let before = memory::MemoryReport::now().free_frames;
    let (physical, virt) = KernelHal::dma_alloc(3, BufferDirection::Both);
    assert_ne!(physical, 0);
    assert_eq!(virt.as_ptr().addr() % PAGE, 0, "page-aligned");
    for page in 0..3 {
        // SAFETY: the three pages were just allocated.
        let at = unsafe { virt.as_ptr().add(page * PAGE) };
        assert_eq!(physical_of(at), physical + (page * PAGE) as u64);
        // SAFETY: as above.
        assert!(unsafe { core::slice::from_raw_parts(at, PAGE) }
            .iter()
            .all(|&b| b == 0));
    }
    // SAFETY: from `dma_alloc` above, freed once.
    assert_eq!(unsafe { KernelHal::dma_dealloc(physical, virt, 3) }, 0);
    assert_eq!(memory::MemoryReport::now().free_frames, before);
}

#[test_case]
fn queue_memory_exhaustion_is_an_error_not_a_panic() {
    let before = memory::MemoryReport::now().free_frames;
    // 4 GiB of contiguous frames on a 512 MiB machine: `virtio-drivers` turns the 0 into
    // its `Error::DmaError`.
    let (physical, _) = KernelHal::dma_alloc(1 << 20, BufferDirection::Both);
    assert_eq!(physical, 0);
    assert_eq!(
        memory::MemoryReport::now().free_frames,
        before,
        "nothing kept"
    );
}
