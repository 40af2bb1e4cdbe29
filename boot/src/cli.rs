//! The command line of `boot`: its subcommands and their options (clap derive).

use crate::session::DEFAULT_MEMORY_MIB;
use crate::suite::SuiteSpec;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit status of run, gdb and runner:
  0  the kernel reported success (QEMU exit 33, the kernel wrote 0x10 to port 0xf4)
  1  the kernel reported failure (QEMU exit 35, the kernel wrote 0x11)
  2  timed out; QEMU was killed
  3  QEMU ended any other way (crash, or status 0 after a triple fault under -no-reboot)
  4  boot could not run (bad arguments, missing kernel, QEMU or OVMF)
Exit status of test: 0 if everything passed, 1 if anything failed, 4 as above.

Environment: BOOT_KVM=0 forces TCG, BOOT_KVM=1 forces KVM; otherwise a probe boot
decides. UEFI=1 makes `runner` boot through UEFI. OVMF_DIR, or OVMF_CODE with
OVMF_VARS, choose the UEFI firmware.";

/// Builds BIOS/UEFI disk images of a kernel ELF and runs them in QEMU.
#[derive(Debug, Parser)]
#[command(name = "boot", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Action,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Action {
    /// Boot a kernel ELF in QEMU, streaming its serial output, and judge its exit code.
    Run(RunArgs),
    /// Boot a kernel halted, with a gdb server on :1234 (TCG, no timeout).
    Gdb(GdbArgs),
    /// Cargo's `runner`: boot a test executable (from `deps/`) as a test, anything else like `run`.
    Runner(RunnerArgs),
    /// Run host test suites and the kernel tests, then print failures and `N passed, N failed`.
    Test(TestArgs),
    /// Grade the exercises of docs/11-graded-exercises.md: a score per exercise and a total.
    Grade(GradeArgs),
    /// Write a student repository (fresh history) with the stubs, checks and book, without
    /// the reference solutions.
    Handout(HandoutArgs),
    /// Draw the heap maps in a serial log (`heapmap begin` … `heapmap end`) as one SVG each.
    Heapmap(HeapmapArgs),
}

/// Options of `boot run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The kernel ELF; its disk image is written next to it as `<ELF>.bios.img` / `<ELF>.uefi.img`.
    pub kernel: PathBuf,
    /// Boot through UEFI (OVMF) instead of BIOS.
    #[arg(long)]
    pub uefi: bool,
    /// Kill QEMU and fail after this many seconds (default: no limit).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Guest memory in MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MEMORY_MIB)]
    pub memory: u32,
    /// Virtual CPUs.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub cpus: u32,
    /// Connect the guest's serial port to this terminal's input too (for the console).
    #[arg(long)]
    pub interactive: bool,
    /// Also write the serial output to this file.
    #[arg(long, value_name = "FILE")]
    pub serial_log: Option<PathBuf>,
    /// Force the kernel's lock kind (otherwise it picks unfair under a
    /// hypervisor, fair on bare metal).
    #[arg(long, value_enum)]
    pub lock: Option<LockKind>,
    /// Sample one page-sized allocation in N per CPU into the kernel's
    /// guard-page pool (0: off; default: the kernel's, see README), handed
    /// over as the fw_cfg file `opt/kernel/kfence`.
    #[arg(long, value_name = "N")]
    pub kfence: Option<u32>,
    /// Attach this raw image as a virtio-blk disk (default: a fresh 8 MiB scratch image,
    /// deleted after the run). The kernel writes to it.
    #[arg(long, value_name = "FILE", conflicts_with = "no_disk")]
    pub disk: Option<PathBuf>,
    /// Attach no virtio-blk disk.
    #[arg(long)]
    pub no_disk: bool,
    /// Attach a virtio-net card on QEMU's user network, the guest's echo port (7) forwarded
    /// from two free ports on 127.0.0.1 (printed at start).
    #[arg(long)]
    pub net: bool,
    /// Extra arguments passed to QEMU as they are (after `--`).
    #[arg(last = true, value_name = "EXTRA_QEMU_ARGS")]
    pub qemu_args: Vec<String>,
}

/// The kernel's lock algorithms (`kernel::sync::LockKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LockKind {
    /// A ticket lock: CPUs get it in the order they asked.
    Fair,
    /// Test-and-set with back-off: whichever running CPU asks first.
    Unfair,
}

impl LockKind {
    /// The QEMU arguments that hand the choice to the kernel, as the fw_cfg
    /// file the kernel reads at boot (`opt/kernel/lock`).
    pub fn qemu_args(self) -> [String; 2] {
        let name = match self {
            Self::Fair => "fair",
            Self::Unfair => "unfair",
        };
        [
            "-fw_cfg".into(),
            format!("name=opt/kernel/lock,string={name}"),
        ]
    }
}

/// Options of `boot gdb`.
#[derive(Debug, Args)]
pub struct GdbArgs {
    /// The kernel ELF, whose symbols gdb loads (a position-independent one gets a warning).
    pub kernel: PathBuf,
    /// Boot through UEFI (OVMF) instead of BIOS.
    #[arg(long)]
    pub uefi: bool,
    /// Guest memory in MiB.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_MEMORY_MIB)]
    pub memory: u32,
    /// The TCP port of QEMU's gdb server.
    #[arg(long, default_value_t = 1234)]
    pub port: u16,
}

/// Arguments cargo passes to its `runner`.
#[derive(Debug, Args)]
pub struct RunnerArgs {
    /// The executable cargo built.
    pub executable: PathBuf,
    /// For a test: the harness arguments, ignored. Otherwise: extra QEMU arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Options of `boot test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// A host suite, `NAME=COMMAND`, run with `sh -c` from the workspace root (repeatable).
    #[arg(long = "suite", value_name = "NAME=COMMAND")]
    pub suites: Vec<SuiteSpec>,
    /// A host suite run on a second lane alongside the others and the kernel tests, one
    /// after another in the order given, its output printed at the end (repeatable; for a
    /// long suite with a build directory of its own, such as Miri's).
    #[arg(long = "background-suite", value_name = "NAME=COMMAND")]
    pub background: Vec<SuiteSpec>,
    /// Also build the kernel tests (`cargo ktest --no-run`) and boot each in QEMU.
    #[arg(long)]
    pub kernel: bool,
    /// Per-boot timeout for kernel tests (default: 120 s under KVM, 300 s under TCG).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
}

/// Options of `boot grade`.
#[derive(Debug, Args)]
pub struct GradeArgs {
    /// Grade the reference solutions (the `solutions` feature) instead of the stubs.
    #[arg(long)]
    pub solutions: bool,
    /// Grade only this exercise (`1a`, `1b`, `2` … `5`).
    #[arg(long, value_name = "NUMBER")]
    pub exercise: Option<String>,
    /// The git revision the checks must match (default: the tag `handout`, else HEAD).
    #[arg(long, value_name = "REV")]
    pub pristine: Option<String>,
    /// Try the known cheats, each on its exercise; succeeds only if every one scores 0.
    #[arg(long, conflicts_with_all = ["solutions", "exercise"])]
    pub cheats: bool,
}

/// Options of `boot handout`.
#[derive(Debug, Args)]
pub struct HandoutArgs {
    /// The new (or empty) directory to write the student repository into.
    pub dir: PathBuf,
}

/// Options of `boot heapmap`.
#[derive(Debug, Args)]
pub struct HeapmapArgs {
    /// The serial log holding the maps (written by `boot run --serial-log FILE`).
    pub log: PathBuf,
    /// The directory to write `<label>.svg` into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}
