//! The operations on blocks: allocate (fast path, later bitmap words, the slow search),
//! carve a block from a chunk, free with merging, and resize in place or by moving.
//!
//! ```text
//!   alloc.rs ──► search.rs (slow path) ──► carve.rs      free.rs
//!   resize.rs ──► grow_block.rs / shrink ──► relocate.rs (move)   realign.rs (`Allocator`)
//!   preconditions.rs: the checks every resize makes first
//!   victim.rs: the designated victim, carved before the later bitmap words are searched
//!   run.rs: several small blocks at once, for the cache's refills
//! ```

pub(crate) mod alloc;
pub(crate) mod carve;
pub(crate) mod free;
pub(crate) mod grow_block;
pub(crate) mod preconditions;
#[cfg(feature = "nightly")]
pub(crate) mod realign;
pub(crate) mod relocate;
pub(crate) mod resize;
pub(crate) mod run;
pub(crate) mod search;
pub(crate) mod victim;
