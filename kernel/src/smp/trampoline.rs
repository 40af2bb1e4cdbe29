//! The real-mode trampoline an application processor starts in.
//!
//! A startup IPI starts a CPU in 16-bit real mode at `page * 4096`, below
//! 1 MiB. The trampoline climbs from there to long mode and calls the kernel:
//!
//! ```text
//!   base + 0x0000  code: real mode ─lgdt, PE─► protected mode ─PAE, CR3, EFER.LME|NXE,
//!                  PG─► long mode (identity-mapped here) ─► call entry(cpu) on `stack`
//!                  data: GDT (32-bit code/data, 64-bit code), CR3, stack, cpu, entry
//!   base + 0x1000  level 4: entry 0 → level 3, entries 256-511 = the kernel's own
//!   base + 0x2000  level 3: entry 0 → level 2
//!   base + 0x3000  level 2: entry 0 = 2 MiB page at 0 (identity, covers the trampoline)
//! ```
//!
//! The code only uses differences of its own labels, so it runs wherever it is
//! copied; the four absolute addresses it needs are patched into the copy
//! (`tr_far32`, `tr_base`, `tr_far64`, the GDT pointer's base).

use core::arch::global_asm;
use x86_64::registers::control::Cr3;
use x86_64::VirtAddr;

/// Pages the trampoline occupies from its base: the code and three tables.
pub const PAGES: u64 = 4;

global_asm!(
    ".section .text.ap_trampoline, \"ax\"",
    ".global ap_tr_start",
    ".global ap_tr_end",
    ".global ap_tr_far32",
    ".global ap_tr_base",
    ".global ap_tr_far64",
    ".global ap_tr_gdt",
    ".global ap_tr_gdtr",
    ".global ap_tr_protected",
    ".global ap_tr_long",
    ".global ap_tr_cr3",
    ".global ap_tr_stack",
    ".global ap_tr_cpu",
    ".global ap_tr_entry",
    ".code16",
    "ap_tr_start:",
    "    cli",
    "    cld",
    "    mov %cs, %ax",
    "    mov %ax, %ds",
    "    lgdt (ap_tr_gdtr - ap_tr_start)",
    "    mov %cr0, %eax",
    "    or $1, %eax",
    "    mov %eax, %cr0",
    "    .byte 0x66, 0xea",
    "ap_tr_far32:",
    "    .long 0",
    "    .word 0x08",
    ".code32",
    "ap_tr_protected:",
    "    mov $0x10, %ax",
    "    mov %ax, %ds",
    "    mov %ax, %es",
    "    mov %ax, %ss",
    "    .byte 0xbb",
    "ap_tr_base:",
    "    .long 0",
    "    mov %cr4, %eax",
    "    or $0x20, %eax",
    "    mov %eax, %cr4",
    "    mov (ap_tr_cr3 - ap_tr_start)(%ebx), %eax",
    "    mov %eax, %cr3",
    "    mov $0xc0000080, %ecx",
    "    rdmsr",
    "    or $0x900, %eax",
    "    wrmsr",
    "    mov %cr0, %eax",
    "    and $0x9fffffff, %eax",
    "    or $0x80010000, %eax",
    "    mov %eax, %cr0",
    "    .byte 0xea",
    "ap_tr_far64:",
    "    .long 0",
    "    .word 0x18",
    ".code64",
    "ap_tr_long:",
    "    mov (ap_tr_stack - ap_tr_start)(%rbx), %rsp",
    "    mov (ap_tr_cpu - ap_tr_start)(%rbx), %rdi",
    "    mov (ap_tr_entry - ap_tr_start)(%rbx), %rax",
    "    call *%rax",
    "    ud2",
    ".balign 8",
    "ap_tr_gdt:",
    "    .quad 0",
    "    .quad 0x00cf9a000000ffff",
    "    .quad 0x00cf92000000ffff",
    "    .quad 0x00af9a000000ffff",
    "ap_tr_gdtr:",
    "    .word ap_tr_gdtr - ap_tr_gdt - 1",
    "    .long 0",
    ".balign 8",
    "ap_tr_cr3:",
    "    .quad 0",
    "ap_tr_stack:",
    "    .quad 0",
    "ap_tr_cpu:",
    "    .quad 0",
    "ap_tr_entry:",
    "    .quad 0",
    "ap_tr_end:",
    ".text",
    options(att_syntax)
);

unsafe extern "C" {
    static ap_tr_start: u8;
    static ap_tr_end: u8;
    static ap_tr_far32: u8;
    static ap_tr_base: u8;
    static ap_tr_far64: u8;
    static ap_tr_gdt: u8;
    static ap_tr_gdtr: u8;
    static ap_tr_protected: u8;
    static ap_tr_long: u8;
    static ap_tr_cr3: u8;
    static ap_tr_stack: u8;
    static ap_tr_cpu: u8;
    static ap_tr_entry: u8;
}

/// Offset of a trampoline label from its start.
fn offset(label: *const u8) -> usize {
    label.addr() - (&raw const ap_tr_start).addr()
}

/// The copy of the trampoline at a low physical address.
pub struct Trampoline {
    /// Its physical base (page-aligned, below 1 MiB).
    base: u64,
    /// The base, through the physical-memory window.
    bytes: *mut u8,
}

impl Trampoline {
    /// Copies the trampoline and its page tables to physical `base` and
    /// patches the addresses, for CPUs that will call `entry`.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the [`PAGES`] pages at `base` must be
    /// memory nobody else uses, below 1 MiB, mapped at `physical_memory + base`.
    pub unsafe fn install(
        base: u64,
        physical_memory: VirtAddr,
        entry: extern "C" fn(u64) -> !,
    ) -> Self {
        let bytes: *mut u8 = (physical_memory + base).as_mut_ptr();
        let code = &raw const ap_tr_start;
        let len = offset(&raw const ap_tr_end);
        assert!(len <= 4096, "the trampoline outgrew its page ({len} bytes)");
        let this = Self { base, bytes };
        // SAFETY: the caller hands over PAGES pages at `bytes`; the code is
        // `len` bytes of the kernel image.
        unsafe {
            bytes.write_bytes(0, (PAGES * 4096) as usize);
            core::ptr::copy_nonoverlapping(code, bytes, len);
        }
        let base32 = u32::try_from(base).expect("the trampoline lies below 1 MiB");
        this.patch_u32(
            &raw const ap_tr_far32,
            base32 + offset(&raw const ap_tr_protected) as u32,
        );
        this.patch_u32(&raw const ap_tr_base, base32);
        this.patch_u32(
            &raw const ap_tr_far64,
            base32 + offset(&raw const ap_tr_long) as u32,
        );
        this.patch_u32(
            (&raw const ap_tr_gdtr).wrapping_add(2),
            base32 + offset(&raw const ap_tr_gdt) as u32,
        );
        this.patch_u64(&raw const ap_tr_cr3, base + 0x1000);
        this.patch_u64(&raw const ap_tr_entry, entry as usize as u64);
        // SAFETY: the three table pages follow the code page.
        unsafe { this.build_tables(physical_memory) };
        this
    }

    /// The startup IPI's page number.
    pub fn page(&self) -> u8 {
        u8::try_from(self.base / 4096).expect("the trampoline lies below 1 MiB")
    }

    /// Sets what the next CPU to start gets: its stack top and its index.
    pub fn hand_over(&self, stack_top: VirtAddr, cpu: usize) {
        self.patch_u64(&raw const ap_tr_stack, stack_top.as_u64());
        self.patch_u64(&raw const ap_tr_cpu, cpu as u64);
    }

    fn patch_u32(&self, label: *const u8, value: u32) {
        // SAFETY: every patched label lies inside the copied code page.
        unsafe {
            self.bytes
                .add(offset(label))
                .cast::<u32>()
                .write_unaligned(value)
        }
    }

    fn patch_u64(&self, label: *const u8, value: u64) {
        // SAFETY: as for `patch_u32`.
        unsafe {
            self.bytes
                .add(offset(label))
                .cast::<u64>()
                .write_unaligned(value)
        }
    }

    /// Level 4 (identity entry 0 plus the kernel's upper half), 3 and 2.
    ///
    /// # Safety
    ///
    /// This function is unsafe because the three pages after the code page
    /// must be the trampoline's, and all physical memory mapped at
    /// `physical_memory`.
    unsafe fn build_tables(&self, physical_memory: VirtAddr) {
        const PRESENT_WRITABLE: u64 = 0b11;
        const HUGE: u64 = 1 << 7;
        let table = |page: u64| {
            self.bytes
                .wrapping_add((page * 4096) as usize)
                .cast::<u64>()
        };
        let kernel_level_4: *const u64 =
            (physical_memory + Cr3::read().0.start_address().as_u64()).as_ptr();
        // SAFETY: the pages are the trampoline's; the kernel's level-4 table
        // is live and mapped through the window.
        unsafe {
            table(1).write((self.base + 0x2000) | PRESENT_WRITABLE);
            core::ptr::copy_nonoverlapping(kernel_level_4.add(256), table(1).add(256), 256);
            table(2).write((self.base + 0x3000) | PRESENT_WRITABLE);
            table(3).write(PRESENT_WRITABLE | HUGE);
        }
    }
}
