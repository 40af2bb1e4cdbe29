//! The memory layout: what a chunk, its tag, a free chunk's fields and an arena's end
//! record look like in memory, and how a block pointer leads back to its tag.
//!
//! ```text
//!   chunk.rs       tag word, flags, chunk ends           free_chunk.rs  next, prev, sizes
//!   block.rs       block pointer ⇄ chunk and tag         arena.rs       the end record
//!   lookup.rs      a caller's pointer with its arena's provenance
//! ```

pub(crate) mod arena;
pub(crate) mod block;
pub(crate) mod chunk;
pub(crate) mod free_chunk;
pub(crate) mod lookup;
