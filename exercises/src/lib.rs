//! The host half of the graded exercises (`docs/11-graded-exercises.md`, `make grade`).
//!
//! ```text
//!   fit/            a free-list simulator over real programs' traces
//!     first.rs        first fit: the worked example
//!     segregated.rs   segregated fit, the policy of our heap
//!     best.rs         EXERCISE 1a: best fit
//!     next.rs         EXERCISE 1b: next fit
//!   size_classes.rs EXERCISE 2: a size-class front end over any allocator
//!   malloc/         EXERCISE 6: the malloc lab (student.rs), its arena, replay and
//!                   yardsticks
//!   trace.rs        reading heap/benches/traces/*.trace.xz
//!   solutions/      the reference solutions (feature `solutions`)
//! ```
//!
//! A stub answers [`NotDone`] (or, for the front end, passes every request through), so
//! its checks fail with a message that says what to write; the checks are the tests in
//! `tests/`, which `make grade` runs. Nothing in the kernel or the heap depends on this
//! crate.

pub mod fit;
pub mod malloc;
pub mod size_classes;
#[cfg(feature = "solutions")]
mod solutions;
pub mod trace;

use std::fmt;

/// What a stub answers: the exercise is not written yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotDone(pub &'static str);

impl fmt::Display for NotDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not done: {}", self.0)
    }
}

impl std::error::Error for NotDone {}
