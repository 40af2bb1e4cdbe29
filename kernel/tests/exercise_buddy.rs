//! Exercise 7b: the kernel boots on the student's buddy allocator
//! (`exercises/buddy/src/student.rs`, `FramePolicy::Buddy`): every frame, the heap's pages
//! included, comes from its split and goes back through its merge. Built only with the
//! `exercises` feature (`make grade`).
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use kernel::allocator;
use kernel::memory::frames::{FramePolicy, LOW_MEMORY};
use kernel::memory::{self, MemoryReport, PAGE_SIZE};
use x86_64::structures::paging::PhysFrame;
use x86_64::PhysAddr;

kernel::test_kernel!(frames: FramePolicy::Buddy, |_boot_info| {});

/// Takes every available frame, checks them, and gives them all back; how many there were.
fn take_all_and_give_back() -> usize {
    let available = memory::with_frames(|frames| frames.available());
    // Room for every frame, mapped before the frames run out (which takes some of them).
    let mut taken: Vec<PhysFrame> = Vec::with_capacity(available as usize);
    taken.resize(
        taken.capacity(),
        PhysFrame::containing_address(PhysAddr::zero()),
    );
    taken.clear();
    memory::with_frames(|frames| {
        let available = frames.available();
        while let Some(frame) = frames.allocate() {
            taken.push(frame);
        }
        assert_eq!(
            taken.len() as u64,
            available,
            "not every available frame was handed out"
        );
        assert_eq!(frames.available(), 0);
        for &frame in &taken {
            // SAFETY: taken from this allocator above and never mapped.
            unsafe { frames.deallocate(frame) };
        }
        assert_eq!(frames.available(), available, "frames lost on the way back");
    });
    taken.sort_unstable();
    let twice = taken.windows(2).find(|pair| pair[0] == pair[1]);
    assert!(twice.is_none(), "frame {twice:?} handed out twice");
    let low = taken.first().map(|frame| frame.start_address().as_u64());
    assert!(
        low.is_none_or(|low| low >= LOW_MEMORY),
        "frame {low:#x?} lies below 1 MiB"
    );
    taken.len()
}

#[test_case]
fn the_kernel_booted_on_the_buddy_allocator() {
    let policy = memory::with_frames(|frames| frames.policy());
    assert_eq!(
        policy,
        FramePolicy::Buddy,
        "the frames come from another pool"
    );
    let report = MemoryReport::now();
    assert!(report.mapped_pages > 0, "the heap mapped no page: {report}");
}

#[test_case]
fn every_frame_is_handed_out_once_and_memory_runs_out_cleanly() {
    let first = take_all_and_give_back();
    assert!(first > 1000, "only {first} frames");
    let second = take_all_and_give_back();
    assert_eq!(first, second, "the frames given back did not all come back");
    // Given back one by one, the frames must have merged into large blocks again.
    let run = memory::with_frames(|frames| frames.allocate_run(512, u64::MAX, 2 << 20, None))
        .expect("no block of 512 frames after every frame came back: freed frames did not merge");
    memory::with_frames(|frames| {
        for at in 0..512 {
            let frame = PhysFrame::containing_address(run.start_address() + at * PAGE_SIZE);
            // SAFETY: part of the run taken above, never mapped.
            unsafe { frames.deallocate(frame) };
        }
    });
}

#[test_case]
fn the_heap_grows_and_shrinks_on_buddy_frames() {
    allocator::trim();
    let before = MemoryReport::now();
    let pages = 4096;
    let mut block: Vec<u8> = Vec::with_capacity(pages * PAGE_SIZE as usize);
    for page in 0..pages {
        block.resize((page + 1) * PAGE_SIZE as usize, page as u8);
    }
    let grown = MemoryReport::now();
    // The block's first page may have been mapped already.
    assert!(
        grown.mapped_pages >= before.mapped_pages + pages as u64 - 1
            && grown.page_faults >= before.page_faults + pages as u64 - 1,
        "the heap did not grow by {pages} pages through page faults: before {before}; after {grown}"
    );
    assert_eq!(
        grown.frames_in_play(),
        before.frames_in_play(),
        "frames lost while growing"
    );
    let sample = (0..pages)
        .step_by(97)
        .find(|&page| block[page * PAGE_SIZE as usize] != page as u8);
    assert_eq!(sample, None, "a heap page lost what was written to it");
    drop(block);
    allocator::trim();
    let trimmed = MemoryReport::now();
    assert!(
        trimmed.free_frames >= grown.free_frames + pages as u64 / 2,
        "trim gave back too few frames: grown {grown}; trimmed {trimmed}"
    );
    assert_eq!(
        trimmed.frames_in_play(),
        before.frames_in_play(),
        "frames lost while trimming"
    );
}

#[test_case]
fn a_contiguous_run_is_aligned_and_its_frames_come_back() {
    let before = memory::with_frames(|frames| frames.free_frames());
    for (frames_wanted, align) in [(16, 64 * 1024), (5, 4096), (300, 2 << 20)] {
        let first =
            memory::with_frames(|frames| frames.allocate_run(frames_wanted, u64::MAX, align, None))
                .unwrap_or_else(|| {
                    panic!("no run of {frames_wanted} frames aligned to {align:#x}")
                });
        let start = first.start_address().as_u64();
        assert_eq!(
            start % align,
            0,
            "run at {start:#x} not aligned to {align:#x}"
        );
        memory::with_frames(|frames| {
            for at in 0..frames_wanted {
                let frame = PhysFrame::containing_address(PhysAddr::new(start + at * PAGE_SIZE));
                // SAFETY: part of the run taken above, never mapped.
                unsafe { frames.deallocate(frame) };
            }
        });
    }
    let after = memory::with_frames(|frames| frames.free_frames());
    assert_eq!(after, before, "the runs' frames did not all come back");
}
