//! The few facts `boot` reads from a kernel's ELF header.
//!
//! ```text
//!   offset  0  7f 45 4c 46      magic: "\x7fELF"
//!   offset 16  e_type (u16 LE)  2 = EXEC: runs at its link addresses
//!                               3 = DYN:  position-independent; the bootloader relocates it
//! ```

use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Whether an executable runs at its link addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutableKind {
    /// `ET_EXEC`: loaded where it was linked, so a debugger's symbols match.
    Fixed,
    /// `ET_DYN`: the loader picks the addresses; symbols are off by its offset.
    PositionIndependent,
}

/// Reads the header of `path` and says what kind of executable it is.
pub fn executable_kind(path: &Path) -> Result<ExecutableKind> {
    let mut header = Vec::with_capacity(18);
    File::open(path)
        .and_then(|file| file.take(18).read_to_end(&mut header))
        .with_context(|| format!("cannot read the kernel ELF {}", path.display()))?;
    match kind_from_header(&header) {
        Ok(kind) => Ok(kind),
        Err(problem) => bail!(
            "{} {problem} (it must be the kernel executable)",
            path.display()
        ),
    }
}

fn kind_from_header(header: &[u8]) -> Result<ExecutableKind, String> {
    if header.len() < 18 || header[..4] != *b"\x7fELF" {
        return Err("is not an ELF file".to_string());
    }
    match u16::from_le_bytes([header[16], header[17]]) {
        2 => Ok(ExecutableKind::Fixed),
        3 => Ok(ExecutableKind::PositionIndependent),
        other => Err(format!(
            "is an ELF file but not an executable (e_type {other})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(e_type: u16) -> Vec<u8> {
        let mut header = b"\x7fELF\x02\x01\x01".to_vec();
        header.resize(16, 0);
        header.extend(e_type.to_le_bytes());
        header
    }

    #[test]
    fn tells_fixed_from_position_independent_executables() {
        assert_eq!(kind_from_header(&header(2)), Ok(ExecutableKind::Fixed));
        assert_eq!(
            kind_from_header(&header(3)),
            Ok(ExecutableKind::PositionIndependent)
        );
    }

    #[test]
    fn refuses_objects_scripts_and_short_files() {
        assert!(kind_from_header(&header(1))
            .unwrap_err()
            .contains("e_type 1"));
        assert!(kind_from_header(b"#!/bin/sh\necho hello world\n").is_err());
        assert!(kind_from_header(b"\x7fELF").is_err());
    }
}
