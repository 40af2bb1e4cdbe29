//! What the fit checks share: holes from `(start, size)` pairs, and a replay of a trace
//! whose every choice must be the reference solution's (compared by digest, so the checks
//! do not give the rule away).

use exercises::fit::{replay, Hole, Policy};
use exercises::{trace, NotDone};

/// What `policy` chooses, or a panic saying the exercise is not done.
pub fn chosen(policy: &mut dyn Policy, holes: &[Hole], size: u64) -> Option<usize> {
    policy
        .choose(holes, size)
        .unwrap_or_else(|not_done| panic!("{not_done}"))
}

/// Holes at `(start, size)`.
pub fn holes(pairs: &[(u64, u64)]) -> Vec<Hole> {
    pairs
        .iter()
        .map(|&(start, size)| Hole {
            start,
            size,
            freed: 0,
        })
        .collect()
}

/// Choices between two digests of [`choice_digests`].
pub const CHECKPOINT: usize = 4096;

/// A policy whose choices are folded into a digest (FNV-1a), one per [`CHECKPOINT`]
/// choices.
struct Recorded<P> {
    policy: P,
    digest: u64,
    choices: usize,
    digests: Vec<u64>,
}

impl<P: Policy> Policy for Recorded<P> {
    fn name(&self) -> &'static str {
        self.policy.name()
    }

    fn choose(&mut self, holes: &[Hole], size: u64) -> Result<Option<usize>, NotDone> {
        let chosen = self.policy.choose(holes, size)?;
        let value = chosen.map_or(u64::MAX, |index| index as u64);
        for byte in value.to_le_bytes() {
            self.digest = (self.digest ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.choices += 1;
        if self.choices.is_multiple_of(CHECKPOINT) {
            self.digests.push(self.digest);
        }
        Ok(chosen)
    }

    fn placed(&mut self, start: u64, size: u64) {
        self.policy.placed(start, size);
    }
}

/// The digests of `policy`'s choices over the trace `name`: one per [`CHECKPOINT`]
/// choices, then one of all of them.
pub fn choice_digests<P: Policy>(policy: P, name: &str) -> Vec<u64> {
    let ops = trace::read(name);
    let mut recorded = Recorded {
        policy,
        digest: 0xcbf2_9ce4_8422_2325,
        choices: 0,
        digests: Vec::new(),
    };
    if let Err(error) = replay(&mut recorded, &ops) {
        panic!("{error}");
    }
    recorded.digests.push(recorded.digest);
    recorded.digests
}

/// Replays the trace `name` with `policy`: its choices must be the reference solution's,
/// whose digests are `expected` (the rule itself is the exercise, so the check does not
/// hold it).
pub fn assert_same_choices<P: Policy>(policy: P, name: &str, expected: &[u64]) {
    let policy_name = policy.name();
    let digests = choice_digests(policy, name);
    if let Some(at) = (0..expected.len()).find(|&i| digests.get(i) != Some(&expected[i])) {
        panic!(
            "{policy_name} chose differently from the rule on the {name} trace, first between \
             choice {} and {} (the small cases above pin the rule down)",
            at * CHECKPOINT,
            ((at + 1) * CHECKPOINT).min(digests.len().max(expected.len()) * CHECKPOINT)
        );
    }
    assert_eq!(
        digests.len(),
        expected.len(),
        "{policy_name} made a different number of choices"
    );
}
