//! Turning a kernel ELF into a bootable disk image with the `bootloader` crate.
//!
//! The image is written next to the ELF and reused until the ELF changes:
//!
//! ```text
//!   target/x86_64-target/debug/kernel            the kernel ELF (input)
//!   target/x86_64-target/debug/kernel.bios.img   MBR disk: boot sector, stages 2-4, FAT with the kernel
//!   target/x86_64-target/debug/kernel.uefi.img   GPT disk: EFI system partition with the UEFI loader
//! ```

use crate::elf;
use anyhow::{Context, Result};
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// The firmware interface an image boots through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firmware {
    /// Legacy BIOS (SeaBIOS in QEMU).
    Bios,
    /// UEFI (OVMF in QEMU).
    Uefi,
}

impl Firmware {
    /// `Uefi` when `uefi` is set, `Bios` otherwise.
    pub fn choose(uefi: bool) -> Self {
        if uefi {
            Self::Uefi
        } else {
            Self::Bios
        }
    }

    fn image_suffix(self) -> &'static str {
        match self {
            Self::Bios => ".bios.img",
            Self::Uefi => ".uefi.img",
        }
    }
}

impl fmt::Display for Firmware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Bios => "BIOS",
            Self::Uefi => "UEFI",
        })
    }
}

/// The path of the `firmware` disk image for `kernel`: the ELF's path plus a suffix.
pub fn image_path(kernel: &Path, firmware: Firmware) -> PathBuf {
    let mut name = OsString::from(kernel.as_os_str());
    name.push(firmware.image_suffix());
    PathBuf::from(name)
}

/// Returns an up-to-date disk image for `kernel`, building it if it is missing or older.
pub fn ensure_image(kernel: &Path, firmware: Firmware) -> Result<PathBuf> {
    elf::executable_kind(kernel)?;
    let image = image_path(kernel, firmware);
    if is_newer_or_same(&image, kernel)? {
        return Ok(image);
    }
    let mut partial = image.clone().into_os_string();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let config = boot_config();
    let built = match firmware {
        Firmware::Bios => bootloader::BiosBoot::new(kernel)
            .set_boot_config(&config)
            .create_disk_image(&partial),
        Firmware::Uefi => bootloader::UefiBoot::new(kernel)
            .set_boot_config(&config)
            .create_disk_image(&partial),
    };
    if let Err(error) = built {
        let _ = fs::remove_file(&partial);
        return Err(error.context(format!(
            "cannot build the {firmware} image for {}",
            kernel.display()
        )));
    }
    fs::rename(&partial, &image)
        .with_context(|| format!("cannot move the new image to {}", image.display()))?;
    Ok(image)
}

/// The bootloader's own settings: only its warnings and errors on the serial
/// port (its progress lines would bury the kernel's), nothing drawn on the
/// framebuffer (nobody sees it, and drawing text is slow under emulation).
fn boot_config() -> bootloader::BootConfig {
    let mut config = bootloader::BootConfig::default();
    config.log_level = bootloader_boot_config::LevelFilter::Warn;
    config.frame_buffer_logging = false;
    config
}

fn is_newer_or_same(image: &Path, kernel: &Path) -> Result<bool> {
    let Ok(image_meta) = fs::metadata(image) else {
        return Ok(false);
    };
    let kernel_time = fs::metadata(kernel)?.modified()?;
    Ok(image_meta.modified()? >= kernel_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_sits_next_to_the_elf_with_a_firmware_suffix() {
        let elf = Path::new("target/x86_64-target/debug/deps/basic_boot-0123abcd");
        assert_eq!(
            image_path(elf, Firmware::Bios),
            Path::new("target/x86_64-target/debug/deps/basic_boot-0123abcd.bios.img")
        );
        assert_eq!(
            image_path(Path::new("k.elf"), Firmware::Uefi),
            Path::new("k.elf.uefi.img")
        );
    }

    #[test]
    fn non_elf_input_is_refused_with_its_name() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, b"#!/bin/sh\n").unwrap();
        let error = ensure_image(file.path(), Firmware::Bios)
            .unwrap_err()
            .to_string();
        assert!(error.contains("is not an ELF file"), "{error}");
        let missing = ensure_image(Path::new("/nonexistent/kernel"), Firmware::Bios);
        assert!(missing
            .unwrap_err()
            .to_string()
            .contains("/nonexistent/kernel"));
    }
}
