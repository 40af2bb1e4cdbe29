//! The page-table walk that translates the page-table bump's pages: huge
//! pages at levels 3 and 2 map 1 GiB and 2 MiB, bit 7 of a level-1 entry is
//! PAT and not "huge", and a missing entry is reported at its own level.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use kernel::memory;
use kernel::memory::page_walk::{read_entry, translate, NotMapped};
use x86_64::registers::control::Cr3;
use x86_64::structures::paging::{PageTableFlags as Flags, PhysFrame};
use x86_64::{PhysAddr, VirtAddr};

kernel::test_kernel!();

fn physical_memory() -> VirtAddr {
    memory::physical_memory()
}

#[test_case]
fn the_bootloaders_two_mib_mapping_of_physical_memory_translates() {
    let target = 0x0123_4567u64;
    let virt = physical_memory() + target;
    let level_4 = Cr3::read().0.start_address();
    // The bootloader maps physical memory with 2 MiB pages: check that this
    // address really goes through a huge level-2 entry.
    let mut table = level_4;
    for (level, index) in [(4, virt.p4_index()), (3, virt.p3_index())] {
        // SAFETY: CR3 and present entries below it are live tables.
        let entry = unsafe { read_entry(physical_memory(), table, index) };
        assert!(
            !entry.flags().contains(Flags::HUGE_PAGE),
            "level {level} is huge"
        );
        table = entry.addr();
    }
    // SAFETY: as above.
    let level_2 = unsafe { read_entry(physical_memory(), table, virt.p2_index()) };
    assert!(
        level_2.flags().contains(Flags::HUGE_PAGE),
        "not a 2 MiB mapping: {level_2:?}"
    );
    // SAFETY: the active tables are live, physical memory is mapped.
    let walked = unsafe { translate(physical_memory(), level_4, 4, virt) };
    assert_eq!(walked, Ok(PhysAddr::new(target)));
}

/// Three zeroed frames to build tables in: level 3, 2 and 1.
fn scratch_tables() -> [PhysAddr; 3] {
    let physical_memory = physical_memory();
    memory::with_frames(|frames| {
        core::array::from_fn(|_| {
            let frame = frames.allocate().expect("a frame for a scratch table");
            let bytes: *mut u8 = (physical_memory + frame.start_address().as_u64()).as_mut_ptr();
            // SAFETY: the frame was just handed out and is mapped through the window.
            unsafe { bytes.write_bytes(0, 4096) };
            frame.start_address()
        })
    })
}

fn set_entry(table: PhysAddr, index: u16, address: u64, flags: Flags) {
    let entries: *mut u64 = (physical_memory() + table.as_u64()).as_mut_ptr();
    // SAFETY: `table` is one of the scratch frames; index < 512.
    unsafe {
        entries
            .add(usize::from(index))
            .write(address | flags.bits())
    };
}

fn virt(l3: u64, l2: u64, l1: u64, offset: u64) -> VirtAddr {
    VirtAddr::new((l3 << 30) | (l2 << 21) | (l1 << 12) | offset)
}

#[test_case]
fn huge_entries_and_pat_bits_translate_at_every_level() {
    let [level_3, level_2, level_1] = scratch_tables();
    let present = Flags::PRESENT;
    let huge = Flags::PRESENT | Flags::HUGE_PAGE;
    let pat_in_huge_entry = 1 << 12;
    set_entry(level_3, 1, 0x8000_0000, huge);
    set_entry(level_3, 2, level_2.as_u64(), present);
    set_entry(level_2, 5, 0x0060_0000 | pat_in_huge_entry, huge);
    set_entry(level_2, 6, level_1.as_u64(), present);
    // Bit 7 of a level-1 entry is PAT: the entry still maps 4 KiB.
    set_entry(level_1, 9, 0x0012_3000, huge);
    let walk = |virt| {
        // SAFETY: the scratch tables are live tables built above.
        unsafe { translate(physical_memory(), level_3, 3, virt) }
    };
    assert_eq!(
        walk(virt(1, 7, 3, 0x21)),
        Ok(PhysAddr::new(0x8000_0000 + (7 << 21) + (3 << 12) + 0x21))
    );
    assert_eq!(
        walk(virt(2, 5, 300, 0x456)),
        Ok(PhysAddr::new(0x0060_0000 + (300 << 12) + 0x456))
    );
    assert_eq!(walk(virt(2, 6, 9, 0x789)), Ok(PhysAddr::new(0x0012_3789)));
    assert_eq!(walk(virt(3, 0, 0, 0)), Err(NotMapped { level: 3 }));
    assert_eq!(walk(virt(2, 7, 0, 0)), Err(NotMapped { level: 2 }));
    assert_eq!(walk(virt(2, 6, 10, 0)), Err(NotMapped { level: 1 }));
    memory::with_frames(|frames| {
        for table in [level_3, level_2, level_1] {
            // SAFETY: the scratch frames came from this allocator and nothing maps them.
            unsafe { frames.deallocate(PhysFrame::containing_address(table)) };
        }
    });
}
