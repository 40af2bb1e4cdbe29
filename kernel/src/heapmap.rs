//! Heap maps: every chunk of the kernel heap, and which of its pages have a
//! frame behind them, printed over serial for the host to draw.
//!
//! Built with the `heapmap` feature (`make run HEAPMAP=1`), the main job
//! prints a map after the heap has grown, after half of its blocks were freed
//! and after the trim; `boot heapmap` turns each map into an SVG. The format
//! has one record per line, addresses in hex and sizes in bytes:
//!
//! ```text
//!   heapmap begin grown                                    label (a file name)
//!   heapmap arena 0xffffa00000000000 0xffffa00002000000    base, acme
//!   heapmap chunk 0xffffa00000000000 48 used               base, size, used|free
//!   heapmap chunk 0xffffa00000000030 4072 free
//!   …                                                      chunks in address order
//!   heapmap mapped 0xffffa00000000000 0xffffa00000e35000   a run of mapped pages:
//!   …                                                      first page, end of the last
//!   heapmap end
//! ```
//!
//! A page of the arena that no `mapped` run covers has no frame behind it:
//! committed but never touched, or given back by trim.
//!
//! The heap lock is held for the whole map, so the map is one consistent
//! snapshot (and interrupts stay off meanwhile). Nothing here allocates, which
//! it must not do under the heap lock: each line goes straight from the chunk
//! walk to the serial port. The mapped pages are looked up under the memory
//! lock, taken after the heap lock as `trim` does.

use crate::allocator::HEAP;
use crate::memory::{zeroed::mapped_pages, PAGE_SIZE};
use crate::serial_println;
use heap::Span;

/// Pages looked up per hold of the memory lock (one bit each in `mapped_pages`).
const LOOKUP: usize = 64;

/// Prints the map of the heap, named `label`, over serial.
///
/// `label` names the SVG the host writes (`<label>.svg`), so it should be a
/// plain word: letters, digits, `-` and `_`.
pub fn print(label: &str) {
    let heap = HEAP.heap().lock();
    serial_println!("heapmap begin {label}");
    for arena in heap.arenas() {
        serial_println!(
            "heapmap arena {:#x} {:#x}",
            arena.base().addr(),
            arena.acme().addr()
        );
        for chunk in heap.chunks().filter(|chunk| chunk.arena == arena) {
            let state = if chunk.allocated { "used" } else { "free" };
            serial_println!(
                "heapmap chunk {:#x} {} {state}",
                chunk.base.addr(),
                chunk.size
            );
        }
        print_mapped(arena);
    }
    serial_println!("heapmap end");
}

/// Prints one `heapmap mapped` line per run of mapped pages of `arena`.
fn print_mapped(arena: Span) {
    let page = PAGE_SIZE as usize;
    let first = arena.base().addr() & !(page - 1);
    let end = arena.acme().addr().next_multiple_of(page);
    let mut run_start = None;
    for group in (first..end).step_by(page * LOOKUP) {
        let pages = ((end - group) / page).min(LOOKUP);
        let mapped = mapped_pages(group, pages);
        for index in 0..pages {
            let address = group + index * page;
            match (mapped & 1 << index != 0, run_start) {
                (true, None) => run_start = Some(address),
                (false, Some(start)) => {
                    serial_println!("heapmap mapped {start:#x} {address:#x}");
                    run_start = None;
                }
                _ => {}
            }
        }
    }
    if let Some(start) = run_start {
        serial_println!("heapmap mapped {start:#x} {end:#x}");
    }
}
