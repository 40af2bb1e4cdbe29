//! The programs with our heap as the global allocator, growing inside an `mmap` reservation.

use heap::{MmapGrow, SpinLockedHeap};

#[global_allocator]
static HEAP: SpinLockedHeap<MmapGrow> = SpinLockedHeap::new(MmapGrow::new(64 << 30));

fn main() -> std::process::ExitCode {
    bench_programs::main()
}
