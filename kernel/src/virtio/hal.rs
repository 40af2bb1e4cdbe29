//! `virtio-drivers`' [`Hal`] over the kernel's memory system: queue memory from
//! `memory::dma`, register blocks from the mapped BARs, buffers shared by physical address
//! (or bounced, see [`super::share`]).
//!
//! ```text
//!   dma_alloc(pages)     ─► dma::allocate: zeroed, contiguous, page-aligned, anywhere
//!                           (virtio 1.x takes 64-bit addresses); given up as raw parts
//!                           until dma_dealloc takes them back (0 on exhaustion: the crate
//!                           turns it into Error::DmaError)
//!   mmio_phys_to_virt    ─► pci::bars::virt: inside a BAR the probe mapped
//!   share / unshare      ─► share::share / share::unshare
//! ```

use super::share;
use crate::memory::dma::{self, DmaBuffer, RawDmaBuffer, ANYWHERE};
use crate::memory::PAGE_SIZE;
use crate::pci::bars;
use core::ptr::NonNull;
use virtio_drivers::{BufferDirection, Hal, PhysAddr};

/// The kernel's `Hal` for `virtio-drivers`.
#[derive(Debug)]
pub struct KernelHal;

// SAFETY: `dma_alloc` returns zeroed, page-aligned, exclusively owned memory mapped for as
// long as the crate keeps it; `mmio_phys_to_virt` returns addresses inside mapped BARs;
// `share` returns a physical range holding the buffer's bytes (or a bounce copy of them).
unsafe impl Hal for KernelHal {
    fn dma_alloc(pages: usize, _direction: BufferDirection) -> (PhysAddr, NonNull<u8>) {
        match dma::allocate(pages * PAGE_SIZE as usize, ANYWHERE) {
            Ok(buffer) => {
                let raw = buffer.into_raw();
                (raw.physical, raw.virt)
            }
            Err(error) => {
                log::warn!("virtio: no queue memory of {pages} pages: {error}");
                (0, NonNull::dangling())
            }
        }
    }

    unsafe fn dma_dealloc(paddr: PhysAddr, vaddr: NonNull<u8>, pages: usize) -> i32 {
        let raw = RawDmaBuffer {
            virt: vaddr,
            physical: paddr,
            pages,
        };
        // SAFETY: the crate's promise: these are the parts `dma_alloc` gave, returned once.
        drop(unsafe { DmaBuffer::from_raw(raw) });
        0
    }

    unsafe fn mmio_phys_to_virt(paddr: PhysAddr, size: usize) -> NonNull<u8> {
        bars::virt(paddr, size as u64).unwrap_or_else(|| {
            panic!("virtio: registers at {paddr:#x} ({size} bytes) lie in no mapped BAR")
        })
    }

    unsafe fn share(buffer: NonNull<[u8]>, direction: BufferDirection) -> PhysAddr {
        // SAFETY: the crate's promise: the buffer is valid and unused meanwhile.
        unsafe { share::share(buffer, direction) }
    }

    unsafe fn unshare(paddr: PhysAddr, buffer: NonNull<[u8]>, direction: BufferDirection) {
        // SAFETY: the crate's promise: `paddr` came from `share` of this buffer.
        unsafe { share::unshare(paddr, buffer, direction) }
    }
}
