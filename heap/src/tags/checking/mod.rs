//! Looking at the heap: walking its arenas and chunks, the invariant checker, and the
//! debug checks that catch misuse before a free or resize changes anything.
//!
//! ```text
//!   walk.rs   chunks(), arenas()      check.rs, check_arena.rs   check() and its rules
//!   debug.rs  (feature debug-checks)  double frees, foreign pointers, wrong layouts
//! ```

pub(crate) mod check;
pub(crate) mod check_arena;
#[cfg(all(feature = "debug-checks", debug_assertions))]
pub(crate) mod debug;
pub(crate) mod walk;
