//! The kernel's memory: physical frames, page tables, and the demand-paged
//! heap window the global allocator grows into.
//!
//! ```text
//!   virtual address space                                   level-4 entry
//!   0x0000_0000_0000_0000 ┌──────────────────────────────┐
//!                         │ lower half: unused (the null │ 0-255
//!                         │ page is never mapped)        │
//!   0xffff_8000_0000_0000 ├──────────────────────────────┤
//!                         │ bootloader's dynamic range:  │ 256-319
//!                         │ kernel image (with the       │
//!                         │ PAGE_TABLE_BUMP), stack,     │
//!                         │ boot info, all physical      │
//!                         │ memory                       │
//!   0xffff_a000_0000_0000 ├──────────────────────────────┤ ◄─ HEAP_WINDOW_START
//!                         │ committed arena: mapped page │ 320 (its own entry,
//!                         │ by page on first touch       │  checked unused at
//!                         ├ ─ ─ ─ committed end ─ ─ ─ ─ ─┤  boot)
//!                         │ reserved for growth: a touch │
//!                         │ here is a bug                │
//!   0xffff_a000_4000_0000 ├──────────────────────────────┤ ◄─ window end (1 GiB)
//!                         │ unused                       │
//!   0xffff_a080_0000_0000 ├──────────────────────────────┤ ◄─ MMIO_WINDOW_START
//!                         │ device registers, uncached   │ 321 (1 GiB)
//!   0xffff_a080_4000_0000 ├──────────────────────────────┤ ◄─ DMA_WINDOW_START
//!                         │ DMA buffers (64 MiB)         │
//!   0xffff_a100_0000_0000 ├──────────────────────────────┤ ◄─ GUARD_POOL_START
//!                         │ guard-page pool: sampled     │ 322 (2 MiB,
//!                         │ objects between unmapped     │  `guard_pool`)
//!                         │ guard pages                  │
//!                         ├──────────────────────────────┤
//!                         │ unused                       │ 323-511
//!   0xffff_ffff_ffff_ffff └──────────────────────────────┘
//! ```
//!
//! The heap starts with [`INITIAL_ARENA`] committed. When an allocation does
//! not fit, the heap's `OutOfMemory` hook (`allocator::grow`) commits more of
//! the window (`commit`); nothing is mapped then, but a frame is reserved
//! for every committed page, so a request the machine cannot back fails as an
//! allocation error; so are the page tables those pages will need
//! (`table_budget`). The first write to a new page faults, and
//! [`fault::map_on_demand`] maps the reserved frame there, zeroed. Trimming
//! (`allocator::trim`) gives memory back: the free top of the arena is
//! decommitted and unmapped, and whole pages inside free chunks are
//! [`discard`]ed (unmapped, still committed). This module never reaches into
//! the heap: the allocator layer above it drives both.

pub(crate) mod commit;
pub mod counters;
mod discard;
pub mod dma;
pub mod dma_box;
pub mod dma_buf;
pub mod dma_pool;
pub mod fault;
pub mod fault_rule;
pub mod frames;
pub mod guard_pool;
pub mod guards;
pub mod mmio;
pub mod page_tables;
pub mod page_walk;
mod run;
pub mod table_budget;
pub mod translate;
mod unmap;
pub mod window;
mod window_space;
pub mod zeroed;

pub use crate::arch::PAGE_SIZE;
pub use counters::MemoryReport;
pub use discard::discard;
pub use window::{HEAP_WINDOW_SIZE, HEAP_WINDOW_START, INITIAL_ARENA};

use crate::sync::{level, IrqMutex};
use bootloader_api::BootInfo;
use core::ops::Range;
use frames::FrameAllocator;
use page_tables::BumpTableFrames;
use x86_64::structures::paging::OffsetPageTable;
use x86_64::VirtAddr;

/// Frames and page tables: everything the page-fault path changes, behind one
/// lock that an interrupt can never find taken by its own CPU.
pub struct Memory {
    /// The active page tables.
    mapper: OffsetPageTable<'static>,
    /// Where new page tables come from.
    tables: BumpTableFrames,
    /// Where the pages under the heap come from.
    frames: FrameAllocator,
    /// Where all physical memory is mapped.
    physical_memory: VirtAddr,
    /// Heap pages above the committed end still waiting to be unmapped (see `commit`).
    pending_unmap: Range<u64>,
    /// The highest heap-window address whose page tables are reserved.
    heap_table_top: u64,
    /// The guard pool's pages, until `allocator::kfence` takes them.
    guard_pages: Option<guard_pool::GuardPages>,
}

/// The kernel's memory, set by [`init`].
pub static MEMORY: IrqMutex<level::Memory, Option<Memory>> = IrqMutex::new(None);

/// Runs `f` on the frame allocator, under the memory lock.
///
/// Panics before [`init`].
pub fn with_frames<T>(f: impl FnOnce(&mut FrameAllocator) -> T) -> T {
    let mut memory = MEMORY.lock();
    f(&mut memory.as_mut().expect("memory::init ran").frames)
}

/// Where the bootloader mapped all physical memory (after [`init`]).
pub fn physical_memory() -> VirtAddr {
    MEMORY
        .lock()
        .as_ref()
        .expect("memory::init ran")
        .physical_memory
}

/// Sets up frames (kept by the pool `frame_policy` names) and page tables,
/// arms the stacks' guard pages and checks that the heap window is free
/// (`allocator::init` then claims it).
///
/// Call once, after the IDT is loaded (the heap's first writes fault).
pub fn init(boot_info: &'static BootInfo, frame_policy: frames::FramePolicy) {
    let physical_memory = boot_info
        .physical_memory_offset
        .into_option()
        .map(VirtAddr::new)
        .expect("the bootloader did not map physical memory (BOOTLOADER_CONFIG asks it to)");
    // SAFETY: the bootloader mapped all physical memory at this offset, and
    // this is the only place that builds the tables and the frame allocator.
    let mut memory = unsafe {
        let tables = BumpTableFrames::new(physical_memory);
        let mapper = page_tables::active(physical_memory);
        let frames = FrameAllocator::new(&boot_info.memory_regions, physical_memory, frame_policy);
        Memory {
            mapper,
            tables,
            frames,
            physical_memory,
            pending_unmap: 0..0,
            heap_table_top: HEAP_WINDOW_START,
            guard_pages: None,
        }
    };
    window::assert_unused(&memory.mapper);
    guards::arm(&mut memory, boot_info);
    guard_pool::init(&mut memory);
    let previous = MEMORY.lock().replace(memory);
    assert!(previous.is_none(), "memory::init called twice");
}
