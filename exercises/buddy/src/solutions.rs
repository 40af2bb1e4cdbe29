//! The reference split and merge (feature `solutions`).

use crate::{FreeBlocks, ORDERS};

/// The smallest order at or above `order` with a free block, taken and halved down.
pub(crate) fn split(blocks: &mut FreeBlocks, order: usize) -> Option<u64> {
    let from = (order..ORDERS).find(|&larger| blocks.count(larger) > 0)?;
    let frame = blocks.take_lowest(from)?;
    for half in (order..from).rev() {
        blocks.insert(half, frame + (1 << half));
    }
    Some(frame)
}

/// Up one order for every free buddy, then the result goes in.
pub(crate) fn merge(blocks: &mut FreeBlocks, mut frame: u64, mut order: usize) {
    while order + 1 < ORDERS && blocks.remove(order, frame ^ (1 << order)) {
        frame &= !(1 << order);
        order += 1;
    }
    blocks.insert(order, frame);
}
