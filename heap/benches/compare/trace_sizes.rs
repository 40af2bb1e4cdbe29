//! Request sizes drawn from the traces in `benches/traces/`: the 64-quantiles of the sizes
//! that the eight traced programs allocate and reallocate to, each program weighted alike
//! (20 000 sizes sampled from each, seed 1; the numbers come from the traces as committed).
//!
//! ```text
//!   draw: bucket i uniform in 0..64 ──► size uniform in QUANTILES[i] ..= QUANTILES[i + 1]
//!   half the requests are 8 to 56 bytes, 1 in 8 is over 1 KiB, the largest 512 KiB
//! ```

use super::rng::Rng;

/// The 0th, 1/64th, …, 64/64th quantiles of the traces' request sizes, in bytes.
const QUANTILES: [usize; 65] = [
    1, 3, 5, 8, 8, 8, 10, 10, 12, 13, 16, 16, 16, 16, 19, 24, 24, 24, 24, 24, 24, 28, 32, 32, 37,
    40, 40, 44, 48, 48, 48, 48, 52, 56, 56, 59, 64, 68, 72, 75, 80, 104, 104, 112, 129, 136, 168,
    208, 240, 264, 488, 512, 608, 936, 1024, 1024, 1504, 3208, 4096, 4096, 4096, 5120, 7160, 24000,
    524_256,
];

/// A request size as the traced programs ask them.
pub fn draw(rng: &mut Rng) -> usize {
    let bucket = rng.below(QUANTILES.len() - 1);
    let (low, high) = (QUANTILES[bucket], QUANTILES[bucket + 1]);
    low + rng.below(high - low + 1)
}
