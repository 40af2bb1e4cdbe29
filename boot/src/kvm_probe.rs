//! Does KVM really run guests here, and fast enough to be worth it?
//!
//! `/dev/kvm` opening is not enough: under nested virtualisation KVM may take
//! minutes to get through the BIOS stages (every real-mode disk read is a slow
//! exit to the host), or fail outright on OVMF. So the probe boots a 512-byte
//! boot sector that writes the success code to the exit device at once:
//!
//! ```text
//!   mov al, 0x10 ; out 0xf4, al ; hlt ; jmp $-1      + 0x55 0xAA signature
//! ```
//!
//! KVM is used only if QEMU exits with 33 within [`PROBE_DEADLINE`]: a
//! working KVM does that in a fraction of a second.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long the probe boot may take before KVM counts as too slow.
pub const PROBE_DEADLINE: Duration = Duration::from_millis(1500);

/// QEMU's status when the guest writes 0x10 to the exit device.
const SUCCESS: i32 = 33;

/// Boots the probe sector under KVM; `Err` says why KVM is not used.
pub fn probe() -> Result<(), String> {
    let mut sector = tempfile::NamedTempFile::new().map_err(|e| format!("no temp file: {e}"))?;
    sector
        .write_all(&boot_sector())
        .map_err(|e| format!("writing the probe: {e}"))?;
    let drive = format!("format=raw,file={}", sector.path().display());
    let started = Instant::now();
    let mut qemu = Command::new("qemu-system-x86_64")
        .args([
            "-enable-kvm",
            "-cpu",
            "host",
            "-display",
            "none",
            "-no-reboot",
        ])
        .args([
            "-device",
            "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-drive",
            &drive,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("QEMU did not start: {e}"))?;
    while started.elapsed() < PROBE_DEADLINE {
        match qemu.try_wait() {
            Ok(Some(status)) if status.code() == Some(SUCCESS) => return Ok(()),
            Ok(Some(status)) => return Err(format!("the probe boot ended with {status}")),
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for QEMU: {e}")),
        }
    }
    let _ = qemu.kill();
    let _ = qemu.wait();
    Err(format!(
        "the probe boot took over {} ms (nested virtualisation?)",
        PROBE_DEADLINE.as_millis()
    ))
}

/// The probe's boot sector.
fn boot_sector() -> [u8; 512] {
    let code = [0xb0, 0x10, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd];
    let mut sector = [0; 512];
    sector[..code.len()].copy_from_slice(&code);
    sector[510..].copy_from_slice(&[0x55, 0xaa]);
    sector
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boot_sector_is_signed_and_writes_the_success_code() {
        let sector = boot_sector();
        assert_eq!(&sector[510..], &[0x55, 0xaa]);
        assert_eq!(
            &sector[..4],
            &[0xb0, 0x10, 0xe6, 0xf4],
            "mov al, 0x10; out 0xf4, al"
        );
    }
}
