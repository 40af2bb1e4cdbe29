//! `no_unwind`: the `GlobalAlloc` impls run their work through it, because a global allocator
//! must not unwind (`GlobalAlloc`'s contract). A misuse panics with its message (once the lock
//! is released), and the unwinding drops the guard, which aborts the program: at once with
//! the `std` feature, else by panicking again (a panic during unwinding aborts; the runtime
//! then prints a backtrace, slow to make with `debug-checks`, every free walking the heap).
//!
//! ```text
//!   dealloc ──► no_unwind(work) ──► work panics: "deallocate: double free ..."
//!                                   └─► unwinding drops the guard ──► abort
//! ```
//!
//! On the normal path the guard is forgotten: no code runs for it (a kernel built with
//! `panic = "abort"` has no unwinding, so no landing pad either).

/// Aborts when dropped: only ever dropped while a panic unwinds through `no_unwind`.
struct AbortOnUnwind;

impl Drop for AbortOnUnwind {
    fn drop(&mut self) {
        #[cfg(feature = "std")]
        std::process::abort();
        #[cfg(not(feature = "std"))]
        panic!("a global allocator must not unwind: aborting");
    }
}

/// Runs `work`; a panic in it aborts the program (after its message) instead of unwinding.
#[inline(always)]
pub(crate) fn no_unwind<T>(work: impl FnOnce() -> T) -> T {
    let guard = AbortOnUnwind;
    let result = work();
    core::mem::forget(guard);
    result
}
