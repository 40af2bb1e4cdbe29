//! The disk a kernel's virtio-blk driver reads and writes: the person's own image file, or a
//! fresh zero-filled scratch image that lives as long as one boot.
//!
//! ```text
//!   --disk FILE      ─▶ Disk::File(FILE)   attached as it is; the guest's writes land in it
//!   (tests, `run`)   ─▶ Disk::Scratch      a sparse temporary file of SCRATCH_BYTES, created
//!                                          before QEMU starts, deleted when the boot is over
//!   --no-disk        ─▶ Disk::None         no virtio-blk device (the kernel says so, goes on)
//!   (a test)         ─▶ Disk::SharedPair   two scratch images in PCI slots 4 and 8: the
//!                                          i440FX routes INTA# of slots n and n + 4 to the
//!                                          same PIRQ, so both disks share one interrupt line
//!
//!   QEMU: -drive file=<path>,format=raw,if=none,id=scratch0
//!         -device virtio-blk-pci,drive=scratch0,disable-legacy=on[,addr=SLOT]
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
    /// Two fresh scratch images whose devices share one interrupt line.
    SharedPair,
}

/// The PCI slots of [`Disk::SharedPair`]'s devices.
const SHARED_PAIR_SLOTS: [u8; 2] = [4, 8];

impl Disk {
    /// Makes the disks ready for one boot: the images QEMU opens, with their PCI slots (a
    /// scratch file is created here and deleted when its `Attached` drops).
    pub fn attach(&self) -> Result<Vec<Attached>> {
        match self {
            Self::None => Ok(Vec::new()),
            Self::File(path) => {
                anyhow::ensure!(
                    path.is_file(),
                    "the disk image {} does not exist (create one with `truncate -s 8M {0}`)",
                    path.display()
                );
                Ok(vec![Attached {
                    path: path.clone(),
                    slot: None,
                    _scratch: None,
                }])
            }
            Self::Scratch => Ok(vec![scratch(None)?]),
            Self::SharedPair => SHARED_PAIR_SLOTS
                .iter()
                .map(|&slot| scratch(Some(slot)))
                .collect(),
        }
    }
}

/// A fresh zero-filled scratch image, in PCI slot `slot` (or the next free one).
fn scratch(slot: Option<u8>) -> Result<Attached> {
    let file = tempfile::Builder::new()
        .prefix("boot-scratch-")
        .suffix(".img")
        .tempfile()
        .context("cannot create a scratch disk image")?;
    file.as_file()
        .set_len(SCRATCH_BYTES)
        .context("cannot size the scratch disk image")?;
    let scratch = file.into_temp_path();
    Ok(Attached {
        path: scratch.to_path_buf(),
        slot,
        _scratch: Some(scratch),
    })
}

/// A disk attached to one boot; a scratch image is deleted when this drops.
#[derive(Debug)]
pub struct Attached {
    /// The image QEMU opens.
    pub path: PathBuf,
    /// The PCI slot of its device (`None`: the next free one).
    pub slot: Option<u8>,
    _scratch: Option<TempPath>,
}

/// The QEMU arguments that attach `image` as the `index`th modern virtio-blk PCI device,
/// in PCI slot `slot` if one is given.
pub fn qemu_args(index: usize, image: &Path, slot: Option<u8>) -> [OsString; 4] {
    let mut drive = OsString::from("file=");
    drive.push(image.as_os_str());
    drive.push(format!(",format=raw,if=none,id=scratch{index}"));
    let address = slot.map_or(String::new(), |slot| format!(",addr={slot:#x}"));
    [
        "-drive".into(),
        drive,
        "-device".into(),
        format!("virtio-blk-pci,drive=scratch{index},disable-legacy=on{address}").into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_disk_is_zeroed_sized_and_deleted_after_the_boot() {
        let attached = Disk::Scratch
            .attach()
            .unwrap()
            .pop()
            .expect("a scratch disk");
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
        assert!(Disk::None.attach().unwrap().is_empty());
    }

    #[test]
    fn the_drive_is_a_modern_virtio_blk_device() {
        let joined = |index, slot| {
            let args: Vec<String> = qemu_args(index, Path::new("/tmp/d.img"), slot)
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            args.join(" ")
        };
        assert_eq!(
            joined(0, None),
            "-drive file=/tmp/d.img,format=raw,if=none,id=scratch0 \
             -device virtio-blk-pci,drive=scratch0,disable-legacy=on"
        );
        assert_eq!(
            joined(1, Some(8)),
            "-drive file=/tmp/d.img,format=raw,if=none,id=scratch1 \
             -device virtio-blk-pci,drive=scratch1,disable-legacy=on,addr=0x8"
        );
    }

    #[test]
    fn a_shared_pair_is_two_scratch_disks_in_slots_four_apart() {
        let pair = Disk::SharedPair.attach().unwrap();
        let slots: Vec<_> = pair.iter().map(|disk| disk.slot).collect();
        assert_eq!(slots, [Some(4), Some(8)]);
        assert_ne!(pair[0].path, pair[1].path);
    }
}
