//! The adapter for `talc` 5: a `Talc` with the `Manual` source over the whole region, or
//! with a source that extends the heap's top a growth step at a time (talc 5's `Source`
//! replaced the `OomHandler` of talc 4; `acquire` plays the same part).
//!
//! ```text
//!   over(region):     claim(base, len)          source: Manual (fails on OOM)
//!   growing(region):  claim(base, initial)      source: ExtendWithin
//!                     acquire: extend(heap_end, heap_end + growth_step) until the limit
//! ```

use super::subject::{growth_step, move_block, Growing, Subject};
use std::alloc::Layout;
use std::ptr::NonNull;
use talc::base::binning::Binning;
use talc::source::{Manual, Source};
use talc::DefaultBinning;

/// `talc::base::Talc` with the default binning and the memory source `S`.
pub struct Talc<S: Start> {
    talc: talc::base::Talc<S, DefaultBinning>,
    base: *mut u8,
}

// SAFETY: the allocator exclusively owns its region; moving it moves that ownership.
unsafe impl<S: Start> Send for Talc<S> {}

/// A source that can be set up for a region and told where the claimed heap ends.
pub trait Start: Source {
    /// The source for a heap in `[base, limit)`.
    fn start(base: *mut u8, limit: *mut u8) -> Self;
    /// Records the end of the heap `claim` established.
    fn claimed(&mut self, heap_end: NonNull<u8>);
}

impl Start for Manual {
    fn start(_: *mut u8, _: *mut u8) -> Self {
        Manual
    }
    fn claimed(&mut self, _: NonNull<u8>) {}
}

/// Extends the heap up to `limit`, remembering where the heap ends now.
#[derive(Debug)]
pub struct ExtendWithin {
    heap_end: *mut u8,
    limit: *mut u8,
}

impl Start for ExtendWithin {
    fn start(base: *mut u8, limit: *mut u8) -> Self {
        Self {
            heap_end: base,
            limit,
        }
    }
    fn claimed(&mut self, heap_end: NonNull<u8>) {
        self.heap_end = heap_end.as_ptr();
    }
}

// SAFETY: `acquire` touches only the `Talc` it is given.
unsafe impl Source for ExtendWithin {
    fn acquire<B: Binning>(talc: &mut talc::base::Talc<Self, B>, layout: Layout) -> Result<(), ()> {
        let ExtendWithin { heap_end, limit } = talc.source;
        let step = growth_step(layout, limit.addr() - heap_end.addr());
        let heap_end = NonNull::new(heap_end).ok_or(())?;
        // SAFETY: the bytes up to `limit` belong to the region handed to `growing`.
        let extended = unsafe { talc.extend(heap_end, heap_end.as_ptr().add(step)) };
        if extended == heap_end {
            return Err(());
        }
        talc.source.heap_end = extended.as_ptr();
        Ok(())
    }
}

impl<S: Start> Talc<S> {
    /// A talc with the first `size` bytes of `region` claimed.
    ///
    /// # Safety
    /// As for [`Subject::over`].
    unsafe fn claiming(region: NonNull<[u8]>, size: usize) -> Self {
        let base = region.cast::<u8>().as_ptr();
        let mut talc = talc::base::Talc::new(S::start(base, base.wrapping_add(region.len())));
        // SAFETY: the caller hands over the region.
        let heap_end = unsafe { talc.claim(base, size) }.expect("talc claims the arena");
        talc.source.claimed(heap_end);
        Self { talc, base }
    }
}

impl<S: Start> Subject for Talc<S> {
    const NAME: &'static str = "talc";

    unsafe fn over(region: NonNull<[u8]>) -> Self {
        // SAFETY: forwarded contract.
        unsafe { Self::claiming(region, region.len()) }
    }

    #[inline(always)]
    unsafe fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        // SAFETY: the size is not zero, by the trait's contract.
        unsafe { self.talc.allocate(layout) }
    }

    #[inline(always)]
    unsafe fn deallocate(&mut self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.talc.deallocate(ptr.as_ptr(), layout) }
    }

    /// In place when talc can, else allocate, copy and free (as talc's own `GlobalAlloc`).
    #[inline(always)]
    unsafe fn reallocate(
        &mut self,
        ptr: NonNull<u8>,
        layout: Layout,
        new_size: usize,
    ) -> Option<NonNull<u8>> {
        // SAFETY: forwarded contract.
        unsafe {
            if self
                .talc
                .try_realloc_in_place(ptr.as_ptr(), layout, new_size)
            {
                Some(ptr)
            } else {
                move_block(self, ptr, layout, new_size)
            }
        }
    }
}

impl Growing for Talc<ExtendWithin> {
    unsafe fn growing(region: NonNull<[u8]>, initial: usize) -> Self {
        // SAFETY: forwarded contract.
        unsafe { Self::claiming(region, initial) }
    }

    fn arena_bytes(&self) -> usize {
        self.talc.source.heap_end.addr() - self.base.addr()
    }
}
