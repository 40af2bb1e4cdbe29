//! The guard-page pool's region: one page per sampled object, each between
//! unmapped guard pages, backed by frames taken once at boot.
//!
//! ```text
//!   0xffff_a100_0000_0000  GUARD_POOL_START (level-4 entry 322), 2 MiB
//!   page:  0     1       2     3       4   ...  509       510
//!        | g | slot 0 | g | slot 1 | g | ... | slot 254 | g |  (511 unused)
//!   g: never mapped. A slot's page is mapped while its object lives and
//!   unmapped once it is freed; its frame stays reserved for it, so mapping
//!   it again never takes a frame or a table.
//! ```
//!
//! A freed slot is flushed from this CPU's TLB only, as Linux's KFENCE does:
//! a free may run anywhere (an interrupt handler, a CPU that holds locks),
//! and a shootdown there would wait for CPUs that may be waiting for it.
//! Another CPU may keep the old translation a while, which can only hide a
//! use-after-free on that CPU: the translation still leads to the slot's own
//! frame, which nothing else ever gets.
//!
//! A fault let through after its report (`kfence::set_continue`) maps the
//! page for good: a guard page onto one scratch frame all of them share.
//!
//! Which object a slot holds, and the sampling policy, belong to
//! `allocator::kfence`; this module only maps and unmaps the slots' pages.

use super::{Memory, MEMORY, PAGE_SIZE};
use x86_64::structures::paging::mapper::MapToError;
use x86_64::structures::paging::{Mapper, Page, PageTableFlags, PhysFrame, Size4KiB};
use x86_64::VirtAddr;

/// Lowest address of the pool.
pub const GUARD_POOL_START: u64 = 0xffff_a100_0000_0000;
/// Bytes of address space the pool spans: one level-1 table's worth.
pub const GUARD_POOL_SIZE: u64 = 512 * PAGE_SIZE;
/// Objects the pool holds at once.
pub const SLOTS: usize = 255;
/// Page tables the pool needs: its level 3, level 2 and level 1.
pub const GUARD_POOL_TABLE_PAGES: usize = 3;

/// The frames under the slots' pages, in `Memory` (slot order).
pub(super) type SlotFrames = [Option<PhysFrame>; SLOTS];

/// Whether `address` lies in the pool's region.
pub fn contains(address: u64) -> bool {
    (GUARD_POOL_START..GUARD_POOL_START + GUARD_POOL_SIZE).contains(&address)
}

/// The start of slot `slot`'s page.
pub fn slot_page(slot: usize) -> u64 {
    GUARD_POOL_START + (2 * slot as u64 + 1) * PAGE_SIZE
}

/// Takes a frame for every slot and creates the pool's page tables (by
/// mapping every slot once), leaving every slot unmapped. Only the boot CPU
/// runs, so a local flush is a full one.
pub(super) fn init(memory: &mut Memory) {
    memory.guard_scratch = memory.frames.allocate();
    memory
        .check_tables(GUARD_POOL_START..GUARD_POOL_START + GUARD_POOL_SIZE)
        .expect("the page-table budget covers the guard pool");
    for slot in 0..SLOTS {
        let frame = memory
            .frames
            .allocate()
            .expect("a frame for every guard-pool slot");
        memory.guard_frames[slot] = Some(frame);
        map_fresh(memory, slot);
        let page = Page::<Size4KiB>::containing_address(VirtAddr::new(slot_page(slot)));
        let (_, flush) = memory.mapper.unmap(page).expect("the slot was just mapped");
        flush.flush();
    }
}

/// Maps slot `slot`'s page onto its frame, writable, not executable (it may
/// be mapped already: a fault let through after its free left it so).
pub fn map_slot(slot: usize) {
    let mut memory = MEMORY.lock();
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(slot_page(slot)));
    let memory = memory.as_mut().expect("memory::init ran");
    let frame = memory.guard_frames[slot].expect("guard-pool frames are taken at init");
    map(memory, page, frame);
}

/// Maps the pool page holding `address` so an access there goes on after
/// its report: a slot's page onto the slot's frame, a guard page onto the
/// scratch frame every guard page shares. Idempotent.
pub fn map_for_access(address: u64) {
    let offset = (address - GUARD_POOL_START) / PAGE_SIZE;
    if offset % 2 == 1 && (offset / 2) < SLOTS as u64 {
        return map_slot((offset / 2) as usize);
    }
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("memory::init ran");
    let frame = memory
        .guard_scratch
        .expect("the scratch frame is taken at init");
    map(
        memory,
        Page::containing_address(VirtAddr::new(address)),
        frame,
    );
}

/// Unmaps slot `slot`'s page (mapped) and makes this CPU forget it (see the
/// module header for why only this one).
pub fn unmap_slot(slot: usize) {
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(slot_page(slot)));
    let mut memory = MEMORY.lock();
    let memory = memory.as_mut().expect("memory::init ran");
    let (_, flush) = memory
        .mapper
        .unmap(page)
        .unwrap_or_else(|error| panic!("guard-pool slot {slot} was not mapped: {error:?}"));
    flush.flush();
}

fn map_fresh(memory: &mut Memory, slot: usize) {
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(slot_page(slot)));
    let frame = memory.guard_frames[slot].expect("guard-pool frames are taken at init");
    map(memory, page, frame);
}

/// Maps `page` onto `frame` unless it is mapped already.
fn map(memory: &mut Memory, page: Page<Size4KiB>, frame: PhysFrame) {
    let flags = PageTableFlags::PRESENT | PageTableFlags::WRITABLE | PageTableFlags::NO_EXECUTE;
    // SAFETY: the pool's pages map only the pool's own frames: a slot's or
    // the guard pages' scratch frame, which nothing else uses.
    match unsafe { memory.mapper.map_to(page, frame, flags, &mut memory.tables) } {
        Ok(flush) => flush.flush(),
        Err(MapToError::PageAlreadyMapped(_)) => {}
        Err(error) => panic!(
            "mapping guard-pool page {:#x} failed: {error:?}",
            page.start_address()
        ),
    }
}
