//! How long the scaling bench runs, and on how many threads: 1 up to the host's cores,
//! and 4 (the kernel bench's largest machine) if that is more.

use std::thread::available_parallelism;

/// Run lengths and thread counts.
pub struct Settings {
    /// Trials per figure (allocators interleaved trial by trial); the median is reported.
    pub trials: usize,
    /// Operations per thread and trial.
    pub ops: usize,
    /// Timed batches of allocate/free pairs (`PAIR_BATCHES` overrides); the median batch
    /// is reported.
    pub pair_batches: usize,
    /// The thread counts, one column each.
    pub threads: Vec<usize>,
    /// The host's cores.
    pub cores: usize,
    /// The sections named on the command line (all when none is).
    picked: Vec<String>,
}

impl Settings {
    /// The full run, or the brief one when the environment has `QUICK=1`.
    pub fn from_env() -> Self {
        let quick = std::env::var("QUICK").as_deref() == Ok("1");
        let pairs = std::env::var("PAIR_BATCHES")
            .ok()
            .and_then(|batches| batches.parse().ok());
        let cores = available_parallelism().map_or(1, |cores| cores.get());
        let mut threads: Vec<usize> = (1..=cores).collect();
        if cores < 4 {
            threads.push(4);
        }
        Self {
            trials: if quick { 3 } else { 7 },
            ops: if quick { 40_000 } else { 400_000 },
            pair_batches: pairs.unwrap_or(if quick { 200 } else { 2000 }),
            threads,
            cores,
            picked: std::env::args()
                .skip(1)
                .filter(|arg| !arg.starts_with('-'))
                .collect(),
        }
    }

    /// Whether section `name` runs (`pair`, `random`, `xmalloc`, `larson`).
    pub fn picked(&self, name: &str) -> bool {
        self.picked.is_empty() || self.picked.iter().any(|pick| pick == name)
    }
}
