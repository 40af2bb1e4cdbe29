//! `boot`: the host program that turns the kernel ELF into BIOS/UEFI disk images and runs them
//! in QEMU. This file dispatches the subcommands and turns their results into exit codes.
//!
//! ```text
//!   boot run <ELF>     ─┐
//!   boot gdb <ELF>      ├─▶ session::boot ─▶ image ─▶ QEMU ─▶ Verdict ─▶ exit 0/1/2/3
//!   boot runner <ELF>  ─┘
//!   boot test          ───▶ suite::run_all (host suites + kernel tests) ─▶ exit 0/1
//! ```
//!
//! Build it with `cargo build --release -p boot` and run `target/release/boot` directly: it calls
//! cargo itself, which would block on the target directory's lock under `cargo run`.

mod accel;
mod cargo;
mod cli;
mod elf;
mod host_suite;
mod image;
mod kernel_tests;
mod kvm_probe;
mod libtest;
mod ovmf;
mod qemu;
mod runner;
mod session;
mod stream;
mod suite;
mod supervise;
mod tally;
mod verdict;

use accel::Accelerator;
use anyhow::Result;
use clap::Parser;
use cli::{Action, Cli, GdbArgs, RunArgs};
use image::Firmware;
use session::BootRequest;
use std::process::ExitCode;

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
            let all_passed = suite::run_all(&args.suites, args.kernel, args.timeout)?;
            Ok(if all_passed { 0 } else { 1 })
        }
    }
}

fn run(args: RunArgs) -> Result<u8> {
    boot_and_judge(BootRequest {
        kernel: args.kernel,
        firmware: Firmware::choose(args.uefi),
        memory_mib: args.memory,
        accelerator: Accelerator::detect(),
        gdb_port: None,
        extra_args: args.qemu_args,
        timeout_secs: args.timeout,
        serial_log: args.serial_log,
    })
}

fn gdb(args: GdbArgs) -> Result<u8> {
    if elf::executable_kind(&args.kernel)? == elf::ExecutableKind::PositionIndependent {
        eprintln!(
            "boot: warning: {} is position-independent, so the bootloader relocates it: \
             load symbols with `add-symbol-file <ELF> -o <virtual_address_offset>`, \
             the offset the bootloader prints on the serial port",
            args.kernel.display()
        );
    }
    eprintln!("boot: QEMU waits for gdb on :{}; attach with:", args.port);
    eprintln!(
        "  gdb {} -ex 'target remote :{}'",
        args.kernel.display(),
        args.port
    );
    boot_and_judge(BootRequest {
        kernel: args.kernel,
        firmware: Firmware::choose(args.uefi),
        memory_mib: args.memory,
        accelerator: Accelerator::Tcg,
        gdb_port: Some(args.port),
        extra_args: Vec::new(),
        timeout_secs: None,
        serial_log: None,
    })
}

fn boot_and_judge(request: BootRequest) -> Result<u8> {
    let outcome = session::boot(&request)?;
    eprintln!("boot: {}", outcome.verdict);
    Ok(outcome.verdict.exit_code())
}
