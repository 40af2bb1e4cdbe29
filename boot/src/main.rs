//! `boot`: the host program that turns the kernel ELF into BIOS/UEFI disk images and runs them
//! in QEMU. This file dispatches the subcommands and turns their results into exit codes.
//!
//! ```text
//!   boot run <ELF>     ─┐
//!   boot gdb <ELF>      ├─▶ session::boot ─▶ image ─▶ QEMU ─▶ Verdict ─▶ exit 0/1/2/3
//!   boot runner <ELF>  ─┘
//!   boot test          ───▶ suite::run_all (host suites + kernel tests) ─▶ exit 0/1
//!   boot heapmap <LOG> ───▶ heapmap::render_log ─▶ <DIR>/<label>.svg per map ─▶ exit 0
//!   boot grade         ───▶ grade::run (each exercise's checks) ─▶ scores ─▶ exit 0/1
//!   boot handout <DIR> ───▶ handout::write: a student repository without the solutions
//! ```
//!
//! Build it with `cargo build --release -p boot` and run `target/release/boot` directly: it calls
//! cargo itself, which would block on the target directory's lock under `cargo run`.

mod accel;
mod cargo;
mod cli;
mod disk;
mod echo_peer;
mod elf;
mod grade;
mod handout;
mod heapmap;
mod host_suite;
mod image;
mod input;
mod kernel_tests;
mod kvm_probe;
mod libtest;
mod net;
mod ovmf;
mod qemu;
mod runner;
mod scripted;
mod session;
mod stream;
mod suite;
mod supervise;
mod symbolize;
mod tally;
mod verdict;

use accel::Accelerator;
use anyhow::Result;
use clap::Parser;
use cli::{Action, Cli, GdbArgs, RunArgs};
use disk::Disk;
use image::Firmware;
use input::Input;
use net::Network;
use session::BootRequest;
use std::process::ExitCode;
use verdict::Verdict;

/// The exit status when `boot` itself cannot do its job (bad arguments, missing tools).
const CANNOT_RUN: u8 = 4;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { CANNOT_RUN } else { 0 });
        }
    };
    match execute(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("boot: error: {error:#}");
            ExitCode::from(CANNOT_RUN)
        }
    }
}

fn execute(action: Action) -> Result<u8> {
    match action {
        Action::Run(args) => run(args),
        Action::Gdb(args) => gdb(args),
        Action::Runner(args) => boot_and_judge(runner::request(args)),
        Action::Test(args) => {
            let all_passed =
                suite::run_all(&args.suites, &args.background, args.kernel, args.timeout)?;
            Ok(if all_passed { 0 } else { 1 })
        }
        Action::Grade(args) => {
            let workspace = cargo::workspace_root()?;
            let passed = if args.cheats {
                grade::run_cheats(&workspace, args.pristine.as_deref())?
            } else {
                let options = grade::Options {
                    solutions: args.solutions,
                    exercise: args.exercise,
                    pristine: args.pristine,
                };
                grade::run(&workspace, &options)?.full_marks
            };
            Ok(if passed { 0 } else { 1 })
        }
        Action::Handout(args) => {
            handout::write(&cargo::workspace_root()?, &args.dir)?;
            eprintln!("boot: wrote the handout to {}", args.dir.display());
            Ok(0)
        }
        Action::Heapmap(args) => {
            for svg in heapmap::render_log(&args.log, &args.out)? {
                eprintln!("boot: wrote {}", svg.display());
            }
            Ok(0)
        }
    }
}

fn run(args: RunArgs) -> Result<u8> {
    boot_and_judge(BootRequest {
        kernel: args.kernel,
        firmware: Firmware::choose(args.uefi),
        memory_mib: args.memory,
        cpus: args.cpus,
        accelerator: Accelerator::detect(),
        disk: match (args.disk, args.no_disk) {
            (Some(file), _) => Disk::File(file),
            (None, true) => Disk::None,
            (None, false) => Disk::Scratch,
        },
        gdb_port: None,
        extra_args: args
            .lock
            .into_iter()
            .flat_map(cli::LockKind::qemu_args)
            .chain(args.kfence.into_iter().flat_map(|interval| {
                [
                    "-fw_cfg".into(),
                    format!("name=opt/kernel/kfence,string={interval}"),
                ]
            }))
            .chain(args.qemu_args)
            .collect(),
        timeout_secs: args.timeout,
        serial_log: args.serial_log,
        input: if args.interactive {
            Input::Terminal
        } else {
            Input::Nothing
        },
        network: if args.net {
            Network::Forwarded
        } else {
            Network::None
        },
    })
}

/// Where the bootloader loads a position-independent kernel under the kernel's
/// `BOOTLOADER_CONFIG`: the first level-4 entry of its dynamic range (no ASLR).
/// The kernel logs the real value at boot as `image at ...`.
const PIE_KERNEL_OFFSET: u64 = 0xffff_8000_0000_0000;

fn gdb(args: GdbArgs) -> Result<u8> {
    let kernel = args.kernel.display();
    let symbols = match elf::executable_kind(&args.kernel)? {
        elf::ExecutableKind::PositionIndependent => {
            format!("-ex 'add-symbol-file {kernel} -o {PIE_KERNEL_OFFSET:#x}'")
        }
        elf::ExecutableKind::Fixed => format!("-ex 'symbol-file {kernel}'"),
    };
    eprintln!("boot: QEMU waits for gdb on :{}; attach with:", args.port);
    eprintln!("  gdb {symbols} -ex 'target remote :{}'", args.port);
    eprintln!(
        "  (use `hbreak`: the bootloader overwrites breakpoints set before it loads the kernel)"
    );
    boot_and_judge(BootRequest {
        kernel: args.kernel,
        firmware: Firmware::choose(args.uefi),
        memory_mib: args.memory,
        cpus: 1,
        accelerator: Accelerator::Tcg,
        disk: Disk::None,
        gdb_port: Some(args.port),
        extra_args: Vec::new(),
        timeout_secs: None,
        serial_log: None,
        input: Input::Nothing,
        network: Network::None,
    })
}

fn boot_and_judge(request: BootRequest) -> Result<u8> {
    let started = std::time::Instant::now();
    let under_gdb = request.gdb_port.is_some();
    let outcome = session::boot(&request)?;
    let seconds = started.elapsed().as_secs_f64();
    match outcome.verdict {
        // Quitting gdb kills the guest, which QEMU reports like a reset.
        Verdict::Unexpected(_) if under_gdb => {
            eprintln!(
                "boot: QEMU ended under the debugger ({seconds:.1} s): the debugger quit, or the guest reset"
            );
            Ok(0)
        }
        verdict => {
            eprintln!("boot: {verdict} ({seconds:.1} s)");
            Ok(verdict.exit_code())
        }
    }
}
