//! The heap's and the memory system's counters as a table a person reads:
//! one row per counter, one column per moment.
//!
//! ```text
//!   counter                      start      grown    trimmed
//!   allocated bytes                 16    8104345        272
//!   …
//! ```

use crate::allocator::HEAP;
use crate::memory::MemoryReport;
use crate::serial_println;
use heap::Counters;

/// The counters at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    heap: Counters,
    cached_blocks: usize,
    memory: MemoryReport,
}

impl Snapshot {
    /// The counters now (takes the heap and memory locks briefly).
    pub fn now() -> Self {
        let heap = HEAP.heap().lock().counters();
        Self {
            heap,
            cached_blocks: HEAP.counters().cached_blocks(),
            memory: MemoryReport::now(),
        }
    }

    /// Every counter with its name, in table order.
    fn rows(&self) -> [(&'static str, u64); 17] {
        let [allocated, peak, arena, free, chunks, largest, live, total] = heap_rows(&self.heap);
        let m = &self.memory;
        [
            allocated,
            peak,
            arena,
            free,
            chunks,
            largest,
            live,
            ("blocks in CPU caches", self.cached_blocks as u64),
            total,
            ("committed bytes", m.committed_bytes),
            ("mapped pages", m.mapped_pages),
            ("page faults served", m.page_faults),
            ("extends", m.extends),
            ("extends refused", m.refused_commits),
            ("pages discarded", m.discarded_pages),
            ("free frames", m.free_frames),
            ("reserved frames", m.reserved_frames),
        ]
    }
}

/// The boundary-tag heap's own counters with their names, in table order.
pub fn heap_rows(h: &Counters) -> [(&'static str, u64); 8] {
    [
        ("allocated bytes", h.allocated_bytes as u64),
        ("peak allocated bytes", h.peak_allocated_bytes as u64),
        ("arena bytes", h.claimed_bytes as u64),
        ("free bytes", h.free_bytes as u64),
        ("free chunks", h.free_chunks as u64),
        ("largest free chunk", h.largest_free_chunk as u64),
        ("live blocks", h.live_allocations as u64),
        ("allocations so far", h.total_allocations),
    ]
}

/// Prints `columns` (a heading and a snapshot each) side by side.
pub fn print(columns: &[(&str, Snapshot)]) {
    let mut header = alloc::format!("  {:<22}", "counter");
    for (heading, _) in columns {
        header.push_str(&alloc::format!(" {heading:>12}"));
    }
    serial_println!("{header}");
    let rows: alloc::vec::Vec<_> = columns
        .iter()
        .map(|(_, snapshot)| snapshot.rows())
        .collect();
    let Some(names) = rows.first() else {
        return;
    };
    for (index, (name, _)) in names.iter().enumerate() {
        let mut line = alloc::format!("  {name:<22}");
        for column in &rows {
            line.push_str(&alloc::format!(" {:>12}", column[index].1));
        }
        serial_println!("{line}");
    }
}

/// Prints the heap's state after a panic: the last failed layout and the
/// counters, when the heap lock is free (it may be held by the panicking code).
pub fn report_after_panic() {
    if let Some(layout) = crate::allocator::last_failure() {
        serial_println!(
            "last failed allocation: {} bytes, align {}",
            layout.size(),
            layout.align()
        );
    }
    match HEAP.heap().try_lock() {
        Some(heap) => {
            // One line per counter, formatted straight to the UART: nothing here may
            // allocate, since the heap itself may be why the kernel panicked.
            serial_println!("heap counters:");
            for (name, value) in heap_rows(&heap.counters()) {
                serial_println!("  {name:<22} {value:>12}");
            }
        }
        None => serial_println!("heap counters: unavailable (the heap lock is held)"),
    }
}
