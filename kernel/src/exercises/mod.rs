//! The kernel half of the graded exercises (`docs/11-graded-exercises.md`, `make grade`),
//! built only with the `exercises` feature; nothing else in the kernel uses it.
//!
//! ```text
//!   walk.rs        EXERCISE 3: a page-table walk by hand, checked against the mapper
//!                  by kernel/tests/exercise_page_walk.rs
//!   console.rs     EXERCISE 4: a console command, `frag`, checked by
//!                  kernel/tests/exercise_console.rs
//!   trim.rs        EXERCISE 5: per-CPU caches flushed on trim, checked on 4 CPUs by
//!                  kernel/tests/exercise_cpu_cache.rs
//!   cpu_cache.rs   exercise 5's per-CPU caches (not the student's to change)
//!   grow.rs        EXERCISE 8: the page-fault rule that grows the heap, checked by
//!                  kernel/tests/exercise_grow.rs booting on it
//!   (exercise 7, the buddy allocator, is its own crate: exercises/buddy/)
//!   solutions.rs   the reference solutions (feature `solutions`)
//! ```
//!
//! `make grade` checks that the files the students do not write (the checks, this module,
//! `cpu_cache.rs`, the test runner) are as handed out.

pub mod console;
pub mod cpu_cache;
pub mod grow;
#[cfg(feature = "solutions")]
mod solutions;
pub mod trim;
pub mod walk;

use core::fmt;

/// What a stub answers: the exercise is not written yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotDone(pub &'static str);

impl fmt::Display for NotDone {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "not done: {}", self.0)
    }
}
