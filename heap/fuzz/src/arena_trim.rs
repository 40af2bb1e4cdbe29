//! Truncating arenas and `allocated_span`, with targets from the input: a part of the arena,
//! nothing (release), the allocated span (what the kernel's trim asks), a span reaching out of
//! the arena, or a span that is not an arena. Released memory goes back to the background
//! pattern, and must keep it from then on.
//!
//! ```text
//!   truncate: NotAnArena ─► NotWithin ─► WouldCutAllocated ─► Ok(kept ⊇ new ⊇ allocated)
//! ```

use crate::input::TruncateKind;
use crate::model::Model;
use crate::room::Room;
use crate::Fuzzed;
use tagheap::{Span, TruncateError};

const WORD: usize = size_of::<usize>();

pub fn truncate(heap: &Fuzzed, model: &mut Model, room: &Room, pick: u8, kind: TruncateKind) {
    let Some(&old) = model
        .arenas
        .get(usize::from(pick) % model.arenas.len().max(1))
    else {
        return;
    };
    let allocated = allocated_span(heap, model, pick, false).expect("an arena of the model");
    let (arena, new) = match kind {
        TruncateKind::Keep { from, len } => {
            let from = from as usize % (old.size() + 1);
            (
                old,
                Span::from_base_size(
                    old.base().wrapping_add(from),
                    len as usize % (old.size() - from + 1),
                ),
            )
        }
        TruncateKind::Release => (old, Span::empty()),
        TruncateKind::Outside { by } => (old, old.extend(0, usize::from(by) + 1)),
        TruncateKind::Stranger { shift } => (
            Span::new(
                old.base().wrapping_add(usize::from(shift) % 64 + 1),
                old.acme(),
            ),
            old,
        ),
        TruncateKind::ToAllocated => (old, allocated),
    };
    let expected = if arena != old {
        Err(TruncateError::NotAnArena { old: arena })
    } else if !old.contains_span(new) {
        Err(TruncateError::NotWithin { old, new })
    } else if !new.contains_span(allocated) {
        Err(TruncateError::WouldCutAllocated { new, allocated })
    } else {
        Ok(())
    };
    let result = heap.lock().truncate(arena, new);
    let truncated = match (result, expected) {
        (Ok(truncated), Ok(())) => truncated,
        (result, expected) => {
            let error = result.map(|_| ()).expect_err("a refusal");
            assert!(error.to_string().contains("truncate"), "{error}");
            return assert_eq!(Err(error), expected, "truncate {arena:?} to {new:?}");
        }
    };
    let kept = truncated.arena;
    assert!(
        old.contains_span(kept) && kept.contains_span(new) && kept.contains_span(allocated),
        "truncate {old:?} to {new:?} kept {kept:?}"
    );
    assert_eq!(
        new.is_empty(),
        kept.is_empty(),
        "only an empty target releases the arena"
    );
    let index = model.arenas.iter().position(|&arena| arena == old).unwrap();
    if kept.is_empty() {
        assert_eq!(
            (truncated.released_below, truncated.released_above),
            (old, Span::empty())
        );
        model.arenas.remove(index);
    } else {
        assert_eq!(truncated.released_below, Span::new(old.base(), kept.base()));
        assert_eq!(truncated.released_above, Span::new(kept.acme(), old.acme()));
        model.arenas[index] = kept;
    }
    room.restore(truncated.released_below);
    room.restore(truncated.released_above);
}

/// `allocated_span` of an arena (or of a span that is not one): it must cover every live
/// block of the arena and lie inside it.
pub fn allocated_span(heap: &Fuzzed, model: &Model, pick: u8, stranger: bool) -> Option<Span> {
    let &old = model
        .arenas
        .get(usize::from(pick) % model.arenas.len().max(1))?;
    if stranger {
        let span = old.extend(0, WORD);
        assert_eq!(
            heap.lock().allocated_span(span),
            Err(TruncateError::NotAnArena { old: span })
        );
        return None;
    }
    let span = heap
        .lock()
        .allocated_span(old)
        .expect("an arena of the model");
    assert!(
        old.contains_span(span),
        "allocated span {span:?} outside {old:?}"
    );
    for block in model
        .blocks
        .iter()
        .filter(|block| old.contains(block.ptr.as_ptr()))
    {
        let first = block.ptr.as_ptr().wrapping_sub(WORD);
        let last = block.ptr.as_ptr().wrapping_add(block.layout.size());
        assert!(
            span.contains(first) && last <= span.acme(),
            "{span:?} misses {:p}",
            block.ptr
        );
    }
    Some(span)
}
