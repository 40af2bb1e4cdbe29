//! When `PAGE_TABLE_BUMP` runs out, the next page that needs a new page table
//! must stop the kernel with a panic that names the bump.
#![no_std]
#![no_main]

extern crate alloc;

kernel::must_panic!(
    "page_table_bump::exhaustion_is_reported_by_name",
    "PAGE_TABLE_BUMP is exhausted",
    {
        use kernel::memory::page_tables::PAGE_TABLE_BUMP;
        while PAGE_TABLE_BUMP.take_page().is_some() {}
        // 4 MiB reaches past the level-1 tables mapped so far, so touching it
        // needs a new table.
        let mut block = alloc::vec::Vec::<u8>::with_capacity(4 << 20);
        block.resize(4 << 20, 0xab);
    }
);
