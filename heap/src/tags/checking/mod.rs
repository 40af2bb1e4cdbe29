//! Looking at the heap: walking its arenas and chunks, the invariant checker, and the
//! debug checks that catch misuse before a free or resize changes anything.
//!
//! ```text
//!   walk.rs   chunks(), arenas()      check.rs, check_arena.rs   check() and its rules
//!   debug.rs  (feature debug-checks)  double frees, foreign pointers, wrong layouts
//!   integrity.rs, in_arena.rs (feature harden)  links, size words and tags proven first
//!   redzone.rs, poison.rs (debug-checks)  redzones after blocks, poison in free chunks
//!   corruption.rs  what a check found broken in the heap's own words
//!   misuse.rs what a check found, reported once no lock of the heap is held
//! ```

pub(crate) mod check;
pub(crate) mod check_arena;
pub(crate) mod corruption;
#[cfg(all(feature = "debug-checks", debug_assertions))]
pub(crate) mod debug;
#[cfg(feature = "harden")]
pub(crate) mod in_arena;
#[cfg(feature = "harden")]
pub(crate) mod integrity;
pub(crate) mod misuse;
pub(crate) mod poison;
pub(crate) mod redzone;
pub(crate) mod walk;
