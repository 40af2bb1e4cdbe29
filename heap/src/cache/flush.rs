//! Flushing: every cached block and every magazine goes back to the heap, so that its free
//! memory can merge and be trimmed, or serve a request that failed.
//!
//! ```text
//!   flush():       depot lists ──┐ (swapped out under the depot lock)
//!                  this CPU's ───┤
//!                  magazines     ├──► taken: lists per class ──► heap lock:
//!                  abandoned ────┤        drain every magazine, free every magazine
//!                  CPUs' (adopt) │
//!   flush_all():   every CPU's ──┘ (exclusive: &mut self)
//! ```
//!
//! A CPU's magazines can only be flushed by that CPU (or with the cache borrowed mutably):
//! a kernel that wants everything back asks every CPU to call `flush` (an IPI), as trim does.
//! A CPU that runs nothing any more (an exited host thread: `Cpu::adopt`) is flushed by
//! whoever flushes next. The out-of-memory path flushes the depot, the failing CPU's
//! magazines and the abandoned ones, then retries.

use super::depot::Depot;
use super::{CachedHeap, Cpu, PerCpu};
use crate::OutOfMemory;
use lock_api::RawMutex;

impl<R: RawMutex, G: OutOfMemory, C: Cpu, const CPUS: usize, const M: usize>
    CachedHeap<R, G, C, CPUS, M>
{
    /// Returns the depot's magazines, the calling CPU's and those of CPUs that run nothing any
    /// more (exited threads, for `ThreadCpu`) to the heap, with every block in them. Other
    /// CPUs keep their loaded and previous magazines (at most `2 M` blocks per class each):
    /// each must call `flush` itself, or use [`CachedHeap::flush_all`].
    pub fn flush(&self) {
        let pin = C::pin();
        // SAFETY: the pin makes this CPU's slot ours.
        unsafe { self.flush_cpu(self.cpu(&pin)) }
    }

    /// Returns every magazine of every CPU and of the depot to the heap, with every block
    /// in them; the cache then holds nothing.
    pub fn flush_all(&mut self) {
        let mut taken = core::mem::replace(self.depot.get_mut(), Depot::new());
        for cpu in &self.cpus {
            // SAFETY: `&mut self`: no pin of any CPU is alive inside the cache.
            unsafe { Self::gather(cpu, &mut taken) };
        }
        self.release(taken);
    }

    /// Returns the depot's magazines, those of `cpu` (if the CPU has a slot) and those of the
    /// CPUs that run nothing any more to the heap.
    ///
    /// # Safety
    /// The caller must hold the pin of `cpu`.
    pub(crate) unsafe fn flush_cpu(&self, cpu: Option<&PerCpu<M>>) {
        let mut taken = core::mem::replace(&mut *self.depot.lock(), Depot::new());
        if let Some(cpu) = cpu {
            // SAFETY: by the caller's contract the slot is ours.
            unsafe { Self::gather(cpu, &mut taken) };
        }
        for (index, cpu) in self.cpus.iter().enumerate() {
            if let Some(_adopted) = C::adopt(index) {
                // SAFETY: the adopted pin makes the slot ours until it drops, after this.
                unsafe { Self::gather(cpu, &mut taken) };
            }
        }
        self.release(taken);
    }

    /// Moves the magazines of `cpu` onto the lists of `taken`, by class.
    ///
    /// # Safety
    /// The caller must hold the pin of `cpu`, or borrow the cache mutably.
    unsafe fn gather(cpu: &PerCpu<M>, taken: &mut Depot<M>) {
        for (class, slot) in cpu.classes.iter().enumerate() {
            for stack in [&slot.loaded, &slot.previous] {
                // SAFETY: by the caller's contract the stacks are ours; a taken magazine is
                // live and now belongs to the list alone.
                unsafe {
                    if let Some((magazine, rounds)) = stack.take() {
                        taken.full[class].push(magazine, rounds);
                    }
                }
            }
        }
    }

    /// Drains every magazine of `taken` into the heap and frees it, under one heap lock.
    fn release(&self, mut taken: Depot<M>) {
        let mut heap = self.heap.lock();
        for (class, list) in taken.full.iter_mut().enumerate() {
            while let Some((magazine, rounds)) = list.pop() {
                // SAFETY: the list held the magazine and its `rounds` blocks of `class` alone.
                unsafe {
                    Self::drain(&mut heap, magazine, rounds, class);
                    self.free_magazine(&mut heap, magazine);
                }
            }
        }
        while let Some((magazine, _)) = taken.empty.pop() {
            // SAFETY: an empty magazine the list held alone.
            unsafe { self.free_magazine(&mut heap, magazine) };
        }
    }
}
