//! The size-class front end.

use crate::size_classes::{Backend, SizeClasses, LIMIT};
use core::alloc::Layout;
use core::ptr::NonNull;

/// The solution's methods, called by `SizeClasses` with the feature on.
pub(crate) trait SizeClassesSolution {
    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>>;
    /// # Safety
    /// As `SizeClasses::deallocate`.
    unsafe fn deallocate(&mut self, block: NonNull<u8>, layout: Layout);
    fn flush(&mut self);
}

impl<B: Backend> SizeClassesSolution for SizeClasses<B> {
    fn allocate(&mut self, layout: Layout) -> Option<NonNull<u8>> {
        let Some(class) = Self::class_of(layout) else {
            return self.back.allocate(layout);
        };
        match NonNull::new(self.heads[class]) {
            Some(block) => {
                // SAFETY: a listed block is ours and its first word links the next one.
                self.heads[class] = unsafe { block.as_ptr().cast::<*mut u8>().read() };
                self.counts[class] -= 1;
                Some(block)
            }
            None => self.back.allocate(Self::class_layout(class)),
        }
    }

    unsafe fn deallocate(&mut self, block: NonNull<u8>, layout: Layout) {
        let Some(class) = Self::class_of(layout) else {
            // SAFETY: a large block came from the backend with this layout.
            return unsafe { self.back.deallocate(block, layout) };
        };
        if self.counts[class] == LIMIT {
            // SAFETY: small blocks come from the backend with their class layout.
            return unsafe { self.back.deallocate(block, Self::class_layout(class)) };
        }
        // SAFETY: the block is at least one class step (16 bytes) and aligned to it, and
        // no longer the caller's: its first word can hold the link.
        unsafe { block.as_ptr().cast::<*mut u8>().write(self.heads[class]) };
        self.heads[class] = block.as_ptr();
        self.counts[class] += 1;
    }

    fn flush(&mut self) {
        for class in 0..self.heads.len() {
            while let Some(block) = NonNull::new(self.heads[class]) {
                // SAFETY: a listed block is ours; its first word links the next one, and it
                // came from the backend with its class layout.
                unsafe {
                    self.heads[class] = block.as_ptr().cast::<*mut u8>().read();
                    self.back.deallocate(block, Self::class_layout(class));
                }
            }
            self.counts[class] = 0;
        }
    }
}
