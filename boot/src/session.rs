//! One boot of a kernel: what was asked for, turned into a disk image, firmware and a QEMU
//! command line, handed to `supervise` to run and judge.
//!
//! ```text
//!   BootRequest ─▶ QEMU on PATH? ─▶ OVMF + fresh vars (UEFI) ─▶ <ELF>.{bios,uefi}.img
//!               ─▶ disk (a scratch image lives until QEMU is gone) ─▶ QemuSetup ─▶ supervise ─▶ Outcome { verdict, evidence }
//! ```

use crate::accel::Accelerator;
use crate::disk::Disk;
use crate::echo_peer;
use crate::image::{self, Firmware};
use crate::input::Input;
use crate::net::{Forwarding, Network};
use crate::ovmf::Ovmf;
use crate::qemu::{self, QemuSetup};
use crate::supervise::{supervise, Outcome};
use crate::verdict::Verdict;
use anyhow::{Context, Result};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Guest memory when nobody asks for a different amount, in MiB.
pub const DEFAULT_MEMORY_MIB: u32 = 512;

/// What to boot and how.
#[derive(Debug, Clone)]
pub struct BootRequest {
    /// The kernel ELF.
    pub kernel: PathBuf,
    /// BIOS or UEFI.
    pub firmware: Firmware,
    /// Guest memory in MiB.
    pub memory_mib: u32,
    /// Virtual CPUs.
    pub cpus: u32,
    /// KVM or TCG.
    pub accelerator: Accelerator,
    /// The disks attached as virtio-blk devices.
    pub disk: Disk,
    /// Start halted and wait for gdb on this TCP port.
    pub gdb_port: Option<u16>,
    /// Extra QEMU arguments.
    pub extra_args: Vec<String>,
    /// Kill QEMU after this many seconds; `None` waits forever.
    pub timeout_secs: Option<u64>,
    /// Also write the serial output to this file.
    pub serial_log: Option<PathBuf>,
    /// What the serial port reads.
    pub input: Input,
    /// The network card, if any, and whether the runner checks its echo.
    pub network: Network,
}

/// Builds the image, finds the firmware, and boots the kernel under [`supervise`].
pub fn boot(request: &BootRequest) -> Result<Outcome> {
    qemu::require_installed()?;
    let (ovmf, vars) = match request.firmware {
        Firmware::Bios => (None, None),
        Firmware::Uefi => {
            let ovmf = Ovmf::locate()?;
            let vars = ovmf.fresh_vars()?;
            (Some(ovmf), Some(vars))
        }
    };
    let image = image::ensure_image(&request.kernel, request.firmware)?;
    // Held until QEMU is gone: a scratch image is deleted when its entry drops.
    let disks = request.disk.attach()?;
    let forwarding = match request.network {
        Network::None => None,
        Network::Forwarded | Network::EchoCheck => Some(Forwarding::free_ports()?),
    };
    let mut extra_args: Vec<String> = forwarding.iter().flat_map(Forwarding::qemu_args).collect();
    extra_args.extend(request.extra_args.iter().cloned());
    let setup = QemuSetup {
        image: image.clone(),
        uefi_firmware: ovmf
            .zip(vars.as_ref())
            .map(|(ovmf, vars)| (ovmf.code, vars.path().to_path_buf())),
        memory_mib: request.memory_mib,
        cpus: request.cpus,
        accelerator: request.accelerator,
        disks: disks
            .iter()
            .map(|disk| (disk.path.clone(), disk.slot))
            .collect(),
        gdb_port: request.gdb_port,
        extra_args,
    };
    eprintln!(
        "boot: {} image {}, accelerator: {}, {} CPU{}",
        request.firmware,
        image.display(),
        request.accelerator,
        request.cpus,
        if request.cpus == 1 { "" } else { "s" }
    );
    let log = match &request.serial_log {
        Some(path) => Some(create_log(path)?),
        None => None,
    };
    for disk in &disks {
        eprintln!("boot: virtio-blk disk {}", disk.path.display());
    }
    if let Some(ports) = forwarding {
        eprintln!(
            "boot: virtio-net, echo (guest port 7) on udp and tcp 127.0.0.1: try \
             `nc -u 127.0.0.1 {}` or `nc 127.0.0.1 {}`",
            ports.udp, ports.tcp
        );
    }
    let Some(ports) = forwarding.filter(|_| request.network == Network::EchoCheck) else {
        return supervise(
            setup.command(),
            request.timeout_secs,
            log,
            &request.input,
            &request.kernel,
        );
    };
    let stop = Arc::new(AtomicBool::new(false));
    let peer_stop = Arc::clone(&stop);
    let limit = Duration::from_secs(request.timeout_secs.unwrap_or(PEER_SECS));
    let deadline = Instant::now() + limit;
    let peer = thread::spawn(move || echo_peer::check(ports, deadline, &peer_stop));
    let outcome = supervise(
        setup.command(),
        request.timeout_secs,
        log,
        &request.input,
        &request.kernel,
    );
    stop.store(true, Ordering::Relaxed);
    let checked = peer.join();
    let mut outcome = outcome?;
    match checked {
        Ok(Ok(figures)) => eprintln!("boot: net echo check passed: {figures}"),
        Ok(Err(error)) if outcome.verdict.passed() => {
            outcome.verdict =
                Verdict::Unexpected(format!("the host's echo check failed: {error:#}"))
        }
        Ok(Err(error)) => eprintln!("boot: the host's echo check failed too: {error:#}"),
        Err(_) => outcome.verdict = Verdict::Unexpected("the echo check panicked".into()),
    }
    Ok(outcome)
}

/// How long the echo check may take when the boot has no timeout.
const PEER_SECS: u64 = 300;

fn create_log(path: &Path) -> Result<File> {
    File::create(path).with_context(|| format!("cannot create the serial log {}", path.display()))
}
