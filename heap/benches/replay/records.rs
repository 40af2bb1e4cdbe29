//! The records of a trace file: decoding the 16-byte records, and checking what the replay
//! relies on (ids are dense and introduced in order; a free or realloc names a live block)
//! while working out the peak of the live requested bytes, the numerator of heap efficiency.
//!
//! ```text
//!   record (16 bytes, little-endian):  op u8 | align_log2 u8 | pad u16 | id u32 | size u64
//! ```

use super::trace::{Kind, Op};

/// One 16-byte record.
pub fn decode(record: &[u8; 16]) -> Op {
    let kind = match record[0] {
        0 => Kind::Allocate,
        1 => Kind::Free,
        2 => Kind::Realloc,
        op => panic!("a trace record has the unknown op {op}"),
    };
    let [id, size] = [&record[4..8], &record[8..16]].map(|field| {
        let mut bytes = [0; 8];
        bytes[..field.len()].copy_from_slice(field);
        usize::try_from(u64::from_le_bytes(bytes)).expect("a 64-bit host")
    });
    Op {
        kind,
        align_log2: record[1],
        id: u32::try_from(id).expect("four bytes fit a u32"),
        size,
    }
}

/// Checks the ids of `ops`; returns the number of blocks and the peak live bytes.
pub fn check(name: &str, ops: &[Op]) -> (usize, usize) {
    let mut sizes: Vec<Option<usize>> = Vec::new();
    let (mut live, mut peak) = (0usize, 0usize);
    for (index, op) in ops.iter().enumerate() {
        let id = op.id as usize;
        let broken = |rule: &str| -> ! { panic!("trace {name}, op {index} ({op:?}): {rule}") };
        match op.kind {
            Kind::Allocate if id == sizes.len() => sizes.push(Some(op.size)),
            Kind::Allocate => broken("ids must be introduced in order"),
            Kind::Free | Kind::Realloc => {
                let Some(Some(size)) = sizes.get(id).copied() else {
                    broken("the block is not live")
                };
                live -= size;
                sizes[id] = (op.kind == Kind::Realloc).then_some(op.size);
            }
        }
        live += if op.kind == Kind::Free { 0 } else { op.size };
        peak = peak.max(live);
    }
    (sizes.len(), peak)
}
