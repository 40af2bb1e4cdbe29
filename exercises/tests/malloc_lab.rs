//! Exercise 6, the malloc lab (`exercises/src/malloc/student.rs`), on four real programs'
//! traces. Per trace, three checks, each worth the same (`docs/13-malloc-lab.md`):
//!
//! ```text
//!   correct   the checked replay passes: every block below the break, 16-aligned, no
//!             overlap, contents kept until freed and across realloc
//!   frugal    utilization (peak live bytes / highest break) >= 90 % of our heap's
//!   fast      operations per second >= 40 % of our heap's (best of five runs each,
//!             alternating, on the same machine)
//! ```
//!
//! Graded in release (`make grade` builds this check with `--release`).

use exercises::malloc::replay::{checked, timed, Measured, FAST, FRUGAL};
use exercises::malloc::{Malloc, OurHeap, Student};
use exercises::trace;
use std::time::Duration;

/// The student's allocator's checked replay of `name`, or a panic saying what broke.
fn student_on(name: &str) -> (Vec<trace::Op>, Measured) {
    let ops = trace::read(name);
    let measured = checked(&mut Student::default(), &ops).unwrap_or_else(|broken| {
        panic!(
            "{} on the {name} trace: {broken}",
            Student::default().name()
        )
    });
    (ops, measured)
}

fn correct(name: &str) {
    student_on(name);
}

fn frugal(name: &str) {
    let (ops, student) = student_on(name);
    let reference = checked(&mut OurHeap::default(), &ops).expect("our heap replays every trace");
    let share = student.utilization() / reference.utilization();
    assert!(
        share >= FRUGAL,
        "on the {name} trace your utilization is {:.1} % against our heap's {:.1} % ({:.0} % of it; {:.0} % needed)",
        100.0 * student.utilization(),
        100.0 * reference.utilization(),
        100.0 * share,
        100.0 * FRUGAL
    );
}

fn fast(name: &str) {
    let (ops, student) = student_on(name);
    let reference = checked(&mut OurHeap::default(), &ops).expect("our heap replays every trace");
    let (mut yours, mut ours) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        yours = yours.min(timed(&mut Student::default(), &ops, student));
        ours = ours.min(timed(&mut OurHeap::default(), &ops, reference));
    }
    let share = ours.as_secs_f64() / yours.as_secs_f64();
    assert!(
        share >= FAST,
        "on the {name} trace your allocator took {yours:?} against our heap's {ours:?} ({:.0} % of its speed; {:.0} % needed)",
        100.0 * share,
        100.0 * FAST
    );
}

macro_rules! trace_checks {
    ($($trace:ident),*) => {
        $(
            mod $trace {
                #[test]
                fn correct() {
                    super::correct(stringify!($trace));
                }

                #[test]
                fn frugal() {
                    super::frugal(stringify!($trace));
                }

                #[test]
                fn fast() {
                    super::fast(stringify!($trace));
                }
            }
        )*
    };
}

trace_checks!(gcc, git, nginx, perl);
