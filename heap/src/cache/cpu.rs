//! `Cpu`: what the cache needs to know about where it runs, so that one implementation
//! serves a kernel (a CPU found through its GS base, interrupts off while pinned) and a host
//! program (every thread its own "CPU": see `thread.rs`).
//!
//! ```text
//!   let pin = C::pin();          interrupts / preemption off: nothing else runs here
//!   let i = C::index(&pin);      this CPU's slot; i >= CPUS ──► C::no_slot(&pin), and the
//!                                cache is bypassed (a host thread claims its index there)
//!   … loads and stores on slot i, no lock, no atomic read-modify-write …
//!   drop(pin);                   interrupts / preemption back as they were
//!
//!   let pin = C::adopt(i)?;      CPU i runs nothing any more (an exited host thread): the
//!   … empty slot i …             caller stands in for it, so that a flush gives back what
//!   drop(pin);                   slot i holds; a kernel's CPUs never go away (`None`)
//! ```

/// The CPU the caller runs on, and a way to stay on it undisturbed.
///
/// # Safety
///
/// For every cache, the slot of index `i` is used only while a pin answering `i` is alive, so
/// an implementation must guarantee, for every index below the largest `CPUS` of any cache
/// it serves:
///
/// - `index` returns the same value for the whole life of a pin;
/// - while a pin answering `i` is alive, no other thread holds a pin answering `i`, and
///   nothing that could use a cache interrupts the pinned code on its own thread (a kernel
///   turns interrupts or preemption off; a host thread is its own CPU and signal handlers
///   must not allocate); pins taken again by the pinned code itself are allowed;
/// - when index `i` passes from one thread to another, everything the first did while
///   pinned happens before everything the second does (a release/acquire handover);
/// - a pin returned by `adopt(i)` answers `i` and is held to the same rules as one from `pin`.
///
/// An index at or above a cache's `CPUS` is allowed: that cache then serves the caller from
/// its heap directly.
pub unsafe trait Cpu {
    /// Proof that the caller stays on this CPU undisturbed until it is dropped.
    type Pin;

    /// Pins the caller to its CPU (turns interrupts or preemption off) until the pin drops.
    fn pin() -> Self::Pin;

    /// The index of the CPU `pin` holds; the same for the pin's whole life.
    fn index(pin: &Self::Pin) -> usize;

    /// Told by a cache that has no slot for the index `pin` answers, before the cache serves
    /// the caller from its heap: an implementation that hands indices out on first use
    /// (`ThreadCpu`) claims one here, for the pins after this one. By default nothing.
    #[inline(always)]
    fn no_slot(pin: &Self::Pin) {
        let _ = pin;
    }

    /// Pins CPU `index` for the caller if nothing runs on it any more (a host thread that has
    /// exited), so that the cache can give back what that CPU's slot holds; `None` if the
    /// index is in use. A kernel's CPUs never go away: by default, always `None`.
    #[inline(always)]
    fn adopt(index: usize) -> Option<Self::Pin> {
        let _ = index;
        None
    }
}
