//! What grading one exercise found, and the score it earns.
//!
//! ```text
//!   Passed          every check passed                    points
//!   Failed(why)     a check failed; earlier passes count   points × passed / total
//!   Crashed(why)    the checks stopped without a verdict;  points × passed / total
//!                   the passes before the crash count
//!   DoesNotBuild    nothing ran                            0
//!   Refused(why)    checks changed, a forbidden helper     0
//!                   named, or output that breaks the
//!                   protocol (a forged verdict)
//! ```

use std::fmt;

/// How the checks of one exercise ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed.
    Passed,
    /// A check failed, with its message.
    Failed(String),
    /// The checks stopped without a verdict (a signal, a fault, a time-out).
    Crashed(String),
    /// The checks did not build; the first compiler error.
    DoesNotBuild(String),
    /// Graded 0 without looking at the passes, and why.
    Refused(String),
}

/// What grading one exercise found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Checks that passed.
    pub passed: u64,
    /// Checks there are (0 when none ran).
    pub total: u64,
    /// How they ended.
    pub verdict: Verdict,
}

impl Outcome {
    /// An outcome that scores 0 whatever ran.
    pub fn refused(total: u64, why: String) -> Self {
        Self {
            passed: 0,
            total,
            verdict: Verdict::Refused(why),
        }
    }

    /// The score out of `points`: the share of checks passed, never more than `points`,
    /// and 0 for a refused or unbuilt exercise.
    pub fn score(&self, points: u32) -> f64 {
        match self.verdict {
            Verdict::Refused(_) | Verdict::DoesNotBuild(_) => 0.0,
            _ if self.total == 0 => 0.0,
            _ => f64::from(points) * self.passed.min(self.total) as f64 / self.total as f64,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Passed => f.write_str("passed"),
            Self::Failed(why) => write!(f, "{why}"),
            Self::Crashed(why) => write!(f, "crashed: {why}"),
            Self::DoesNotBuild(why) => write!(f, "does not build: {why}"),
            Self::Refused(why) => write!(f, "scored 0: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_is_the_share_passed_capped_at_the_points() {
        let half = Outcome {
            passed: 2,
            total: 4,
            verdict: Verdict::Crashed("signal 11".into()),
        };
        assert_eq!(half.score(20), 10.0);
        let overcounted = Outcome {
            passed: 9,
            total: 2,
            verdict: Verdict::Passed,
        };
        assert_eq!(overcounted.score(10), 10.0);
        assert_eq!(Outcome::refused(4, "forged".into()).score(20), 0.0);
        let none = Outcome {
            passed: 0,
            total: 0,
            verdict: Verdict::DoesNotBuild("error[E0308]".into()),
        };
        assert_eq!(none.score(10), 0.0);
    }
}
