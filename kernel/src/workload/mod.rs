//! A driver-like allocation workload: `Vec`, `Box`, `String` and `BTreeMap`
//! churned with seeded random sizes until the heap has grown to a target.
//!
//! The main job (`make run`) and the growth tests run it; it checks every
//! block's contents before freeing it, so a heap that hands out overlapping
//! memory fails here and not somewhere later.

pub mod every_cpu;

use crate::memory::window;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// A splitmix64 generator: small, seeded, good enough for sizes.
pub struct Rng(u64);

impl Rng {
    /// A generator with the given seed.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }
}

/// What the churn left alive, so the caller decides when it is freed.
#[derive(Default)]
pub struct Live {
    boxes: Vec<Box<[u8]>>,
    vectors: Vec<Vec<u64>>,
    names: BTreeMap<u64, String>,
}

impl Live {
    /// Checks every live block still holds what was written into it.
    pub fn verify(&self) {
        self.boxes.iter().for_each(|block| check_box(block));
        for vector in &self.vectors {
            let first = vector.first().copied().unwrap_or(0);
            let intact = vector
                .iter()
                .enumerate()
                .all(|(i, &v)| v == first + i as u64);
            assert!(intact, "vector of {} words corrupted", vector.len());
        }
        for (key, name) in &self.names {
            assert!(
                name.starts_with(&alloc::format!("{key}:")),
                "string {key} corrupted"
            );
        }
    }

    /// Number of live blocks: boxes, vectors and strings.
    pub fn blocks(&self) -> usize {
        self.boxes.len() + self.vectors.len() + self.names.len()
    }

    /// Frees each live block with probability one half, checking every box
    /// before it goes, which leaves holes all over the heap. Returns how many
    /// blocks it freed.
    pub fn free_half(&mut self, rng: &mut Rng) -> usize {
        let before = self.blocks();
        self.boxes.retain(|block| {
            let keep = rng.below(2) == 0;
            if !keep {
                check_box(block);
            }
            keep
        });
        self.vectors.retain(|_| rng.below(2) == 0);
        self.names.retain(|_, _| rng.below(2) == 0);
        self.verify();
        before - self.blocks()
    }

    /// Bytes of payload alive (not counting the containers themselves).
    pub fn payload_bytes(&self) -> usize {
        self.boxes.iter().map(|b| b.len()).sum::<usize>()
            + self.vectors.iter().map(|v| v.len() * 8).sum::<usize>()
            + self.names.values().map(String::len).sum::<usize>()
    }
}

/// Allocates and frees random blocks until the committed arena reaches
/// `target` bytes, then returns what is alive. Panics on corrupted contents.
pub fn churn(rng: &mut Rng, target: u64) -> Live {
    let mut live = Live::default();
    let mut key = 0u64;
    while window::committed_bytes() < target {
        match rng.below(8) {
            0..=2 => {
                let large = rng.below(16) == 0;
                let len = 1 + rng.below(if large { 256 * 1024 } else { 2048 });
                live.boxes
                    .push(alloc::vec![len as u8; len].into_boxed_slice());
            }
            3 | 4 => {
                let first = rng.next_u64() >> 1;
                let len = rng.below(4096);
                live.vectors
                    .push((0..len as u64).map(|i| first + i).collect());
            }
            5 => {
                key += 1;
                let name = alloc::format!("{key}:{}", "x".repeat(rng.below(300)));
                live.names.insert(key, name);
            }
            _ => free_some(rng, &mut live),
        }
    }
    live.verify();
    live
}

/// Frees a random block of each kind, checking the box first.
fn free_some(rng: &mut Rng, live: &mut Live) {
    if !live.boxes.is_empty() {
        check_box(&live.boxes.swap_remove(rng.below(live.boxes.len())));
    }
    if !live.vectors.is_empty() {
        live.vectors.swap_remove(rng.below(live.vectors.len()));
    }
    if let Some(&key) = live.names.keys().nth(rng.below(live.names.len().max(1))) {
        live.names.remove(&key);
    }
}

/// Panics unless every byte of `block` is its length's low byte, as written.
fn check_box(block: &[u8]) {
    let tag = block.len() as u8;
    assert!(
        block.iter().all(|&b| b == tag),
        "box of {} bytes corrupted",
        block.len()
    );
}
