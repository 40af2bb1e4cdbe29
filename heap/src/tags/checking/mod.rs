//! Looking at the heap: walking its arenas and chunks, the invariant checker, and the
//! debug checks that catch misuse before a free or resize changes anything.
//!
//! ```text
//!   walk.rs   chunks(), arenas()      check.rs, check_arena.rs   check() and its rules
//!   debug.rs  (feature debug-checks)  double frees, foreign pointers, wrong layouts
//!   integrity.rs (feature harden)    links and size words proven before they are followed
//!   zones.rs  (debug-checks)  redzones after blocks, poison in free chunks
//!   misuse.rs what a check found, reported once no lock of the heap is held
//! ```

pub(crate) mod check;
pub(crate) mod check_arena;
#[cfg(all(feature = "debug-checks", debug_assertions))]
pub(crate) mod debug;
#[cfg(feature = "harden")]
pub(crate) mod integrity;
pub(crate) mod misuse;
pub(crate) mod walk;
pub(crate) mod zones;
