//! `MmapSource`: talc's memory source for the `talc` binary, the same policy as our
//! `heap::MmapGrow` so that the two heaps grow alike: reserve address space once, commit a
//! step (the request plus slack, at least 1 MiB, whole pages) with `mprotect` each time
//! talc runs out, and claim (first) or extend (later) talc's one heap over it.
//!
//! ```text
//!   reserved  |<=== talc's heap: committed ===>|··· PROT_NONE ···|
//! ```

use std::alloc::Layout;
use std::ptr::{null_mut, NonNull};
use talc::base::binning::Binning;
use talc::base::Talc;
use talc::source::Source;

/// The smallest step, as `heap::MmapGrow::STEP`.
const STEP: usize = heap::MmapGrow::STEP;
const PAGE: usize = 4096;
const SLACK: usize = 256;

/// Grows talc's heap inside an `mmap` reservation.
#[derive(Debug)]
pub struct MmapSource {
    reserve: usize,
    base: *mut u8,
    committed: usize,
    /// The end of talc's heap, as `claim` or `extend` last returned it.
    heap_end: Option<NonNull<u8>>,
}

// SAFETY: the source only describes its own reservation; talc's lock serialises its use.
unsafe impl Send for MmapSource {}

impl MmapSource {
    /// A source that reserves `reserve` bytes of address space on first use.
    pub const fn new(reserve: usize) -> Self {
        Self {
            reserve,
            base: null_mut(),
            committed: 0,
            heap_end: None,
        }
    }
}

// SAFETY: `acquire` uses only the `Talc` it is given and never allocates.
unsafe impl Source for MmapSource {
    fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
        let source = &mut talc.source;
        if source.base.is_null() {
            let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
            // SAFETY: a fresh anonymous mapping touches no existing memory.
            let base = unsafe { libc::mmap(null_mut(), source.reserve, 0, flags, -1, 0) };
            if base == libc::MAP_FAILED {
                return Err(());
            }
            source.base = base.cast();
        }
        let need = layout.size() + layout.align() + SLACK;
        let step = need.max(STEP).next_multiple_of(PAGE);
        if source.committed + step > source.reserve {
            return Err(());
        }
        let start = source.base.wrapping_add(source.committed);
        let prot = libc::PROT_READ | libc::PROT_WRITE;
        // SAFETY: `[start, start + step)` lies in our reservation, which nothing else uses.
        if unsafe { libc::mprotect(start.cast(), step, prot) } != 0 {
            return Err(());
        }
        source.committed += step;
        let (base, committed, end) = (source.base, source.committed, start.wrapping_add(step));
        // SAFETY: the committed memory is ours and unused; talc's heap ends where it said.
        let heap_end = unsafe {
            match source.heap_end {
                None => talc.claim(base, committed).ok_or(())?,
                Some(heap_end) => talc.extend(heap_end, end),
            }
        };
        talc.source.heap_end = Some(heap_end);
        Ok(())
    }
}
