//! How long each workload runs: the full run, or `QUICK=1` for a brief one.

/// Run lengths shared by every workload.
pub struct Settings {
    /// Trials per figure; the median is reported.
    pub trials: usize,
    /// Random actions per trial (random actions, high alignment, growth).
    pub ops: usize,
    /// Timed allocate/free pairs per latency trial.
    pub pairs: usize,
    /// Random actions per thread and trial in the threads workload.
    pub thread_ops: usize,
    /// Bytes of arena for the heap-efficiency workload.
    pub efficiency_arena: usize,
}

impl Settings {
    /// The full run, or the brief one when the environment has `QUICK=1`.
    pub fn from_env() -> Self {
        if std::env::var("QUICK").as_deref() == Ok("1") {
            Self {
                trials: 3,
                ops: 20_000,
                pairs: 20_000,
                thread_ops: 10_000,
                efficiency_arena: 1 << 20,
            }
        } else {
            Self {
                trials: 5,
                ops: 200_000,
                pairs: 200_000,
                thread_ops: 100_000,
                efficiency_arena: 4 << 20,
            }
        }
    }
}
