//! One boot of a kernel: what was asked for, turned into a disk image, firmware and a QEMU
//! command line, handed to `supervise` to run and judge.
//!
//! ```text
//!   BootRequest ─▶ QEMU on PATH? ─▶ OVMF + fresh vars (UEFI) ─▶ <ELF>.{bios,uefi}.img
//!               ─▶ disk (a scratch image lives until QEMU is gone) ─▶ QemuSetup ─▶ supervise ─▶ Outcome { verdict, evidence }
//! ```

use crate::accel::Accelerator;
use crate::disk::Disk;
use crate::image::{self, Firmware};
use crate::input::Input;
use crate::ovmf::Ovmf;
use crate::qemu::{self, QemuSetup};
use crate::supervise::{supervise, Outcome};
use anyhow::{Context, Result};
use std::fs::File;
use std::path::{Path, PathBuf};

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
        extra_args: request.extra_args.clone(),
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
    supervise(
        setup.command(),
        request.timeout_secs,
        log,
        &request.input,
        &request.kernel,
    )
}

fn create_log(path: &Path) -> Result<File> {
    File::create(path).with_context(|| format!("cannot create the serial log {}", path.display()))
}
