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
//! The whole region is one level-1 table that nothing else maps into, so
//! [`GuardPages`] edits its entries directly, under the lock of whoever owns
//! it (`allocator::kfence`), never under the memory lock: a sampled
//! allocation or free may run in an interrupt handler on a CPU whose
//! neighbour holds the memory lock while it waits for that very CPU.
//!
//! A freed slot is flushed from this CPU's TLB only, as Linux's KFENCE does:
//! a free may run anywhere, and a shootdown there would wait for CPUs that
//! may be waiting for it. Another CPU may keep the old translation a while,
//! which can only hide a use-after-free on that CPU: the translation still
//! leads to the slot's own frame, which nothing else ever gets.
//!
//! A fault let through after its report (`kfence::set_continue`) maps the
//! page for good: a guard page onto one scratch frame all of them share.

use super::page_walk::read_entry;
use super::{Memory, MEMORY, PAGE_SIZE};
use x86_64::instructions::tlb;
use x86_64::registers::control::Cr3;
use x86_64::structures::paging::{Mapper, Page, PageTable, PageTableFlags, PhysFrame, Size4KiB};
use x86_64::VirtAddr;

/// Lowest address of the pool.
pub const GUARD_POOL_START: u64 = 0xffff_a100_0000_0000;
/// Bytes of address space the pool spans: one level-1 table's worth.
pub const GUARD_POOL_SIZE: u64 = 512 * PAGE_SIZE;
/// Objects the pool holds at once.
pub const SLOTS: usize = 255;
/// Page tables the pool needs: its level 3, level 2 and level 1.
pub const GUARD_POOL_TABLE_PAGES: usize = 3;

/// The pool's pages: its level-1 table and the frames it maps. Taken once
/// by the pool's owner ([`take_pages`]), which serializes every edit.
pub struct GuardPages {
    /// The level-1 table covering [`GUARD_POOL_START`], the pool's alone.
    table: &'static mut PageTable,
    /// The frame under each slot's page.
    frames: [PhysFrame; SLOTS],
    /// The frame a guard page is mapped onto once a fault there is let through.
    scratch: PhysFrame,
}

/// Whether `address` lies in the pool's region.
pub fn contains(address: u64) -> bool {
    (GUARD_POOL_START..GUARD_POOL_START + GUARD_POOL_SIZE).contains(&address)
}

/// The start of slot `slot`'s page.
pub fn slot_page(slot: usize) -> u64 {
    GUARD_POOL_START + (2 * slot as u64 + 1) * PAGE_SIZE
}

/// Takes a frame for every slot and the scratch frame, and creates the
/// pool's page tables (by mapping slot 0 once), leaving every page
/// unmapped. Only the boot CPU runs, so a local flush is a full one.
pub(super) fn init(memory: &mut Memory) {
    let mut take = || memory.frames.allocate().expect("frames for the guard pool");
    let scratch = take();
    let frames = [(); SLOTS].map(|()| take());
    memory
        .check_tables(GUARD_POOL_START..GUARD_POOL_START + GUARD_POOL_SIZE)
        .expect("the page-table budget covers the guard pool");
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(slot_page(0)));
    // SAFETY: the pool's region is unused (level-4 entry 322 is reserved for
    // it) and `scratch` is the pool's own frame.
    unsafe {
        memory
            .mapper
            .map_to(page, scratch, flags(), &mut memory.tables)
    }
    .expect("the guard pool's tables are created")
    .flush();
    let (_, flush) = memory.mapper.unmap(page).expect("slot 0 was just mapped");
    flush.flush();
    let table = level_1_table(memory);
    memory.guard_pages = Some(GuardPages {
        table,
        frames,
        scratch,
    });
}

/// Hands the pool's pages to their owner; `None` before `memory::init` or
/// once taken.
pub fn take_pages() -> Option<GuardPages> {
    MEMORY.lock().as_mut()?.guard_pages.take()
}

impl GuardPages {
    /// Maps slot `slot`'s page onto its frame (it may be mapped already: a
    /// fault let through after its free left it so).
    pub fn map_slot(&mut self, slot: usize) {
        self.map(slot_page(slot), self.frames[slot]);
    }

    /// Unmaps slot `slot`'s page and makes this CPU forget it (see the module
    /// header for why only this one).
    pub fn unmap_slot(&mut self, slot: usize) {
        let address = slot_page(slot);
        let entry = &mut self.table[index_of(address)];
        assert!(!entry.is_unused(), "guard-pool slot {slot} was not mapped");
        entry.set_unused();
        tlb::flush(VirtAddr::new(address));
    }

    /// Maps the pool page holding `address` so an access there goes on after
    /// its report: a slot's page onto the slot's frame, a guard page onto the
    /// scratch frame every guard page shares. Idempotent.
    pub fn map_for_access(&mut self, address: u64) {
        let page = (address - GUARD_POOL_START) / PAGE_SIZE;
        let slot = (page / 2) as usize;
        let frame = match page % 2 == 1 && slot < SLOTS {
            true => self.frames[slot],
            false => self.scratch,
        };
        self.map(address, frame);
    }

    /// Maps the page holding `address` onto `frame` unless it is mapped. A
    /// TLB never holds an entry that is not present, so nothing is flushed.
    fn map(&mut self, address: u64, frame: PhysFrame) {
        let entry = &mut self.table[index_of(address)];
        if entry.is_unused() {
            entry.set_frame(frame, flags());
        }
    }
}

/// Writable, not executable: data only.
fn flags() -> PageTableFlags {
    PageTableFlags::PRESENT | PageTableFlags::WRITABLE | PageTableFlags::NO_EXECUTE
}

/// The level-1 index of the pool page holding `address`.
fn index_of(address: u64) -> usize {
    usize::from(VirtAddr::new(address).p1_index())
}

/// The level-1 table under the pool, found by walking its level-4, 3 and 2
/// entries through the physical-memory window.
fn level_1_table(memory: &Memory) -> &'static mut PageTable {
    let start = VirtAddr::new(GUARD_POOL_START);
    let mut table = Cr3::read().0.start_address();
    for index in [start.p4_index(), start.p3_index(), start.p2_index()] {
        // SAFETY: `table` is a live table of the active hierarchy, mapped in
        // the physical-memory window, and the pool's entries were just created.
        table = unsafe { read_entry(memory.physical_memory, table, index) }.addr();
    }
    // SAFETY: this level-1 table maps the pool's region only, and after
    // `init` nothing but the one `GuardPages` edits it.
    unsafe { &mut *(memory.physical_memory + table.as_u64()).as_mut_ptr() }
}
