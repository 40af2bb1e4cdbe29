//! A trace: the `malloc`-family calls of a real program, as the replay reads them from
//! `benches/traces/NAME.trace.xz` (format in `benches/traces/README.md`).
//!
//! ```text
//!   record (16 bytes, little-endian):  op u8 | align_log2 u8 | pad u16 | id u32 | size u64
//!   op: 0 allocate (a new id), 1 free (ends the id), 2 realloc (keeps the id)
//! ```
//!
//! Loading decodes and checks the records (`records.rs`).

use super::records::{check, decode};
use std::fs::{self, File};
use std::io::{self, BufReader};
use std::path::Path;

/// What one operation does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// Allocate block `id` with `size` bytes.
    Allocate,
    /// Free block `id`.
    Free,
    /// Resize block `id` to `size` bytes.
    Realloc,
}

/// One operation of a trace.
#[derive(Clone, Copy, Debug)]
pub struct Op {
    /// What it does.
    pub kind: Kind,
    /// The requested alignment, as a power of two.
    pub align_log2: u8,
    /// The block's dense id.
    pub id: u32,
    /// Requested bytes (allocate, realloc); 0 for free.
    pub size: usize,
}

/// A loaded trace.
pub struct Trace {
    /// The file's name without `.trace.xz`.
    pub name: &'static str,
    /// The operations, in program order.
    pub ops: Vec<Op>,
    /// The number of blocks (ids) the trace introduces.
    pub blocks: usize,
    /// The largest sum of requested bytes of live blocks at any point.
    pub peak_live: usize,
}

impl Trace {
    /// Every `NAME.trace.xz` in `dir` whose name is in `picked` (all, if `picked` is empty),
    /// sorted by name, each cut to its first `limit` operations.
    pub fn load_all(dir: &Path, picked: &[String], limit: usize) -> io::Result<Vec<Trace>> {
        let mut paths: Vec<_> = fs::read_dir(dir)?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<io::Result<_>>()?;
        paths.retain(|path| {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            file.strip_suffix(".trace.xz")
                .is_some_and(|name| picked.is_empty() || picked.iter().any(|pick| pick == name))
        });
        paths.sort();
        paths.iter().map(|path| Self::load(path, limit)).collect()
    }

    /// Decompresses and checks the trace at `path`, cut to its first `limit` operations.
    fn load(path: &Path, limit: usize) -> io::Result<Trace> {
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let name = file.trim_end_matches(".trace.xz").to_string().leak();
        let mut bytes = Vec::new();
        lzma_rs::xz_decompress(&mut BufReader::new(File::open(path)?), &mut bytes)
            .map_err(|error| io::Error::other(format!("{}: {error}", path.display())))?;
        let ops: Vec<Op> = bytes
            .as_chunks::<16>()
            .0
            .iter()
            .take(limit)
            .map(decode)
            .collect();
        let (blocks, peak_live) = check(name, &ops);
        Ok(Trace {
            name,
            ops,
            blocks,
            peak_live,
        })
    }
}
