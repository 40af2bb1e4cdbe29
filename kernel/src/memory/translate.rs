//! Translating a virtual address with the kernel's own mapper (`OffsetPageTable`), under
//! the memory lock: the answer the page-walk exercise is checked against.

use super::MEMORY;
use x86_64::structures::paging::mapper::{MappedFrame, Translate, TranslateResult};
use x86_64::{PhysAddr, VirtAddr};

/// The physical address `virt` maps to and the size of the page that maps it, or `None`.
///
/// Panics before `memory::init`.
pub fn translate(virt: VirtAddr) -> Option<(PhysAddr, u64)> {
    let memory = MEMORY.lock();
    let memory = memory.as_ref().expect("memory::init ran");
    match memory.mapper.translate(virt) {
        TranslateResult::Mapped { frame, offset, .. } => {
            let size = match frame {
                MappedFrame::Size4KiB(_) => 4096,
                MappedFrame::Size2MiB(_) => 2 << 20,
                MappedFrame::Size1GiB(_) => 1 << 30,
            };
            Some((frame.start_address() + offset, size))
        }
        TranslateResult::NotMapped | TranslateResult::InvalidFrameAddress(_) => None,
    }
}
