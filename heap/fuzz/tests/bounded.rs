//! A bounded run of the fuzz target's body (`heap_fuzz::run`) on inputs from a seeded
//! generator, so that `cargo test` (and `make test`) catches a fuzz target gone stale or a
//! heap change that breaks it, without cargo-fuzz, libFuzzer or a sanitizer build.
//!
//! ```text
//!   case i:  bytes = xorshift(SEED + i), 256 to 4 KiB of them ──► heap_fuzz::run(bytes)
//!   failure: the bytes are saved to target/bounded-fuzz/case-<i> and named in the panic,
//!            to replay with `cargo fuzz run heap_ops <file>`
//! ```
//!
//! The same cases run every time: a failure is reproducible and the run takes the same
//! work on any machine (no time limit whose reach depends on the machine's speed). Random
//! bytes decode into every kind of operation (`arbitrary` picks an enum's variant from the
//! input), so a few hundred inputs reach every module the target drives; finding new bugs is
//! the job of `make fuzz`, which keeps and grows a corpus.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// The inputs run.
const CASES: u64 = 2000;
/// The first case's seed.
const SEED: u64 = 0x6865_6170_2d66_757a; // "heap-fuz"

/// A xorshift64* generator: small, and the same on every machine.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// The input of case `case`.
    fn input(case: u64) -> Vec<u8> {
        let mut bytes = Bytes((SEED ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1);
        let len = 256 + (bytes.next() % 3841) as usize;
        (0..len).map(|_| bytes.next() as u8).collect()
    }
}

#[test]
fn the_fuzz_target_runs_seeded_inputs() {
    for case in 0..CASES {
        let input = Bytes::input(case);
        if catch_unwind(AssertUnwindSafe(|| heap_fuzz::run(&input))).is_err() {
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bounded-fuzz");
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("case-{case}"));
            std::fs::write(&file, &input).unwrap();
            panic!(
                "case {case} failed (above); its input is {}",
                file.display()
            );
        }
    }
}
