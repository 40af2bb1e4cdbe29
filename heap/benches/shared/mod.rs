//! What the host benchmarks share: the allocators under test and their adapters, the
//! pre-touched arena, cycle timing, statistics, and how figures become tables, CSV and SVG.
//!
//! ```text
//!   compare.rs ─┐                ┌─► subject (Subject, Locked, each_subject) ─► ours, peer_*
//!               ├─► shared ──────┼─► arena, timing, stats
//!   replay.rs  ─┘                └─► figures ─► output ─► table (stdout), svg, host.csv
//! ```
//!
//! Each bench is its own crate and uses only part of this module, so unused items are
//! expected in either one (the bench roots allow `dead_code` on this module for that).

pub mod arena;
pub mod figures;
pub mod ours;
pub mod ours_cached;
pub mod output;
pub mod peer_buddy;
pub mod peer_dlmalloc;
pub mod peer_linked_list;
pub mod peer_rlsf;
pub mod peer_talc;
pub mod stats;
pub mod subject;
pub mod svg;
pub mod table;
pub mod timing;
