//! The programs with talc as the global allocator, growing inside an `mmap` reservation
//! (`bench_programs::MmapSource`, the same policy as our heap's `MmapGrow`).

use bench_programs::MmapSource;
use talc::sync::TalcLock;
use talc::DefaultBinning;

#[global_allocator]
static TALC: TalcLock<spin::mutex::SpinMutex<()>, MmapSource, DefaultBinning> =
    TalcLock::new(MmapSource::new(64 << 30));

fn main() -> std::process::ExitCode {
    bench_programs::main()
}
