//! The kernel half of `boot test`: build every kernel test and boot each one in QEMU.
//!
//! ```text
//!   cargo ktest --no-run ─▶ [basic_boot, kernel, should_panic, …]
//!   cargo ktest --no-run --features F --test T   for each test that needs a feature
//!       basic_boot  ─▶ BIOS boot, UEFI boot    (the smoke test checks both firmware paths)
//!       smp         ─▶ BIOS boot with 1, 2 and 4 CPUs; shootdown, lock_fairness,
//!                      lock_unfair, panic_stops_cpus, memory_report with 4; mmio, irq,
//!                      delay, kfence_smp with 2
//!       every other ─▶ BIOS boot, one CPU
//!       virtio_blk(_allocations), console ─▶ with a fresh scratch disk (virtio-blk), deleted afterwards
//!       virtio_blk_shared ─▶ with two, whose devices share one interrupt line
//!       net_echo ─▶ with a virtio-net card; the runner checks its echo over 127.0.0.1
//!       net_starve ─▶ with a virtio-net card and no peer
//!   each boot counts as one test, `kernel::<target> (BIOS|UEFI)`; exit 33 passes
//!   (exit 35 for a scripted test that must fail, `scripted`)
//! ```

use crate::accel::Accelerator;
use crate::cargo::{self, SMOKE_TEST};
use crate::disk::Disk;
use crate::image::Firmware;
use crate::net::Network;
use crate::qemu;
use crate::scripted;
use crate::session::{self, BootRequest};
use crate::symbolize::{Symbolizer, FRAME_MARKER};
use crate::tally::{Failure, Tally};
use crate::verdict::Verdict;
use anyhow::Result;
use std::path::Path;

/// Kernel tests booted with several CPU counts; every other test boots with one.
const CPU_COUNTS: &[(&str, &[u32])] = &[
    ("smp", &[1, 2, 4]),
    ("shootdown", &[4]),
    ("lock_fairness", &[4]),
    ("lock_unfair", &[4]),
    ("panic_stops_cpus", &[4]),
    ("mmio", &[2]),
    ("irq", &[2]),
    ("delay", &[2]),
    ("memory_report", &[4]),
    ("kfence_smp", &[2]),
];

/// Kernel tests booted with a fresh scratch disk; every other test boots with none.
const DISK_TESTS: &[&str] = &["virtio_blk", "virtio_blk_allocations", "console"];

/// The kernel test booted with two scratch disks on one interrupt line.
const SHARED_LINE_TEST: &str = "virtio_blk_shared";

/// The disk the kernel test `test` boots with.
pub fn disk(test: &str) -> Disk {
    if test == SHARED_LINE_TEST {
        Disk::SharedPair
    } else if DISK_TESTS.contains(&test) {
        Disk::Scratch
    } else {
        Disk::None
    }
}

/// The network card the kernel test `test` boots with: `net_echo`'s echo is checked by the
/// runner, `net_starve` talks only to QEMU's gateway.
pub fn network(test: &str) -> Network {
    match test {
        "net_echo" => Network::EchoCheck,
        "net_starve" => Network::Forwarded,
        _ => Network::None,
    }
}

/// The CPU counts `test` boots with.
fn cpu_counts(test: &str) -> &'static [u32] {
    CPU_COUNTS
        .iter()
        .find(|(name, _)| *name == test)
        .map_or(&[1], |(_, counts)| counts)
}

/// Builds and boots the kernel tests, adding one result per boot to `tally`.
pub fn run(workspace: &Path, timeout_secs: Option<u64>, tally: &mut Tally) -> Result<()> {
    qemu::require_installed()?;
    eprintln!("boot: ==> building the kernel tests (cargo ktest --no-run)");
    let tests = match cargo::build_kernel_tests(workspace) {
        Ok(tests) => tests,
        Err(error) => {
            let name = "kernel (build)".to_string();
            let reason = format!("{error:#}");
            tally.add_failure(Failure {
                name,
                reason,
                evidence: None,
            });
            return Ok(());
        }
    };
    let accelerator = Accelerator::detect();
    let timeout = timeout_secs.unwrap_or(accelerator.test_timeout_secs());
    for test in &tests {
        let firmwares: &[Firmware] = if test.name == SMOKE_TEST {
            &[Firmware::Bios, Firmware::Uefi]
        } else {
            &[Firmware::Bios]
        };
        let boots = firmwares.iter().flat_map(|&firmware| {
            cpu_counts(&test.name)
                .iter()
                .map(move |&cpus| (firmware, cpus))
        });
        for (firmware, cpus) in boots {
            let name = match cpus {
                1 => format!("kernel::{} ({firmware})", test.name),
                _ => format!("kernel::{} ({firmware}, {cpus} CPUs)", test.name),
            };
            eprintln!("boot: ==> {name}");
            let transcript = scripted::is_scripted(&test.name).then(|| {
                workspace
                    .join("target")
                    .join(format!("{}.serial.log", test.name))
            });
            let request = BootRequest {
                kernel: test.executable.clone(),
                firmware,
                memory_mib: session::DEFAULT_MEMORY_MIB,
                cpus,
                accelerator,
                disk: disk(&test.name),
                gdb_port: None,
                extra_args: Vec::new(),
                timeout_secs: Some(timeout),
                serial_log: transcript.clone(),
                input: scripted::input(&test.name),
                network: network(&test.name),
            };
            let (reason, evidence) = match session::boot(&request) {
                Ok(outcome) if ended_as_expected(&test.name, &outcome.verdict) => {
                    let said = transcript.map_or(Ok(String::new()), std::fs::read_to_string)?;
                    // A guard-pool report is judged with its frames symbolized.
                    let said = match said.contains(FRAME_MARKER) {
                        true => Symbolizer::load(&test.executable)?.transcript(&said),
                        false => said,
                    };
                    match scripted::judge(&test.name, &said) {
                        Ok(()) => {
                            match outcome.verdict.passed() {
                                true => eprintln!("boot: {name}: {}", outcome.verdict),
                                false => eprintln!("boot: {name}: PASS — failed as it must"),
                            }
                            tally.add_passes(1);
                            continue;
                        }
                        Err(missing) => (format!("FAIL — {missing}"), outcome.evidence),
                    }
                }
                Ok(outcome) => (outcome.verdict.to_string(), outcome.evidence),
                Err(error) => (format!("ERROR — {error:#}"), None),
            };
            eprintln!("boot: {name}: {reason}");
            tally.add_failure(Failure {
                name,
                reason,
                evidence,
            });
        }
    }
    Ok(())
}

/// Whether a boot of `test` ended as it must: with success, or, for a test of
/// how failures are reported, with the kernel's own failure code.
fn ended_as_expected(test: &str, verdict: &Verdict) -> bool {
    match scripted::must_fail(test) {
        false => verdict.passed(),
        true => *verdict == Verdict::KernelFailure,
    }
}
