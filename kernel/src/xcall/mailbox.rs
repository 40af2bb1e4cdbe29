//! One channel's posted call, and how a CPU answers it from its mailbox.
//!
//! ```text
//!   post (initiator)                 answer (another CPU)
//!   sequence = odd  (writing)        s = sequence; odd? not ready, later
//!   targets, run, call               read targets, run, call
//!   sequence = even (call n = s/2)   sequence still s? else read again
//!                                    answered[channel] >= n? done already
//!                                    targeted? run(call)   (not: skip)
//!                                    answered[channel] = n
//! ```
//!
//! A sequence lock, because a CPU that is not a target (it came online after
//! the call was posted) may read while the next call is written; a target
//! never does, since the initiator waits for its answer before posting
//! again. Only targets run the call, so none runs it after its initiator
//! returned and the closure is gone.

use crate::arch::percpu;
use core::sync::atomic::{fence, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// A posted call: a closure behind a type-erased pointer and the function
/// that runs it.
pub(super) struct Posted {
    /// Twice the number of the last call posted, plus one while writing.
    sequence: AtomicU64,
    /// The CPUs that must run it, a bit each.
    targets: AtomicU32,
    /// `run::<F>`, as an address.
    run: AtomicUsize,
    /// The `F` it runs.
    call: AtomicPtr<()>,
}

/// Runs the closure at `call`.
///
/// # Safety
///
/// This function is unsafe because `call` must point at a live `F`.
unsafe fn run<F: Fn()>(call: *const ()) {
    // SAFETY: the caller's promise.
    unsafe { (*call.cast::<F>())() }
}

impl Posted {
    pub(super) const fn new() -> Self {
        Self {
            sequence: AtomicU64::new(0),
            targets: AtomicU32::new(0),
            run: AtomicUsize::new(0),
            call: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// Posts `call` for `targets`; returns its number.
    ///
    /// # Safety
    ///
    /// This function is unsafe because targets run `call` through a raw
    /// pointer: it must stay alive until every target has answered the
    /// number returned. One initiator posts at a time.
    pub(super) unsafe fn post<F: Fn() + Sync>(&self, call: &F, targets: u32) -> u64 {
        let sequence = self.sequence.load(Ordering::Relaxed);
        self.sequence.store(sequence + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        self.targets.store(targets, Ordering::Relaxed);
        let runner: unsafe fn(*const ()) = run::<F>;
        self.run.store(runner as usize, Ordering::Relaxed);
        self.call.store(
            core::ptr::from_ref(call).cast_mut().cast(),
            Ordering::Relaxed,
        );
        // SeqCst: a CPU that parks after this sees the call in its duty, or
        // the initiator sees it parked (`sync::park`).
        self.sequence.store(sequence + 2, Ordering::SeqCst);
        (sequence + 2) / 2
    }

    /// The last call posted, consistently: its number, targets, runner and
    /// closure; `None` while one is being written.
    fn read(&self) -> Option<(u64, u32, usize, *const ())> {
        let sequence = self.sequence.load(Ordering::Acquire);
        if sequence % 2 == 1 {
            return None;
        }
        let read = (
            sequence / 2,
            self.targets.load(Ordering::Relaxed),
            self.run.load(Ordering::Relaxed),
            self.call.load(Ordering::Relaxed).cast_const(),
        );
        fence(Ordering::Acquire);
        (self.sequence.load(Ordering::Relaxed) == sequence).then_some(read)
    }

    /// Whether a call this CPU has not answered targets it.
    pub(super) fn waits_for_me(&self, channel: usize) -> bool {
        let cpu = percpu::current();
        self.read().is_some_and(|(number, targets, _, _)| {
            number > cpu.answered[channel].load(Ordering::Relaxed)
                && targets & 1 << cpu.index() != 0
        })
    }
}

/// Runs the call posted on `channel` if it targets this CPU and this CPU has
/// not answered it yet (nor is running it: an NMI may land inside the run),
/// then records the answer.
pub(super) fn answer(posted: &Posted, channel: usize) {
    let cpu = percpu::current();
    let Some((number, targets, runner, call)) = posted.read() else {
        return;
    };
    if number <= cpu.answered[channel].load(Ordering::Relaxed) {
        return;
    }
    let bit = 1 << channel;
    if cpu.answering.fetch_or(bit, Ordering::Relaxed) & bit != 0 {
        return;
    }
    if targets & 1 << cpu.index() != 0 {
        // SAFETY: `runner` is the `run::<F>` posted with `call`, read under
        // one sequence number; the initiator keeps the `F` alive until this
        // CPU, a target, has answered.
        unsafe {
            let runner = core::mem::transmute::<usize, unsafe fn(*const ())>(runner);
            runner(call);
        }
    }
    cpu.answered[channel].fetch_max(number, Ordering::Release);
    cpu.answering.fetch_and(!bit, Ordering::Relaxed);
}
