//! Physical frames: a heap-free allocator over the bootloader's usable regions.
//!
//! Which frame is free is the business of a pool (`FramePool`, `pool.rs`), chosen at boot
//! ([`FramePolicy`]): the kernel's own, a bitmap searched next fit (`next_fit.rs`), or
//! the buddy allocator of exercise 7 (`buddy.rs`, feature `buddy-frames`). Everything
//! else lives here, the same for both: the count of free frames, the frames
//! promised ahead of time (`reserve.rs`), and poisoning freed frames.
//!
//! ```text
//!   FrameAllocator ─ free, reserved, poison ─▶ pool: NextFit (bitmap, next fit)
//!                                                   | BuddyFrames (split and merge)
//!   allocate / take_reserved ─▶ pool.take()     deallocate ─▶ pool.give_back()
//!   allocate_run(n, below, align, boundary) ─▶ pool.take_run()
//! ```
//!
//! Neither path needs the heap, so the page-fault handler can use it. Frames
//! below [`LOW_MEMORY`] are never handed out: they stay for the SMP
//! trampoline and legacy DMA. Freeing a frame that is free already is a frame
//! freed twice, which panics.

mod bitmap;
#[cfg(feature = "buddy-frames")]
mod buddy;
mod next_fit;
mod pool;
mod reserve;

pub use pool::FramePolicy;
pub use reserve::Shortfall;

use super::PAGE_SIZE;
use bootloader_api::info::{MemoryRegion, MemoryRegionKind};
use pool::{FramePool, Pool};
use x86_64::structures::paging::{PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

/// Physical memory below this address is never handed out.
pub const LOW_MEMORY: u64 = 1 << 20;
/// The byte freed frames are filled with when poisoning is on.
pub const FREED_POISON: u8 = 0xfb;

/// Hands out and takes back 4 KiB frames of usable physical memory.
pub struct FrameAllocator {
    /// Which frames are free; its bookkeeping lives in the first frames of a usable region.
    pool: Pool,
    /// Which pool that is.
    policy: FramePolicy,
    /// Where physical memory is mapped, to reach the frames themselves.
    physical_memory: VirtAddr,
    free: u64,
    /// Free frames promised to someone (see `reserve.rs`).
    reserved: u64,
    /// Fill freed frames with [`FREED_POISON`] (tests that hunt stale mappings).
    poison: bool,
}

impl FrameAllocator {
    /// An allocator over the usable regions of `regions`, its frames kept by the pool
    /// `policy` names.
    ///
    /// Panics if no usable region can hold the pool's bookkeeping.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the caller must guarantee that the usable
    /// regions are really unused, that all physical memory is mapped at
    /// `physical_memory`, and that only one allocator is made from the map.
    pub unsafe fn new(
        regions: &'static [MemoryRegion],
        physical_memory: VirtAddr,
        policy: FramePolicy,
    ) -> Self {
        // SAFETY: the caller's promises, passed on.
        let (pool, free) = unsafe { Pool::new(policy, regions, physical_memory) };
        Self {
            pool,
            policy,
            physical_memory,
            free,
            reserved: 0,
            poison: false,
        }
    }

    /// The pool the frames come from.
    pub fn policy(&self) -> FramePolicy {
        self.policy
    }

    fn pool(&mut self) -> &mut dyn FramePool {
        self.pool.as_dyn()
    }

    /// Fills every frame freed from now on with [`FREED_POISON`] (or stops),
    /// so a CPU that still reaches a freed frame through a stale mapping reads
    /// poison instead of plausible data.
    pub fn poison_freed(&mut self, on: bool) {
        self.poison = on;
    }

    /// Frames not handed out (some of them may be reserved).
    pub fn free_frames(&self) -> u64 {
        self.free
    }

    /// Takes a frame that nobody reserved, or `None` when none is left.
    pub fn allocate(&mut self) -> Option<PhysFrame> {
        (self.available() > 0).then(|| self.take())
    }

    /// Takes `frames` physically contiguous frames that nobody reserved, all
    /// below physical address `below`, the first at a multiple of `align`
    /// bytes, none across a multiple of `boundary` bytes (powers of two);
    /// the first of them, or `None` if no such run is free.
    pub fn allocate_run(
        &mut self,
        frames: u64,
        below: u64,
        align: u64,
        boundary: Option<u64>,
    ) -> Option<PhysFrame> {
        if frames == 0 || frames > self.available() {
            return None;
        }
        let align = (align / PAGE_SIZE).max(1);
        let boundary = boundary.map_or(0, |bytes| (bytes / PAGE_SIZE).max(1));
        let first = self
            .pool()
            .take_run(frames, below / PAGE_SIZE, align, boundary)?;
        self.free -= frames;
        Some(frame_at(first * PAGE_SIZE))
    }

    /// Takes back a frame.
    ///
    /// Panics if the frame is not handed out (freed twice, or never allocated):
    /// giving it out again would give it two owners.
    ///
    /// # Safety
    ///
    /// This function is unsafe because `frame` must have come from this
    /// allocator and must no longer be mapped or used anywhere.
    pub unsafe fn deallocate(&mut self, frame: PhysFrame) {
        let address = frame.start_address().as_u64();
        assert!(
            self.pool().give_back(address / PAGE_SIZE),
            "frame {address:#x} freed twice (or never handed out)"
        );
        if self.poison {
            let bytes: *mut u8 = (self.physical_memory + address).as_mut_ptr();
            // SAFETY: the caller gives the frame up; it is mapped through the window.
            unsafe { bytes.write_bytes(FREED_POISON, PAGE_SIZE as usize) };
        }
        self.free += 1;
    }

    /// A free frame; the caller has checked that one is there.
    fn take(&mut self) -> PhysFrame {
        let index = self
            .pool()
            .take()
            .expect("the free count says a frame is left, the pool has none");
        self.free -= 1;
        frame_at(index * PAGE_SIZE)
    }
}

/// The usable regions as page-aligned `(start, end)` pairs, none below
/// [`LOW_MEMORY`].
fn usable(regions: &[MemoryRegion]) -> impl Iterator<Item = (u64, u64)> + '_ {
    regions
        .iter()
        .filter(|r| r.kind == MemoryRegionKind::Usable)
        .map(|r| {
            let end = r.end - r.end % PAGE_SIZE;
            (
                r.start.max(LOW_MEMORY).next_multiple_of(PAGE_SIZE).min(end),
                end,
            )
        })
        .filter(|(start, end)| start < end)
}

fn frame_at(address: u64) -> PhysFrame<Size4KiB> {
    PhysFrame::containing_address(PhysAddr::new(address))
}
