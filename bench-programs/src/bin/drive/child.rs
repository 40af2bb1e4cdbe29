//! One run of one program binary: its wall time (spawn to exit), its CPU time and peak
//! resident set (from `wait4`'s resource usage, the child's own), and its output.
//!
//! ```text
//!   spawn BINARY PROGRAM DIR... ──► read stdout to the end ──► wait4(pid) ──► Run
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// What one run measured.
pub struct Run {
    /// Seconds from spawn to exit.
    pub wall: f64,
    /// User plus system CPU seconds.
    pub cpu: f64,
    /// Peak resident set, KiB.
    pub rss_kib: f64,
    /// Everything the program printed.
    pub output: Vec<u8>,
}

/// Runs `binary program dirs...` to its end; panics if it fails.
#[allow(clippy::zombie_processes)] // reaped by `wait4`, which also gives its resource usage
pub fn run(binary: &Path, program: &str, dirs: &[PathBuf]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .arg(program)
        .args(dirs)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", binary.display()));
    let mut output = Vec::new();
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_end(&mut output)
        .expect("the program's output");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    let mut status = 0;
    // SAFETY: `rusage` is plain data, fully written by a successful `wait4`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed().as_secs_f64();
    assert!(
        waited == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{} {program} failed (wait status {status:#x})",
        binary.display()
    );
    let seconds = |time: libc::timeval| time.tv_sec as f64 + time.tv_usec as f64 / 1e6;
    Run {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        rss_kib: usage.ru_maxrss as f64,
        output,
    }
}
