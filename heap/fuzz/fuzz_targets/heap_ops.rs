//! Fuzz target: the fuzzer's bytes become a sequence of operations on every public part of
//! the `heap` crate (see `src/lib.rs`), checked against shadow models after every step.
//!
//! Run with `make fuzz FUZZ_SECONDS=600` from the repository root, or
//! `cargo fuzz run heap_ops` from `heap/`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| heap_fuzz::run(data));
