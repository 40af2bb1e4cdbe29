//! How long the replay runs: the full run, `QUICK=1` for a brief one, or `ONCE=1` for one
//! replay of each whole trace per allocator (for callgrind, which counts the same
//! instructions every time); and whether it measures speed alone (`SPEED_ONLY=1`, implied by
//! `ONCE=1`).

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
    /// The full run, the single replay when the environment has `ONCE=1`, or the brief
    /// run when it has `QUICK=1`.
    pub fn from_env() -> Self {
        let set = |name| std::env::var(name).as_deref() == Ok("1");
        let speed_only = set("SPEED_ONLY");
        if set("ONCE") {
            Self {
                rounds: 1,
                sample: Duration::ZERO,
                ops: usize::MAX,
                resolution: 0.005,
                budget: Duration::MAX,
                speed_only: true,
            }
        } else if set("QUICK") {
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
