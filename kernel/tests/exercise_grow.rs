//! Exercise 8: the page-fault rule that grows the heap (`kernel/src/exercises/grow.rs`).
//! The kernel boots, then every fault outside the stacks' guard pages is decided by the
//! student's rule: the heap must grow through it page by page, each kind of bad fault must
//! break the right rule, and a wild access outside the heap window must still end the
//! kernel with "outside the heap window" (the last check: that panic is its pass). Built
//! only with the `exercises` feature (`make grade`).
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::exercises::grow::heap_fault_rule;
use kernel::memory::fault::{classify, Broken, HeapWindow};
use kernel::memory::{self, fault_rule, MemoryReport, PAGE_SIZE};
use x86_64::structures::idt::PageFaultErrorCode as Code;

bootloader_api::entry_point!(main, config = &kernel::BOOTLOADER_CONFIG);

/// Set by the last check, whose fault must panic.
static WILD_ACCESS: AtomicBool = AtomicBool::new(false);

fn main(boot_info: &'static mut bootloader_api::BootInfo) -> ! {
    kernel::init(boot_info);
    fault_rule::install(students_rule);
    test_main();
    kernel::hlt_loop()
}

/// The student's rule, as the page-fault handler calls it.
fn students_rule(address: u64, code: Code, window: HeapWindow) -> Result<(), Broken> {
    heap_fault_rule(address, code, window).unwrap_or_else(|not_done| panic!("{not_done}"))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    if WILD_ACCESS.load(Ordering::SeqCst) {
        kernel::testing::expect_panic(info, "outside the heap window")
    }
    kernel::testing::test_panic_handler(info)
}

#[test_case]
fn growing_the_heap_maps_each_new_page_on_its_first_touch() {
    let before = MemoryReport::now();
    let pages = 2048;
    let mut block: Vec<u8> = Vec::with_capacity(pages * PAGE_SIZE as usize);
    for page in 0..pages {
        block.resize((page + 1) * PAGE_SIZE as usize, page as u8);
    }
    let grown = MemoryReport::now();
    // The block's first page may have been mapped already.
    assert!(
        grown.page_faults >= before.page_faults + pages as u64 - 1
            && grown.mapped_pages >= before.mapped_pages + pages as u64 - 1,
        "the heap did not grow by {pages} pages through page faults: before {before}; after {grown}"
    );
    let lost = (0..pages).find(|&page| block[page * PAGE_SIZE as usize + 7] != page as u8);
    assert_eq!(lost, None, "a heap page lost what was written to it");
    drop(block);
    kernel::allocator::trim();
    let again: Vec<u64> = (0..pages as u64 * 64).collect();
    assert_eq!(
        again.iter().sum::<u64>(),
        (0..pages as u64 * 64).sum(),
        "the regrown heap"
    );
}

#[test_case]
fn rules_sort_faults_in_the_kernels_order() {
    let window = HeapWindow::now();
    let inside = window.start + 0x10;
    let beyond = window.committed_end + 0x2000;
    let write = Code::CAUSED_BY_WRITE;
    let cases = [
        ("a kernel write to a committed page", inside, write, Ok(())),
        (
            "a kernel read of a committed page",
            window.committed_end - 1,
            Code::empty(),
            Ok(()),
        ),
        (
            "below the window",
            window.start - 1,
            write,
            Err(Broken::OutsideWindow),
        ),
        (
            "at the window's end",
            window.end,
            write,
            Err(Broken::OutsideWindow),
        ),
        ("address 0x1000", 0x1000, write, Err(Broken::OutsideWindow)),
        (
            "at the committed end",
            window.committed_end,
            write,
            Err(Broken::BeyondCommitted),
        ),
        (
            "the window's last byte",
            window.end - 1,
            write,
            Err(Broken::BeyondCommitted),
        ),
        (
            "a present page",
            inside,
            write | Code::PROTECTION_VIOLATION,
            Err(Broken::Protection),
        ),
        ("user mode", inside, Code::USER_MODE, Err(Broken::UserMode)),
        (
            "a fetch",
            inside,
            Code::INSTRUCTION_FETCH,
            Err(Broken::InstructionFetch),
        ),
        (
            "outside and user",
            0x1000,
            Code::USER_MODE,
            Err(Broken::OutsideWindow),
        ),
        (
            "beyond and present",
            beyond,
            Code::PROTECTION_VIOLATION,
            Err(Broken::BeyondCommitted),
        ),
        (
            "present and user",
            inside,
            Code::PROTECTION_VIOLATION | Code::USER_MODE,
            Err(Broken::Protection),
        ),
        (
            "user and fetch",
            inside,
            Code::USER_MODE | Code::INSTRUCTION_FETCH,
            Err(Broken::UserMode),
        ),
    ];
    for (what, address, code, expected) in cases {
        assert_eq!(
            classify(address, code),
            expected,
            "{what}: {address:#x}, {code:?}"
        );
    }
}

#[test_case]
fn wild_access_outside_the_window_is_still_a_fault() {
    let wild = memory::window::window_end() + 0x1000;
    WILD_ACCESS.store(true, Ordering::SeqCst);
    // SAFETY: none: the read must fault, and the fault must end the kernel.
    let value = unsafe { (wild as *const u64).read_volatile() };
    kernel::testing::did_not_fail(format_args!(
        "read {value:#x} at {wild:#x}, outside the heap window"
    ))
}
