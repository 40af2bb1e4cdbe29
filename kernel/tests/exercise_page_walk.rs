//! Exercise 3, the page walk by hand (`kernel/src/exercises/walk.rs`). Every check walks
//! the active tables, compared with the kernel's mapper, and tables the check builds
//! itself with answers known by construction, which no mapper of the kernel knows: a walk
//! that asks a mapper instead of reading the tables fails them all. Built only with the
//! `exercises` feature (`make grade`).
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;
use kernel::exercises::walk::{walk, Walked};
use kernel::memory::{self, translate::translate};
use x86_64::registers::control::Cr3;
use x86_64::structures::paging::{PageTable, PageTableFlags as Flags};
use x86_64::{PhysAddr, VirtAddr};

kernel::test_kernel!();

const KIB_4: u64 = 4096;
const MIB_2: u64 = 2 << 20;
const GIB_1: u64 = 1 << 30;

/// The walk's answer for `virt` in the active tables must be the mapper's.
fn agrees(what: &str, virt: VirtAddr) {
    let root = Cr3::read().0.start_address();
    let walked = walk(root, virt).unwrap_or_else(|not_done| panic!("{not_done}"));
    let expected = translate(virt).map(|(physical, page_size)| Walked {
        physical,
        page_size,
    });
    assert_eq!(
        walked, expected,
        "{what} at {virt:?}: the walk and the mapper disagree"
    );
}

/// The virtual address with these table indexes and page offset (lower half).
fn virt(indexes: [u64; 4], offset: u64) -> VirtAddr {
    let [l4, l3, l2, l1] = indexes;
    VirtAddr::new(l4 << 39 | l3 << 30 | l2 << 21 | l1 << 12 | offset)
}

/// Page tables built on the heap, not loaded in CR3:
///
/// ```text
///   L4[1] ─▶ L3[2] ─▶ L2[3] ─▶ L1[4] 4 KiB at 0x1234_5000, L1[5] the same with bit 7 (PAT)
///            │        L2[6] 2 MiB at 0x4060_0000 (HUGE_PAGE)
///            L3[7] 1 GiB at 0x80_4000_0000 (HUGE_PAGE)
///   absent: L4[2], L2[8], L1[9]
/// ```
struct Fake {
    tables: Vec<Box<PageTable>>,
}

impl Fake {
    fn build() -> Self {
        let mut tables: Vec<Box<PageTable>> = (0..4).map(|_| Box::new(PageTable::new())).collect();
        let physical: Vec<PhysAddr> = tables
            .iter()
            .map(|table| {
                translate(VirtAddr::from_ptr(&**table))
                    .expect("a heap page")
                    .0
            })
            .collect();
        let table = Flags::PRESENT | Flags::WRITABLE;
        let huge = table | Flags::HUGE_PAGE;
        tables[0][1].set_addr(physical[1], table);
        tables[1][2].set_addr(physical[2], table);
        tables[1][7].set_addr(PhysAddr::new(0x80_4000_0000), huge);
        tables[2][3].set_addr(physical[3], table);
        tables[2][6].set_addr(PhysAddr::new(0x4060_0000), huge);
        tables[3][4].set_addr(PhysAddr::new(0x1234_5000), table);
        tables[3][5].set_addr(PhysAddr::new(0x1234_6000), huge);
        Self { tables }
    }

    fn walk(&self, virt: VirtAddr) -> Option<Walked> {
        let root = translate(VirtAddr::from_ptr(&*self.tables[0]))
            .expect("a heap page")
            .0;
        walk(root, virt).unwrap_or_else(|not_done| panic!("{not_done}"))
    }

    fn expect(&self, virt: VirtAddr, physical: u64, page_size: u64) {
        let expected = Walked {
            physical: PhysAddr::new(physical),
            page_size,
        };
        assert_eq!(
            self.walk(virt),
            Some(expected),
            "{virt:?} in the check's own tables (not the active ones)"
        );
    }
}

#[test_case]
fn four_kib_pages_translate() {
    let block = Box::new([7u64; 64]);
    agrees("a heap block", VirtAddr::from_ptr(&block[40]));
    let fake = Fake::build();
    fake.expect(virt([1, 2, 3, 4], 0x567), 0x1234_5567, KIB_4);
    fake.expect(virt([1, 2, 3, 5], 0xabc), 0x1234_6abc, KIB_4);
}

#[test_case]
fn two_mib_pages_translate() {
    for physical in [0x1000u64, 0x0123_4567, 0x0800_0000] {
        agrees(
            "the physical-memory window",
            memory::physical_memory() + physical,
        );
    }
    let fake = Fake::build();
    fake.expect(
        virt([1, 2, 6, 0x91], 0x456),
        0x4060_0000 + (0x91 << 12) + 0x456,
        MIB_2,
    );
}

#[test_case]
fn one_gib_pages_kernel_code_and_the_stack_translate() {
    agrees("kernel code", VirtAddr::new(agrees as *const () as u64));
    let local = 5u64;
    agrees("the stack", VirtAddr::from_ptr(&local));
    let fake = Fake::build();
    let offset = (0x123 << 21) + (0x45 << 12) + 0x678;
    fake.expect(
        virt([1, 7, 0x123, 0x45], 0x678),
        0x80_4000_0000 + offset,
        GIB_1,
    );
}

#[test_case]
fn unmapped_addresses_are_none() {
    let beyond = memory::HEAP_WINDOW_START + (512 << 20);
    for virt in [
        VirtAddr::new(0),
        VirtAddr::new(beyond),
        VirtAddr::new(0x0000_7000_0000_0000),
    ] {
        agrees("an unmapped address", virt);
    }
    let fake = Fake::build();
    for (what, virt) in [
        ("level 4", virt([2, 2, 3, 4], 0)),
        ("level 2", virt([1, 2, 8, 4], 0)),
        ("level 1", virt([1, 2, 3, 9], 0)),
    ] {
        assert_eq!(
            fake.walk(virt),
            None,
            "{virt:?}: its {what} entry is absent"
        );
    }
}
