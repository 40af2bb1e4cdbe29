//! `virtio-drivers`' [`Hal`] over the kernel's memory system: queue memory from
//! `memory::dma`, register blocks from the mapped BARs, buffers shared by physical address
//! (or bounced, see [`super::share`]).
//!
//! ```text
//!   dma_alloc(pages)     ─► dma::allocate: zeroed, contiguous, page-aligned, below 4 GiB
//!                           kept in QUEUE_MEMORY until dma_dealloc (0 on exhaustion: the
//!                           crate turns it into Error::DmaError)
//!   mmio_phys_to_virt    ─► pci::bars::virt: inside a BAR the probe mapped
//!   share / unshare      ─► share::share / share::unshare
//! ```

use super::share;
use crate::memory::dma::{self, DmaBuffer, BELOW_4_GIB};
use crate::memory::PAGE_SIZE;
use crate::pci::bars;
use crate::sync::IrqMutex;
use core::ptr::NonNull;
use virtio_drivers::{BufferDirection, Hal, PhysAddr};

/// Queue memory blocks the kernel can have allocated at once (a virtqueue takes two).
const MAX_QUEUE_BLOCKS: usize = 32;

/// The DMA buffers behind the crate's `Dma` regions, until it deallocates them.
static QUEUE_MEMORY: IrqMutex<[Option<DmaBuffer>; MAX_QUEUE_BLOCKS]> =
    IrqMutex::new([const { None }; MAX_QUEUE_BLOCKS]);

/// The kernel's `Hal` for `virtio-drivers`.
#[derive(Debug)]
pub struct KernelHal;

// SAFETY: `dma_alloc` returns zeroed, page-aligned, exclusively owned memory mapped for as
// long as the crate keeps it; `mmio_phys_to_virt` returns addresses inside mapped BARs;
// `share` returns a physical range holding the buffer's bytes (or a bounce copy of them).
unsafe impl Hal for KernelHal {
    fn dma_alloc(pages: usize, _direction: BufferDirection) -> (PhysAddr, NonNull<u8>) {
        const FAILED: (PhysAddr, NonNull<u8>) = (0, NonNull::dangling());
        let mut kept = QUEUE_MEMORY.lock();
        let Some(slot) = kept.iter_mut().find(|slot| slot.is_none()) else {
            log::warn!("virtio: all {MAX_QUEUE_BLOCKS} queue memory slots are in use");
            return FAILED;
        };
        match dma::allocate(pages * PAGE_SIZE as usize, BELOW_4_GIB) {
            Ok(buffer) => {
                let allocated = (buffer.physical(), buffer.as_ptr());
                *slot = Some(buffer);
                allocated
            }
            Err(error) => {
                log::warn!("virtio: no queue memory of {pages} pages: {error}");
                FAILED
            }
        }
    }

    unsafe fn dma_dealloc(paddr: PhysAddr, vaddr: NonNull<u8>, _pages: usize) -> i32 {
        let mut kept = QUEUE_MEMORY.lock();
        let slot = kept.iter_mut().find(|slot| {
            slot.as_ref()
                .is_some_and(|buffer| buffer.physical() == paddr && buffer.as_ptr() == vaddr)
        });
        match slot.and_then(Option::take) {
            Some(buffer) => {
                drop(kept);
                drop(buffer);
                0
            }
            None => -1,
        }
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
