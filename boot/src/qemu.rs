//! The QEMU command line: machine, firmware, exit device, and whether QEMU is installed.
//!
//! ```text
//!   qemu-system-x86_64 -display none -serial stdio -no-reboot
//!       -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m 512M
//!       -enable-kvm -cpu host | -cpu max              (KVM if /dev/kvm opens, TCG otherwise)
//!       [-drive if=pflash,...OVMF_CODE (ro) -drive if=pflash,...vars copy (rw)]   (UEFI only)
//!       -drive format=raw,snapshot=on,file=<image>       (writes go to a temporary overlay,
//!                                                        so runs can share one image)
//!       [-drive file=<disk>,if=none,id=scratchN -device virtio-blk-pci,...]  (see `disk`)
//!       [-gdb tcp::1234 -S]                            (halt, wait for gdb; `-s -S` on 1234)
//!       [extra arguments]
//! ```

use crate::accel::Accelerator;
use crate::disk;
use anyhow::{bail, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The QEMU binary `boot` runs.
pub const QEMU: &str = "qemu-system-x86_64";

/// Everything that decides one QEMU command line.
#[derive(Debug, Clone)]
pub struct QemuSetup {
    /// The raw disk image to boot.
    pub image: PathBuf,
    /// For UEFI: the read-only firmware code and this run's writable vars copy.
    pub uefi_firmware: Option<(PathBuf, PathBuf)>,
    /// Guest memory in MiB.
    pub memory_mib: u32,
    /// Virtual CPUs (`-smp`); several run as threads of their own under TCG.
    pub cpus: u32,
    /// KVM or TCG.
    pub accelerator: Accelerator,
    /// Raw images attached as virtio-blk devices, with their PCI slots (`None`: the next).
    pub disks: Vec<(PathBuf, Option<u8>)>,
    /// Start halted with a gdb server on this TCP port (`-gdb tcp::PORT -S`).
    pub gdb_port: Option<u16>,
    /// Arguments appended verbatim.
    pub extra_args: Vec<String>,
}

impl QemuSetup {
    /// The arguments, in order, after the program name.
    pub fn args(&self) -> Vec<OsString> {
        let memory = format!("{}M", self.memory_mib);
        let machine = ["-display", "none", "-serial", "stdio", "-no-reboot"];
        let exit_device = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"];
        let mut args: Vec<OsString> = machine
            .iter()
            .chain(&exit_device)
            .chain(&["-m", memory.as_str()])
            .chain(self.accelerator.qemu_args())
            .map(OsString::from)
            .collect();
        if self.cpus > 1 {
            args.extend(["-smp".into(), self.cpus.to_string().into()]);
            if self.accelerator == Accelerator::Tcg {
                args.extend(["-accel".into(), "tcg,thread=multi".into()]);
            }
        }
        if let Some((code, vars)) = &self.uefi_firmware {
            args.push("-drive".into());
            args.push(drive("if=pflash,format=raw,readonly=on,file=", code));
            args.push("-drive".into());
            args.push(drive("if=pflash,format=raw,readonly=off,file=", vars));
        }
        args.push("-drive".into());
        args.push(drive("format=raw,snapshot=on,file=", &self.image));
        for (index, (image, slot)) in self.disks.iter().enumerate() {
            args.extend(disk::qemu_args(index, image, *slot));
        }
        if let Some(port) = self.gdb_port {
            args.extend(["-gdb".into(), format!("tcp::{port}").into(), "-S".into()]);
        }
        args.extend(self.extra_args.iter().map(OsString::from));
        args
    }

    /// The QEMU command, ready to spawn.
    pub fn command(&self) -> Command {
        let mut command = Command::new(QEMU);
        command.args(self.args());
        command
    }
}

fn drive(options: &str, file: &Path) -> OsString {
    let mut value = OsString::from(options);
    value.push(file.as_os_str());
    value
}

/// Fails with installation advice when QEMU is not on `PATH`.
pub fn require_installed() -> Result<()> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|dir| dir.join(QEMU).is_file()) {
        return Ok(());
    }
    bail!("{QEMU} not found on PATH: install it with `apt-get install qemu-system-x86` (or `make run` installs it)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> QemuSetup {
        QemuSetup {
            image: "k.bios.img".into(),
            uefi_firmware: None,
            memory_mib: 512,
            cpus: 1,
            accelerator: Accelerator::Tcg,
            disks: Vec::new(),
            gdb_port: None,
            extra_args: vec!["-name".into(), "k".into()],
        }
    }

    fn joined(setup: &QemuSetup) -> String {
        let args: Vec<String> = setup
            .args()
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        args.join(" ")
    }

    #[test]
    fn bios_run_is_headless_with_the_exit_device_and_extra_args_last() {
        assert_eq!(
            joined(&setup()),
            "-display none -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
             -m 512M -cpu max -drive format=raw,snapshot=on,file=k.bios.img -name k"
        );
    }

    #[test]
    fn several_cpus_run_as_threads_under_tcg_only() {
        let tcg = joined(&QemuSetup { cpus: 4, ..setup() });
        assert!(
            tcg.contains("-cpu max -smp 4 -accel tcg,thread=multi"),
            "{tcg}"
        );
        let kvm = joined(&QemuSetup {
            cpus: 2,
            accelerator: Accelerator::Kvm,
            ..setup()
        });
        assert!(kvm.contains("-cpu host -smp 2 -drive"), "{kvm}");
    }

    #[test]
    fn a_disk_follows_the_boot_image() {
        let line = joined(&QemuSetup {
            disks: vec![("/tmp/d.img".into(), None)],
            ..setup()
        });
        assert!(
            line.contains("file=k.bios.img -drive file=/tmp/d.img,format=raw,if=none,id=scratch0 -device virtio-blk-pci,drive=scratch0,disable-legacy=on -name k"),
            "{line}"
        );
    }

    #[test]
    fn uefi_maps_code_read_only_and_vars_writable_and_gdb_halts() {
        let setup = QemuSetup {
            uefi_firmware: Some(("/fw/CODE.fd".into(), "/tmp/vars".into())),
            accelerator: Accelerator::Kvm,
            gdb_port: Some(1234),
            extra_args: Vec::new(),
            ..setup()
        };
        let line = joined(&setup);
        assert!(line.contains("-enable-kvm -cpu host"), "{line}");
        assert!(line.contains("-drive if=pflash,format=raw,readonly=on,file=/fw/CODE.fd -drive if=pflash,format=raw,readonly=off,file=/tmp/vars"), "{line}");
        assert!(
            line.ends_with("-drive format=raw,snapshot=on,file=k.bios.img -gdb tcp::1234 -S"),
            "{line}"
        );
    }
}
