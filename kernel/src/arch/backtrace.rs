//! Return addresses of the running code, from the frame-pointer chain (the
//! kernel target builds everything with frame pointers).
//!
//! ```text
//!   rbp ─► [ caller's rbp | return address ] ─► [ its caller's rbp | … ] ─► …
//!          higher addresses: each frame lies above the one it called
//! ```
//!
//! The walk trusts nothing it reads: it stops at a return address outside the
//! kernel image, at a frame that is not above and near the previous one, or
//! when `out` is full. Addresses are reported relative to the image's load
//! offset, so they are the kernel ELF's own addresses (`boot` symbolizes them).

use core::sync::atomic::{AtomicU64, Ordering};

/// Where the bootloader loaded the kernel image, and its length.
static IMAGE_OFFSET: AtomicU64 = AtomicU64::new(0);
static IMAGE_LEN: AtomicU64 = AtomicU64::new(0);

/// A frame bigger than this ends the walk: it is not a real frame.
const MAX_FRAME: u64 = 64 << 10;

/// Records where the kernel image is (`BootInfo::kernel_image_offset` and
/// `kernel_len`); until then walks find nothing.
pub fn set_image(offset: u64, len: u64) {
    IMAGE_OFFSET.store(offset, Ordering::Relaxed);
    IMAGE_LEN.store(len, Ordering::Relaxed);
}

/// The kernel ELF's address of the code at `address` (where it runs now).
pub fn elf_address(address: u64) -> u64 {
    address.wrapping_sub(IMAGE_OFFSET.load(Ordering::Relaxed))
}

/// The running function's frame: its return address is its caller's.
#[inline(always)]
pub fn this_frame() -> u64 {
    let frame: u64;
    // SAFETY: reading the frame-pointer register has no effect.
    unsafe {
        core::arch::asm!("mov {}, rbp", out(reg) frame, options(nomem, nostack, preserves_flags))
    };
    frame
}

/// Fills `out` with the return addresses (ELF addresses) from `frame`
/// outwards, innermost first; returns how many it found. `frame` must be
/// [`this_frame`] of a function still running, so the chain is live.
pub fn return_addresses(mut frame: u64, out: &mut [u64]) -> usize {
    let offset = IMAGE_OFFSET.load(Ordering::Relaxed);
    let image = offset..offset + IMAGE_LEN.load(Ordering::Relaxed);
    let mut found = 0;
    while found < out.len() && frame.is_multiple_of(8) && frame != 0 {
        // SAFETY: `frame` is this function's frame or one the checks below
        // accepted: above the previous one, within `MAX_FRAME` of it, on the
        // same stack, so both words of it are mapped stack memory.
        let (caller_frame, returns_to) = unsafe {
            let words = core::ptr::with_exposed_provenance::<u64>(frame as usize);
            (words.read(), words.add(1).read())
        };
        if !image.contains(&returns_to) {
            break;
        }
        out[found] = elf_address(returns_to);
        found += 1;
        if caller_frame <= frame || caller_frame - frame > MAX_FRAME {
            break;
        }
        frame = caller_frame;
    }
    found
}
