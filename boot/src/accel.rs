//! Choosing how QEMU executes the guest: KVM when it works here, TCG otherwise.
//!
//! ```text
//!   BOOT_KVM=0 ───────────────────────────────▶ TCG  -cpu max   (software; has rdtsc/rdtscp)
//!   BOOT_KVM=1 ───────────────────────────────▶ KVM  -enable-kvm -cpu host
//!   /dev/kvm opens and the probe boot is fast ▶ KVM
//!   otherwise ────────────────────────────────▶ TCG  (the reason is printed)
//! ```

use crate::kvm_probe;
use std::fmt;

/// How QEMU executes guest code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accelerator {
    /// Hardware virtualisation through `/dev/kvm`.
    Kvm,
    /// QEMU's software emulator; `-cpu max` so `rdtscp` is available.
    Tcg,
}

impl Accelerator {
    /// `BOOT_KVM` when set to `0` or `1`; otherwise KVM if `/dev/kvm` opens
    /// read-write and the probe boot shows it works, TCG otherwise. Says why
    /// on stderr when it falls back.
    pub fn detect() -> Self {
        match std::env::var("BOOT_KVM").as_deref() {
            Ok("0") => return Self::Tcg,
            Ok("1") => return Self::Kvm,
            _ => {}
        }
        let opened = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/kvm");
        let verdict = match opened {
            Ok(_) => kvm_probe::probe(),
            Err(error) => Err(format!("/dev/kvm: {error}")),
        };
        match verdict {
            Ok(()) => Self::Kvm,
            Err(reason) => {
                eprintln!("boot: not using KVM: {reason}; BOOT_KVM=1 forces it");
                Self::Tcg
            }
        }
    }

    /// How long a kernel test may run before it counts as hung: TCG boots and runs slower.
    pub fn test_timeout_secs(self) -> u64 {
        match self {
            Self::Kvm => 120,
            Self::Tcg => 300,
        }
    }

    /// The QEMU arguments that select this accelerator and its CPU model.
    pub fn qemu_args(self) -> &'static [&'static str] {
        match self {
            Self::Kvm => &["-enable-kvm", "-cpu", "host"],
            Self::Tcg => &["-cpu", "max"],
        }
    }
}

impl fmt::Display for Accelerator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Kvm => "KVM",
            Self::Tcg => "TCG",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcg_gets_a_cpu_model_with_rdtscp_and_more_time_than_kvm() {
        assert_eq!(Accelerator::Tcg.qemu_args(), ["-cpu", "max"]);
        assert_eq!(
            Accelerator::Kvm.qemu_args(),
            ["-enable-kvm", "-cpu", "host"]
        );
        assert!(Accelerator::Tcg.test_timeout_secs() > Accelerator::Kvm.test_timeout_secs());
    }
}
