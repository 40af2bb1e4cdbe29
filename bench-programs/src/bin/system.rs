//! The programs with the system allocator (glibc's `malloc`), Rust's default.

fn main() -> std::process::ExitCode {
    bench_programs::main()
}
