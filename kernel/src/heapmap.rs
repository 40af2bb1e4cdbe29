//! Heap maps: every chunk of the kernel heap, printed over serial for the host
//! to draw.
//!
//! Built with the `heapmap` feature (`make run HEAPMAP=1`), the main job
//! prints a map after the heap has grown, after half of its blocks were freed
//! and after the trim; `boot heapmap` turns each map into an SVG. The format
//! has one record per line, addresses in hex and sizes in bytes:
//!
//! ```text
//!   heapmap begin grown                                    label (a file name)
//!   heapmap arena 0xffffa00000000000 0xffffa00002400000    base, acme
//!   heapmap chunk 0xffffa00000000000 48 used               base, size, used|free
//!   heapmap chunk 0xffffa00000000030 4072 free
//!   …                                                      chunks in address order
//!   heapmap end
//! ```
//!
//! The heap lock is held for the whole map, so the map is one consistent
//! snapshot (and interrupts stay off meanwhile). Nothing here allocates, which
//! it must not do under the heap lock: each line goes straight from the chunk
//! walk to the serial port.

use crate::allocator::HEAP;
use crate::serial_println;
use heap::Span;

/// Prints the map of the heap, named `label`, over serial.
///
/// `label` names the SVG the host writes (`<label>.svg`), so it should be a
/// plain word: letters, digits, `-` and `_`.
pub fn print(label: &str) {
    let heap = HEAP.heap().lock();
    serial_println!("heapmap begin {label}");
    let mut arena = Span::empty();
    for chunk in heap.chunks() {
        if chunk.arena != arena {
            arena = chunk.arena;
            serial_println!(
                "heapmap arena {:#x} {:#x}",
                arena.base().addr(),
                arena.acme().addr()
            );
        }
        let state = if chunk.allocated { "used" } else { "free" };
        serial_println!(
            "heapmap chunk {:#x} {} {state}",
            chunk.base.addr(),
            chunk.size
        );
    }
    serial_println!("heapmap end");
}
