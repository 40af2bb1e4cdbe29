//! The out-of-memory hook of the fuzzed heap: what it does comes from the input (`HookMode`),
//! and every change it makes to the arenas is logged for the shadow model.
//!
//! ```text
//!   Refuse           Err                      (nothing changed)
//!   OkWithoutChange  Ok, nothing changed      (the heap must give up, not loop)
//!   Claim            claims a span of the room once, then refuses
//!   Extend           extends an arena upwards inside the room; Err if it cannot
//! ```
//!
//! Every `Err` leaves the heap as it was, so a failed allocation means no free chunk fits.

use crate::input::HookMode;
use std::alloc::Layout;
use tagheap::{AllocError, HookHeap, OutOfMemory, Span};

/// The hook's state: its mode, the room it may use and the log of what it changed.
pub struct FuzzGrow {
    pub mode: HookMode,
    pub room: Span,
    /// `(old, new)` for every arena the hook changed; `old` is empty for a claim.
    pub log: Vec<(Span, Span)>,
}

/// `size` bytes at `offset` into `room`, both wrapped into it (unaligned spans included).
pub fn room_span(room: Span, offset: u32, size: u32) -> Span {
    let offset = offset as usize % room.size();
    let size = size as usize % (room.size() - offset + 1);
    Span::from_base_size(room.base().wrapping_add(offset), size)
}

impl OutOfMemory for FuzzGrow {
    fn out_of_memory(heap: &mut HookHeap<'_, Self>, layout: Layout) -> Result<(), AllocError> {
        let room = heap.hook().room;
        match heap.hook().mode {
            HookMode::Refuse => Err(AllocError),
            HookMode::OkWithoutChange => Ok(()),
            HookMode::Claim { offset, size } => {
                heap.hook_mut().mode = HookMode::Refuse;
                // SAFETY: the room is the fuzzer's memory; a refused claim writes nothing.
                let arena =
                    unsafe { heap.claim(room_span(room, offset, size)) }.map_err(|_| AllocError)?;
                heap.hook_mut().log.push((Span::empty(), arena));
                Ok(())
            }
            HookMode::Extend { pick, bytes } => {
                let arenas: Vec<Span> = heap.arenas().collect();
                let old = *arenas
                    .get(usize::from(pick) % arenas.len().max(1))
                    .ok_or(AllocError)?;
                let step = usize::from(bytes).saturating_add(layout.size());
                let new = old.extend(0, step).fit_within(room).fit_over(old);
                // SAFETY: the room is the fuzzer's memory; a refused extend writes nothing.
                let arena = unsafe { heap.extend(old, new) }.map_err(|_| AllocError)?;
                if arena == old {
                    return Err(AllocError);
                }
                heap.hook_mut().log.push((old, arena));
                Ok(())
            }
        }
    }
}
