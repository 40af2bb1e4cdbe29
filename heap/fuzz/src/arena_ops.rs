//! Claiming and extending arenas with spans from the input: inside the room (unaligned,
//! overlapping, tiny) or hostile (empty, in the null page, at the top of the address space,
//! not an arena). The model predicts every refusal, and a refused call must leave the heap as
//! it was; the room outside the arenas is checked untouched (`room.rs`).
//!
//! ```text
//!   claim:  TooSmall ─► NullPage ─► Overlaps ─► Ok(span aligned inward)
//!   extend: NotAnArena ─► DoesNotContain ─► NullPage ─► Overlaps ─► Ok(each end moved, or a sliver skipped)
//! ```

use crate::hook::room_span;
use crate::input::{ClaimSpan, ExtendKind};
use crate::model::{arena_align_inward, Model};
use crate::room::Room;
use crate::Fuzzed;
use std::ptr::without_provenance_mut;
use tagheap::{ClaimError, ExtendError, Span};

const WORD: usize = size_of::<usize>();
/// The smallest arena `claim` accepts (a minimal chunk and the end record), and the smallest
/// chunk.
const MIN_ARENA: usize = 7 * WORD;
const MIN_CHUNK: usize = 4 * WORD;

/// The first arena of the model (newest first, as the heap lists them) that overlaps `span`.
fn overlapping(model: &Model, span: Span, except: Span) -> Option<Span> {
    model
        .arenas
        .iter()
        .copied()
        .find(|&arena| arena != except && arena.overlaps(span))
}

pub fn claim(heap: &Fuzzed, model: &mut Model, room: &Room, which: ClaimSpan) {
    let span = match which {
        ClaimSpan::InRoom { offset, size } => room_span(room.span(), offset, size),
        ClaimSpan::Empty => Span::empty(),
        ClaimSpan::NullPage { base, size } => Span::from_base_size(
            without_provenance_mut(usize::from(base) % 4089),
            usize::from(size),
        ),
        ClaimSpan::NearTop { size } => Span::new(
            without_provenance_mut(usize::MAX - usize::from(size) % MIN_ARENA),
            without_provenance_mut(usize::MAX),
        ),
    };
    let aligned = arena_align_inward(span);
    let expected = if aligned.size() < MIN_ARENA {
        Err(ClaimError::TooSmall {
            size: aligned.size(),
            minimum: MIN_ARENA,
        })
    } else if aligned.base().addr() < 4096 {
        Err(ClaimError::NullPage {
            base: aligned.base().addr(),
        })
    } else if let Some(existing) = overlapping(model, aligned, Span::empty()) {
        Err(ClaimError::Overlaps {
            arena: aligned,
            existing,
        })
    } else {
        Ok(aligned)
    };
    // SAFETY: an accepted span lies in the room, the fuzzer's memory; the model predicted
    // every refusal, and a refused claim writes nothing.
    let claimed = unsafe { heap.lock().claim(span) };
    assert_eq!(claimed, expected, "claim {span:?}");
    if let Err(error) = claimed {
        assert!(error.to_string().contains("claim"), "{error}");
    }
    if let Ok(arena) = claimed {
        model.arenas.insert(0, arena);
    }
}

pub fn extend(heap: &Fuzzed, model: &mut Model, room: &Room, pick: u8, kind: ExtendKind) {
    let Some(&old) = model
        .arenas
        .get(usize::from(pick) % model.arenas.len().max(1))
    else {
        return;
    };
    let above = model.arenas.iter().any(|arena| arena.base() >= old.acme());
    let (arena, new) = match kind {
        ExtendKind::OutOfMemory { below, above } => (
            old,
            old.extend(below.into(), above.into())
                .fit_within(room.span()),
        ),
        ExtendKind::Stranger { shift } => (old.extend(0, usize::from(shift) + 1), old),
        ExtendKind::Smaller { cut } => (
            old,
            Span::new(old.base(), old.acme().wrapping_sub(usize::from(cut) + 1)),
        ),
        ExtendKind::NullPage { base } => (
            old,
            Span::new(old.base().with_addr(usize::from(base) % 4089), old.acme()),
        ),
        ExtendKind::NearTop if above => (
            old,
            Span::new(old.base(), old.acme().with_addr(usize::MAX - 7)),
        ),
        ExtendKind::NearTop => return,
    };
    let aligned = arena_align_inward(new);
    let expected = if !model.arenas.contains(&arena) {
        Err(ExtendError::NotAnArena { old: arena })
    } else if !aligned.contains_span(old) {
        Err(ExtendError::DoesNotContain { old, new: aligned })
    } else if aligned.base().addr() < 4096 {
        Err(ExtendError::NullPage {
            base: aligned.base().addr(),
        })
    } else if let Some(existing) = overlapping(model, aligned, old) {
        Err(ExtendError::Overlaps {
            new: aligned,
            existing,
        })
    } else {
        Ok(aligned)
    };
    // SAFETY: an accepted span lies in the room; the model predicted every refusal, and a
    // refused extend writes nothing.
    let result = unsafe { heap.lock().extend(arena, new) };
    match (result, expected) {
        (Ok(grown), Ok(aligned)) => {
            for (kept, wanted, old_end) in [
                (grown.base(), aligned.base(), old.base()),
                (grown.acme(), aligned.acme(), old.acme()),
            ] {
                let sliver = wanted.addr().abs_diff(old_end.addr()) < MIN_CHUNK;
                assert!(
                    kept == wanted || (kept == old_end && sliver),
                    "extend {old:?} to {aligned:?} gave {grown:?}"
                );
            }
            let index = model.arenas.iter().position(|&arena| arena == old).unwrap();
            model.arenas[index] = grown;
        }
        (result, expected) => {
            assert_eq!(result, expected, "extend {arena:?} to {new:?}");
            let error = result.expect_err("a refusal");
            assert!(error.to_string().contains("extend"), "{error}");
        }
    }
}
