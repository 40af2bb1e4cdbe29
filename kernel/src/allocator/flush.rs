//! Emptying every CPU's magazines, for trim: each CPU's slot may only be
//! touched by that CPU, so every CPU is asked to flush its own, through a
//! cross-CPU call on channel `Unlocked` (a flush takes the depot and heap
//! locks, so a CPU runs it only where it holds no lock: in the call's IPI,
//! which arrives with interrupts on, or in a wait loop outside any lock).
//!
//! ```text
//!   flush_everywhere (no lock held) ─► xcall: every CPU runs HEAP.flush()
//!                                       ─► all answered ─► return
//! ```

use super::HEAP;
use crate::xcall::{self, Channel};

/// Returns every CPU's cached blocks (and the depot's) to the heap.
///
/// Panics if this CPU holds a lock: another CPU's flush may need it.
pub fn flush_everywhere() {
    xcall::run_everywhere(Channel::Unlocked, &|| HEAP.flush());
}
