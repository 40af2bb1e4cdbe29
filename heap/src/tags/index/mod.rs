//! The free index: size classes (bins), one doubly linked list of free chunks per bin, and a
//! bitmap of the non-empty bins, so that finding a fitting chunk is one bit scan.
//!
//! ```text
//!   bins.rs        size ──► bin        bitmap.rs   bin ──► first non-empty bin at or above
//!   free_list.rs   link, unlink and pop free chunks, keeping the bitmap in step
//!   links.rs       how a link is stored in a free chunk (mangled with `harden`)
//! ```

pub(crate) mod bins;
pub(crate) mod bitmap;
pub(crate) mod free_list;
pub(crate) mod links;
