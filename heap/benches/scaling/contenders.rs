//! The allocators the scaling bench shares between threads, each one usable through `&self`
//! and each behind the same lock (`lock.rs`): ours with per-CPU magazines, ours behind one
//! lock, talc and rlsf, and the system allocator.
//!
//! ```text
//!   ours+cache  CachedHeap<YieldLock, …, ThreadCpu>   no lock on a hit; depot and heap locks
//!   ours        LockedHeap<YieldLock, …>              one lock
//!   talc, rlsf  Mutex<YieldLock, A> over the adapters in shared/
//!   system      std::alloc::System (glibc malloc: per-thread caches and arenas)
//! ```

use super::lock::YieldLock;
use super::shared::subject::Subject;
use lock_api::Mutex;
use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::NonNull;
use tagheap::{CachedHeap, LockedHeap, NeverGrow, Span, ThreadCpu};

/// CPU slots of ours+cache: enough for every bench thread.
const CPUS: usize = 16;

/// An allocator several threads use at once.
pub trait Contender: Sync + Sized {
    /// The name in tables, CSV and plots.
    const NAME: &'static str;
    /// A fresh allocator over `region`.
    ///
    /// # Safety
    /// `region` must be valid and used by nothing else while the allocator lives.
    unsafe fn over(region: NonNull<[u8]>) -> Self;
    /// Allocates (null when out of memory).
    ///
    /// # Safety
    /// The region must still be valid; the layout's size is not zero.
    unsafe fn alloc(&self, layout: Layout) -> *mut u8;
    /// Frees a block of this allocator.
    ///
    /// # Safety
    /// `ptr` must be a live block of this allocator, allocated with `layout`.
    unsafe fn free(&self, ptr: *mut u8, layout: Layout);
}

/// `region` as a span to claim.
fn span(region: NonNull<[u8]>) -> Span {
    Span::from_base_size(region.cast::<u8>().as_ptr(), region.len())
}

/// Ours with per-CPU magazines of `M` blocks (boxed: its per-CPU slots are large).
pub struct Cached<const M: usize>(Box<CachedHeap<YieldLock, NeverGrow, ThreadCpu, CPUS, M>>);

impl<const M: usize> Contender for Cached<M> {
    const NAME: &'static str = match M {
        8 => "ours+cache",
        16 => "ours+cache m16",
        32 => "ours+cache m32",
        64 => "ours+cache m64",
        _ => "ours+cache m?",
    };
    unsafe fn over(region: NonNull<[u8]>) -> Self {
        let cache = Box::new(CachedHeap::new(NeverGrow));
        // SAFETY: the caller hands over the region.
        unsafe { cache.heap().lock().claim(span(region)) }.expect("a claimable region");
        Self(cache)
    }
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.0.alloc(layout) }
    }
    unsafe fn free(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

impl Contender for LockedHeap<YieldLock, NeverGrow> {
    const NAME: &'static str = "ours";
    unsafe fn over(region: NonNull<[u8]>) -> Self {
        let heap = LockedHeap::new(NeverGrow);
        // SAFETY: the caller hands over the region.
        unsafe { heap.lock().claim(span(region)) }.expect("a claimable region");
        heap
    }
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { GlobalAlloc::alloc(self, layout) }
    }
    unsafe fn free(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { GlobalAlloc::dealloc(self, ptr, layout) }
    }
}

/// A peer behind the bench's spin lock.
pub struct Guarded<A: Subject>(Mutex<YieldLock, A>);

impl<A: Subject> Contender for Guarded<A> {
    const NAME: &'static str = A::NAME;
    unsafe fn over(region: NonNull<[u8]>) -> Self {
        // SAFETY: forwarded contract.
        Self(Mutex::new(unsafe { A::over(region) }))
    }
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { self.0.lock().allocate(layout) }.map_or(std::ptr::null_mut(), NonNull::as_ptr)
    }
    unsafe fn free(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract; a live block is not null.
        unsafe {
            self.0
                .lock()
                .deallocate(NonNull::new_unchecked(ptr), layout)
        }
    }
}

/// The system allocator (the region is not used).
pub struct Host;

impl Contender for Host {
    const NAME: &'static str = "system";
    unsafe fn over(_: NonNull<[u8]>) -> Self {
        Host
    }
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn free(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}
