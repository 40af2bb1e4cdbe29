//! `Corruption`: what a check found broken in the heap's own words (`harden`'s link, size
//! and tag checks, the debug checks' redzones and poison). It travels inside a `Misuse`
//! (`Wrong::Corrupted`), whose message names the chunk; this says what was wrong there.
//!
//! ```text
//!   heap check: heap corrupted at the chunk 0x…048: its next link leads to 0x…, not to …
//!   └ operation  └ Misuse (misuse.rs)                └ Corruption (this file)
//! ```

use core::fmt;

/// What a check found broken in the heap's memory (`harden`, `debug-checks`).
#[derive(Clone, Copy, Debug)]
#[cfg_attr(
    not(all(feature = "harden", feature = "debug-checks", debug_assertions)),
    allow(
        dead_code,
        reason = "`harden` finds most of these, the debug checks the rest"
    )
)]
pub(crate) enum Corruption {
    /// The address is not a free chunk of this heap.
    NotAFreeChunk,
    /// The free chunk's size word at its base and the one at its top disagree (`None`:
    /// the low one leads out of the arena).
    SizeWords { low: usize, high: Option<usize> },
    /// Its `next` link leads to no free chunk whose `prev` leads back.
    NextLink { link: *mut u8 },
    /// Its `prev` link is neither its bin's mark nor a free chunk whose `next` leads back.
    PrevLink { link: *mut u8 },
    /// The allocated chunk's tag ends outside its arena.
    Tag { end: *mut u8 },
    /// The size word below the chunk names a free chunk that is not there.
    BelowSize { below: usize, found: usize },
    /// A byte of the free chunk's poison changed (`debug-checks`).
    WrittenAfterFree { at: *mut u8, byte: u8 },
    /// A byte of the redzone after the block changed (`debug-checks`).
    Redzone {
        block: *mut u8,
        size: usize,
        at: *mut u8,
        byte: u8,
    },
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Corruption::NotAFreeChunk => write!(f, "it is not a free chunk of this heap"),
            Corruption::SizeWords { low, high: None } => write!(
                f,
                "its size words disagree: {low} at its base, which runs out of its arena"
            ),
            Corruption::SizeWords {
                low,
                high: Some(high),
            } => write!(
                f,
                "its size words disagree: {low} at its base, {high} at its top"
            ),
            Corruption::NextLink { link } => write!(
                f,
                "its next link leads to {link:p}, not to a free chunk that links back"
            ),
            Corruption::PrevLink { link } => write!(
                f,
                "its prev link leads to {link:p}, neither its bin's mark nor a free chunk \
                 that links back"
            ),
            Corruption::Tag { end } => {
                write!(f, "its tag says it ends at {end:p}, outside its arena")
            }
            Corruption::BelowSize { below, found } => write!(
                f,
                "the word below it says the free chunk below has {below} bytes; the chunk \
                 there has {found}"
            ),
            Corruption::WrittenAfterFree { at, byte } => write!(
                f,
                "written after it was freed: {at:p} holds {byte:#04x}, not the poison"
            ),
            Corruption::Redzone {
                block,
                size,
                at,
                byte,
            } => write!(
                f,
                "the {size}-byte block at {block:p} was written past its end: {at:p} holds \
                 {byte:#04x}, not the redzone"
            ),
        }
    }
}
