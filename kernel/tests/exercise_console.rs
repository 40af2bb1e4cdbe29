//! Exercise 4, the console command `frag` (`kernel/src/exercises/console.rs`): its answer
//! on a heap with holes, against the heap's own counters. Built only with the `exercises`
//! feature (`make grade`); the timer stays off, so nothing allocates behind the test's back.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;
use kernel::allocator::HEAP;
use kernel::exercises::console::command;

kernel::test_kernel!();

/// `frag`'s answer, or a panic that says the command is missing.
fn frag(args: &[&str]) -> Result<alloc::string::String, alloc::string::String> {
    command("frag", args).unwrap_or_else(|| {
        panic!("not done: the console does not know `frag` (kernel/src/exercises/console.rs)")
    })
}

#[test_case]
fn frag_reports_the_free_memory_and_its_fragmentation() {
    let mut blocks: Vec<Option<Box<[u8; 1000]>>> =
        (0..64).map(|_| Some(Box::new([1; 1000]))).collect();
    for block in blocks.iter_mut().step_by(2) {
        *block = None;
    }
    let counters = HEAP.heap().lock().counters();
    // Asked before the expected line is formatted: formatting allocates.
    let answer = frag(&[]);
    let (free, largest) = (counters.free_bytes, counters.largest_free_chunk);
    let expected = format!(
        "free: {free} bytes in {} chunks; largest: {largest} bytes; external fragmentation: {} %",
        counters.free_chunks,
        100 * (free - largest) / free
    );
    assert_eq!(answer.as_deref(), Ok(expected.as_str()));
    drop(blocks);
}

#[test_case]
fn frag_with_arguments_is_an_error_and_other_commands_are_not_its_business() {
    assert!(frag(&["now"]).is_err(), "`frag now` should be an error");
    assert!(
        command("bogus", &[]).is_none(),
        "`bogus` is no command of the exercise"
    );
}
