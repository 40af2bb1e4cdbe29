//! The disk a kernel's virtio-blk driver reads and writes: the person's own image file, or a
//! fresh zero-filled scratch image that lives as long as one boot.
//!
//! ```text
//!   --disk FILE      ─▶ Disk::File(FILE)   attached as it is; the guest's writes land in it
//!   (tests, `run`)   ─▶ Disk::Scratch      a sparse temporary file of SCRATCH_BYTES, created
//!                                          before QEMU starts, deleted when the boot is over
//!   --no-disk        ─▶ Disk::None         no virtio-blk device (the kernel says so, goes on)
//!
//!   QEMU: -drive file=<path>,format=raw,if=none,id=scratch
//!         -device virtio-blk-pci,drive=scratch,disable-legacy=on
//! ```
//!
//! The device is modern-only (`disable-legacy=on`): the kernel drives it through the
//! `virtio-drivers` crate, whose PCI transport speaks virtio 1.x (capabilities in
//! configuration space, registers in a memory BAR), so the legacy I/O-port BAR of QEMU's
//! default transitional device would only be an unused resource on the bus.

use anyhow::{Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use tempfile::TempPath;

/// The size of a scratch disk: 8 MiB, 16384 sectors of 512 bytes.
pub const SCRATCH_BYTES: u64 = 8 << 20;

/// Which disk a boot attaches as its virtio-blk device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disk {
    /// No disk.
    None,
    /// This raw image file, written in place.
    File(PathBuf),
    /// A fresh zero-filled temporary image, deleted after the boot.
    Scratch,
}

impl Disk {
    /// Makes the disk ready for one boot: the path QEMU opens (a scratch file is created here
    /// and deleted when the returned guard drops).
    pub fn attach(&self) -> Result<Option<Attached>> {
        match self {
            Self::None => Ok(None),
            Self::File(path) => {
                anyhow::ensure!(
                    path.is_file(),
                    "the disk image {} does not exist (create one with `truncate -s 8M {0}`)",
                    path.display()
                );
                Ok(Some(Attached {
                    path: path.clone(),
                    _scratch: None,
                }))
            }
            Self::Scratch => {
                let file = tempfile::Builder::new()
                    .prefix("boot-scratch-")
                    .suffix(".img")
                    .tempfile()
                    .context("cannot create a scratch disk image")?;
                file.as_file()
                    .set_len(SCRATCH_BYTES)
                    .context("cannot size the scratch disk image")?;
                let scratch = file.into_temp_path();
                Ok(Some(Attached {
                    path: scratch.to_path_buf(),
                    _scratch: Some(scratch),
                }))
            }
        }
    }
}

/// A disk attached to one boot; a scratch image is deleted when this drops.
#[derive(Debug)]
pub struct Attached {
    /// The image QEMU opens.
    pub path: PathBuf,
    _scratch: Option<TempPath>,
}

/// The QEMU arguments that attach `image` as a modern virtio-blk PCI device.
pub fn qemu_args(image: &Path) -> [OsString; 4] {
    let mut drive = OsString::from("file=");
    drive.push(image.as_os_str());
    drive.push(",format=raw,if=none,id=scratch");
    [
        "-drive".into(),
        drive,
        "-device".into(),
        "virtio-blk-pci,drive=scratch,disable-legacy=on".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_disk_is_zeroed_sized_and_deleted_after_the_boot() {
        let attached = Disk::Scratch.attach().unwrap().expect("a scratch disk");
        let path = attached.path.clone();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len() as u64, SCRATCH_BYTES);
        assert!(bytes.iter().all(|&b| b == 0));
        drop(attached);
        assert!(!path.exists(), "{} outlived its boot", path.display());
    }

    #[test]
    fn a_missing_disk_file_is_a_clear_error_and_no_disk_attaches_nothing() {
        let error = Disk::File("/nonexistent/disk.img".into())
            .attach()
            .unwrap_err();
        assert!(error.to_string().contains("does not exist"), "{error}");
        assert!(Disk::None.attach().unwrap().is_none());
    }

    #[test]
    fn the_drive_is_a_modern_virtio_blk_device() {
        let args: Vec<String> = qemu_args(Path::new("/tmp/d.img"))
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args.join(" "),
            "-drive file=/tmp/d.img,format=raw,if=none,id=scratch \
             -device virtio-blk-pci,drive=scratch,disable-legacy=on"
        );
    }
}
