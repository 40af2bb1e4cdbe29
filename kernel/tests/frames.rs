//! The frame allocator keeps low memory for the SMP trampoline and legacy
//! DMA, and hands out only frames nobody reserved.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use kernel::memory;
use kernel::memory::frames::LOW_MEMORY;
use x86_64::structures::paging::PhysFrame;

kernel::test_kernel!();

#[test_case]
fn no_frame_below_one_mib_is_ever_handed_out() {
    let available = memory::with_frames(|frames| frames.available());
    // Room to hold every frame, mapped before the frames run out (which
    // takes some of them).
    let mut taken: Vec<PhysFrame> = Vec::with_capacity(available as usize);
    taken.resize(
        taken.capacity(),
        PhysFrame::containing_address(x86_64::PhysAddr::zero()),
    );
    taken.clear();
    let lowest = memory::with_frames(|frames| {
        let available = frames.available();
        while let Some(frame) = frames.allocate() {
            taken.push(frame);
        }
        assert_eq!(
            taken.len() as u64,
            available,
            "not every available frame was handed out"
        );
        let lowest = taken
            .iter()
            .map(|f| f.start_address().as_u64())
            .min()
            .unwrap();
        for &frame in &taken {
            // SAFETY: taken from this allocator above and never mapped.
            unsafe { frames.deallocate(frame) };
        }
        lowest
    });
    assert!(lowest >= LOW_MEMORY, "frame {lowest:#x} lies below 1 MiB");
}

#[test_case]
fn reserved_frames_are_not_handed_out() {
    memory::with_frames(|frames| {
        let available = frames.available();
        frames.reserve(available).expect("every available frame");
        assert!(
            frames.allocate().is_none(),
            "a reserved frame was handed out"
        );
        assert!(frames.reserve(1).is_err());
        frames.release(available);
        let frame = frames
            .allocate()
            .expect("released frames are available again");
        // SAFETY: taken from this allocator above and never mapped.
        unsafe { frames.deallocate(frame) };
    });
}
