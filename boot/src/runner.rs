//! Cargo's `runner`: deciding how to boot an executable cargo hands over.
//!
//! ```text
//!   target/x86_64-target/debug/kernel                  ─▶ like `boot run`: no timeout,
//!                                                         extra arguments go to QEMU
//!   target/x86_64-target/debug/deps/basic_boot-1f2e3d  ─▶ a test: test timeout,
//!                                                         libtest arguments ignored
//!   UEFI=1 in the environment                          ─▶ boot through UEFI instead of BIOS
//!   SMP=n in the environment                           ─▶ n virtual CPUs (default 1)
//!   a test that needs a disk (kernel_tests::disk), or a run ─▶ a fresh scratch disk
//! ```

use crate::accel::Accelerator;
use crate::cli::RunnerArgs;
use crate::disk::Disk;
use crate::image::Firmware;
use crate::input::Input;
use crate::kernel_tests;
use crate::net::Network;
use crate::scripted;
use crate::session::{BootRequest, DEFAULT_MEMORY_MIB};
use std::ffi::OsStr;
use std::path::Path;

/// The boot cargo asked for: a test executable is judged like a test, anything else is run.
pub fn request(args: RunnerArgs) -> BootRequest {
    let uefi = std::env::var_os("UEFI").is_some_and(|value| value == "1");
    let cpus = std::env::var("SMP")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1);
    let accelerator = Accelerator::detect();
    let test = is_test_executable(&args.executable)
        .then(|| test_name(&args.executable))
        .flatten();
    let disk = test.map_or(Disk::Scratch, kernel_tests::disk);
    let network = test.map_or(Network::None, kernel_tests::network);
    let (timeout_secs, extra_args) = if is_test_executable(&args.executable) {
        if !args.args.is_empty() {
            eprintln!(
                "boot: ignoring test harness arguments {:?}: kernel tests take none",
                args.args
            );
        }
        (Some(accelerator.test_timeout_secs()), Vec::new())
    } else {
        (None, args.args)
    };
    let input = test_name(&args.executable).map_or(Input::Nothing, scripted::input);
    BootRequest {
        kernel: args.executable,
        firmware: Firmware::choose(uefi),
        memory_mib: DEFAULT_MEMORY_MIB,
        cpus,
        accelerator,
        disk,
        gdb_port: None,
        extra_args,
        timeout_secs,
        serial_log: None,
        input,
        network,
    }
}

/// The test a cargo test executable was built from (`deps/<name>-<hash>`).
fn test_name(executable: &Path) -> Option<&str> {
    let stem = executable.file_name()?.to_str()?;
    stem.rsplit_once('-').map(|(name, _)| name)
}

/// Cargo puts test executables (unit and integration tests) in a `deps/` directory.
fn is_test_executable(executable: &Path) -> bool {
    executable.parent().and_then(Path::file_name) == Some(OsStr::new("deps"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_in_deps_are_tests() {
        assert!(is_test_executable(Path::new(
            "target/x86_64-target/debug/deps/basic_boot-1f2e3d"
        )));
        assert!(!is_test_executable(Path::new(
            "target/x86_64-target/debug/kernel"
        )));
        assert!(!is_test_executable(Path::new("kernel")));
    }
}
