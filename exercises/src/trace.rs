//! The allocation traces of real programs in `heap/benches/traces/` (their README gives
//! the format): 16-byte records of allocate, free and realloc, decompressed with `lzma-rs`.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// One operation of a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Block `id` is allocated with `size` bytes.
    Allocate { id: u32, size: u64 },
    /// Block `id` is freed.
    Free { id: u32 },
    /// Block `id` is resized to `size` bytes.
    Realloc { id: u32, size: u64 },
}

/// Where the traces are.
pub fn directory() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../heap/benches/traces")
}

/// The operations of the trace `name` (`git`, `gcc`, …).
///
/// Panics if the trace is missing or broken: the traces are part of the repository.
pub fn read(name: &str) -> Vec<Op> {
    let path = directory().join(format!("{name}.trace.xz"));
    let file = File::open(&path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let mut bytes = Vec::new();
    lzma_rs::xz_decompress(&mut BufReader::new(file), &mut bytes)
        .unwrap_or_else(|e| panic!("{} is not a valid xz file: {e:?}", path.display()));
    let (records, rest) = bytes.as_chunks::<16>();
    assert!(
        rest.is_empty(),
        "{} is not made of 16-byte records",
        path.display()
    );
    records
        .iter()
        .map(|record| {
            let id = u32::from_le_bytes(record[4..8].try_into().expect("4 bytes"));
            let size = u64::from_le_bytes(record[8..16].try_into().expect("8 bytes"));
            match record[0] {
                0 => Op::Allocate { id, size },
                1 => Op::Free { id },
                2 => Op::Realloc { id, size },
                other => panic!("{}: unknown operation {other}", path.display()),
            }
        })
        .collect()
}
