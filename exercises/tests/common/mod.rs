//! What the fit checks share: holes from `(start, size)` pairs, and a replay of a trace in
//! which every choice of the policy is compared with the rule it must follow.

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

/// A policy whose every choice is checked against `rule(holes, size, last placed end)`.
pub struct Checked<P, R> {
    pub policy: P,
    pub rule: R,
    pub last_end: u64,
}

impl<P: Policy, R: Fn(&[Hole], u64, u64) -> Option<usize>> Policy for Checked<P, R> {
    fn name(&self) -> &'static str {
        self.policy.name()
    }

    fn choose(&mut self, holes: &[Hole], size: u64) -> Result<Option<usize>, NotDone> {
        let chosen = self.policy.choose(holes, size)?;
        let expected = (self.rule)(holes, size, self.last_end);
        assert_eq!(
            chosen,
            expected,
            "{} chose hole {chosen:?} for a block of {size} bytes; the rule says {expected:?}",
            self.policy.name()
        );
        Ok(chosen)
    }

    fn placed(&mut self, start: u64, size: u64) {
        self.policy.placed(start, size);
        self.last_end = start + size;
    }
}

/// Replays the trace `name` with `policy`, each choice checked against `rule`.
pub fn replay_checked<P: Policy>(
    policy: P,
    name: &str,
    rule: impl Fn(&[Hole], u64, u64) -> Option<usize>,
) {
    let ops = trace::read(name);
    let mut checked = Checked {
        policy,
        rule,
        last_end: 0,
    };
    match replay(&mut checked, &ops) {
        Ok(report) => println!("{} on {name}: {report}", checked.policy.name()),
        Err(error) => panic!("{error}"),
    }
}
