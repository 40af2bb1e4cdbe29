//! The programs with our heap behind per-thread magazines (the kernel's per-CPU caches, one
//! slot per thread) as the global allocator, growing inside an `mmap` reservation.

use heap::{MmapGrow, SpinCachedHeap, ThreadCpu};

#[global_allocator]
static HEAP: SpinCachedHeap<MmapGrow, ThreadCpu, 64> = SpinCachedHeap::new(MmapGrow::new(64 << 30));

fn main() -> std::process::ExitCode {
    bench_programs::main()
}
