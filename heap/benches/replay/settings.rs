//! How long the replay runs: the full run, or `QUICK=1` for a brief one; and whether it
//! measures speed alone (`SPEED_ONLY=1`, for callgrind: the same replays every time).

use std::time::Duration;

/// Run lengths of the replay workloads.
pub struct Settings {
    /// Timed replays of each trace per allocator (interleaved); the median is reported.
    pub rounds: usize,
    /// A round replays a trace until this much replay time has passed (at least once).
    pub sample: Duration,
    /// Each trace is cut to its first `ops` operations.
    pub ops: usize,
    /// The heap-efficiency search stops when its bounds are this close (a fraction).
    pub resolution: f64,
    /// An allocator whose replay of a trace takes longer than this is replayed only once on
    /// it, with no latency or efficiency figure (linked_list_allocator on long traces).
    pub budget: Duration,
    /// Only the speed workload: no latency or efficiency replays (`SPEED_ONLY=1`).
    pub speed_only: bool,
}

impl Settings {
    /// The full run, or the brief one when the environment has `QUICK=1`.
    pub fn from_env() -> Self {
        let speed_only = std::env::var("SPEED_ONLY").as_deref() == Ok("1");
        if std::env::var("QUICK").as_deref() == Ok("1") {
            Self {
                rounds: 3,
                sample: Duration::from_millis(10),
                ops: 100_000,
                resolution: 0.04,
                budget: Duration::from_secs(1),
                speed_only,
            }
        } else {
            Self {
                rounds: 5,
                sample: Duration::from_millis(100),
                ops: usize::MAX,
                resolution: 0.005,
                budget: Duration::from_secs(5),
                speed_only,
            }
        }
    }
}
