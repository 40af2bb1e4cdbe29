//! Moving typed values into a `Bump` for good: `leak` and `leak_at`, and the `LeakError` that
//! hands the value back when there is no room (or the level moved).
//!
//! ```text
//!  leak(value):  |...consumed...|pad|== value: V ==|...free...
//!                                   ^ &mut V (lives as long as the Bump; never dropped)
//! ```

use core::alloc::Layout;
use core::fmt;

use super::{Bump, Failure, Level};

/// A value that could not be leaked into a `Bump`, handed back with the reason.
pub struct LeakError<V> {
    value: V,
    failure: Failure,
}

impl<V> LeakError<V> {
    /// Why the value was refused.
    pub fn failure(&self) -> Failure {
        self.failure
    }

    /// The value, unharmed; dropping the error drops it too.
    pub fn into_value(self) -> V {
        self.value
    }
}

impl<V> fmt::Debug for LeakError<V> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LeakError")
            .field("failure", &self.failure)
            .finish_non_exhaustive()
    }
}

impl<V> fmt::Display for LeakError<V> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "could not leak a value into the bump: {}",
            self.failure
        )
    }
}

impl<V> core::error::Error for LeakError<V> {}

impl<T> Bump<T> {
    /// Moves `value` into a new block and returns it; its destructor never runs.
    ///
    /// # Errors
    ///
    /// [`LeakError`] with [`Failure::Exhausted`] and the value itself if there is no room.
    #[allow(clippy::mut_from_ref, reason = "a fresh block per call")]
    pub fn leak<V>(&self, value: V) -> Result<&mut V, LeakError<V>> {
        match self.alloc(Layout::new::<V>()) {
            // SAFETY: the block was allocated for `Layout::new::<V>()` and belongs to nobody
            // else while `self` is borrowed: only `reset(&mut self)` reuses it, or an unsafe
            // `dealloc` of this very block, which needs the caller to own it.
            Some(block) => Ok(unsafe { write_value(block.cast::<V>().as_ptr(), value) }),
            None => Err(LeakError {
                value,
                failure: Failure::Exhausted,
            }),
        }
    }

    /// Moves `value` into a new block at `level` (see [`Bump::alloc_at`]) and returns it with
    /// the level after it; its destructor never runs.
    ///
    /// # Errors
    ///
    /// [`LeakError`] with the [`Failure`] from `alloc_at` and the value itself.
    #[allow(clippy::mut_from_ref, reason = "a fresh block per call")]
    pub fn leak_at<V>(&self, value: V, level: Level) -> Result<(&mut V, Level), LeakError<V>> {
        match self.alloc_at(Layout::new::<V>(), level) {
            // SAFETY: as in `leak`: a block for `Layout::new::<V>()`, owned by this call.
            Ok(block) => Ok((
                unsafe { write_value(block.ptr.cast::<V>().as_ptr(), value) },
                block.level,
            )),
            Err(failure) => Err(LeakError { value, failure }),
        }
    }
}

/// Writes `value` to `slot` and returns it as a reference.
///
/// # Safety
///
/// `slot` must be valid for writes of a `V`, aligned, and not accessed through any other
/// pointer for the lifetime `'a`.
unsafe fn write_value<'a, V>(slot: *mut V, value: V) -> &'a mut V {
    // SAFETY: `slot` is valid, aligned and exclusively ours for `'a` (the caller's contract).
    unsafe {
        slot.write(value);
        &mut *slot
    }
}
