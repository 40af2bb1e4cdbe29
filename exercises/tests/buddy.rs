//! Exercise 7a, the buddy allocator's split and merge (`exercises/buddy/src/student.rs`),
//! on the host: splitting, merging, coalescing that stops at a busy buddy, no frame handed
//! out twice over a long random run, and an error when memory runs out.

use buddy_lab::{Buddy, Error, MAX_ORDER, ORDERS};

/// An allocator over `frames` frames with `free` ranges free, its bookkeeping leaked.
fn buddy_over(frames: u64, free: &[std::ops::Range<u64>]) -> Buddy<'static> {
    let storage = vec![0u64; Buddy::words_for(frames)].leak();
    let mut buddy = Buddy::new(storage, frames);
    for range in free {
        buddy.add_free(range.clone());
    }
    buddy
}

/// An allocator over `frames` frames, all of them free.
fn buddy(frames: u64) -> Buddy<'static> {
    buddy_over(frames, std::slice::from_ref(&(0..frames)))
}

/// The free blocks of every order, smallest first.
fn free_blocks(buddy: &Buddy) -> Vec<u64> {
    (0..ORDERS).map(|order| buddy.free_blocks(order)).collect()
}

fn allocate(buddy: &mut Buddy, order: usize) -> u64 {
    buddy
        .allocate(order)
        .unwrap_or_else(|error| panic!("allocate({order}): {error}"))
}

fn free(buddy: &mut Buddy, frame: u64, order: usize) {
    buddy
        .free(frame, order)
        .unwrap_or_else(|error| panic!("free({frame}, {order}): {error}"));
}

#[test]
fn a_small_block_is_split_off_a_large_one_halving_it() {
    let mut buddy = buddy(16);
    assert_eq!(
        allocate(&mut buddy, 0),
        0,
        "the lower half is kept each time"
    );
    assert_eq!(
        free_blocks(&buddy)[..5],
        [1, 1, 1, 1, 0],
        "16 frames split for one: free halves of 1, 2, 4 and 8 frames are left"
    );
    assert_eq!(
        allocate(&mut buddy, 0),
        1,
        "the free half of order 0 serves next"
    );
    assert_eq!(
        allocate(&mut buddy, 2),
        4,
        "a block of 4 is free already: no split"
    );
    assert_eq!(allocate(&mut buddy, 1), 2);
    assert_eq!(free_blocks(&buddy)[..5], [0, 0, 0, 1, 0]);
    assert_eq!(buddy.free_frames(), 8);
}

#[test]
fn freed_buddies_merge_back_into_the_block_they_came_from() {
    let mut buddy = buddy(64);
    let frames: Vec<u64> = (0..64).map(|_| allocate(&mut buddy, 0)).collect();
    let mut sorted = frames.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..64).collect::<Vec<_>>(), "every frame once");
    let first = [5, 60, 0, 33, 4, 61, 1, 32, 2, 3, 62, 63];
    for frame in first {
        free(&mut buddy, frame, 0);
    }
    assert_eq!(
        free_blocks(&buddy)[..7],
        [0, 2, 2, 0, 0, 0, 0],
        "[0..4) and [60..64) merged into blocks of 4, [4..6) and [32..34) into blocks of 2"
    );
    for frame in (0..64).filter(|frame| ![5, 60, 0, 33, 4, 61, 1, 32, 2, 3, 62, 63].contains(frame))
    {
        free(&mut buddy, frame, 0);
    }
    assert_eq!(
        free_blocks(&buddy)[..7],
        [0, 0, 0, 0, 0, 0, 1],
        "everything freed: one block of 64 again"
    );
    assert_eq!(buddy.free_frames(), 64);
}

#[test]
fn merging_stops_at_a_busy_buddy_and_at_the_largest_order() {
    let mut buddy = buddy(4096);
    let (a, b) = (allocate(&mut buddy, 0), allocate(&mut buddy, 0));
    assert_eq!((a, b), (0, 1));
    free(&mut buddy, a, 0);
    assert_eq!(
        buddy.free_blocks(0),
        1,
        "frame 0's buddy, frame 1, is busy: no merge"
    );
    assert_eq!(
        buddy.free_blocks(MAX_ORDER),
        3,
        "4096 frames: 4 blocks of 1024, one split"
    );
    free(&mut buddy, b, 0);
    assert_eq!(buddy.free_blocks(0), 0);
    assert_eq!(
        buddy.free_blocks(MAX_ORDER),
        4,
        "merged up to the largest order and no further"
    );
    assert_eq!(free_blocks(&buddy).iter().sum::<u64>(), 4);
}

#[test]
fn no_frame_is_handed_out_twice_in_a_long_random_run() {
    let free_ranges = [3..700, 901..1000, 1024..3333];
    let mut buddy = buddy_over(3333, &free_ranges);
    let fresh = free_blocks(&buddy);
    let total = buddy.free_frames();
    let mut owner = vec![None::<usize>; 3333];
    let mut live: Vec<(u64, usize)> = Vec::new();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for step in 0..20_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        if seed % 5 < 3 || live.is_empty() {
            let order = (seed >> 8) as usize % 6;
            match buddy.allocate(order) {
                Ok(frame) => {
                    assert_eq!(
                        frame % (1 << order),
                        0,
                        "block {frame} of order {order} misaligned"
                    );
                    for at in frame..frame + (1 << order) {
                        assert!(
                            free_ranges.iter().any(|range| range.contains(&at)),
                            "frame {at} was never free"
                        );
                        assert_eq!(
                            owner[at as usize], None,
                            "frame {at} handed out twice (step {step})"
                        );
                        owner[at as usize] = Some(step);
                    }
                    live.push((frame, order));
                }
                Err(Error::Exhausted { .. }) => {}
                Err(error) => panic!("allocate({order}): {error}"),
            }
        } else {
            let (frame, order) = live.swap_remove((seed >> 8) as usize % live.len());
            free(&mut buddy, frame, order);
            owner[frame as usize..(frame + (1 << order)) as usize].fill(None);
        }
        let held: u64 = live.iter().map(|&(_, order)| 1u64 << order).sum();
        assert_eq!(
            buddy.free_frames() + held,
            total,
            "frames lost or made up (step {step})"
        );
    }
    for (frame, order) in live.drain(..) {
        free(&mut buddy, frame, order);
    }
    assert_eq!(
        free_blocks(&buddy),
        fresh,
        "everything freed: the blocks must be those of the start, merged as far as they go"
    );
}

#[test]
fn exhausted_memory_is_an_error_and_a_double_free_is_refused() {
    let mut buddy = buddy(8);
    assert_eq!(allocate(&mut buddy, 2), 0);
    assert_eq!(
        buddy.allocate(3),
        Err(Error::Exhausted { order: 3 }),
        "only 4 frames left"
    );
    let rest: Vec<u64> = (0..4).map(|_| allocate(&mut buddy, 0)).collect();
    assert_eq!(rest, [4, 5, 6, 7]);
    assert_eq!(buddy.allocate(0), Err(Error::Exhausted { order: 0 }));
    assert_eq!(buddy.free_frames(), 0);
    free(&mut buddy, 6, 0);
    assert_eq!(
        buddy.free(6, 0),
        Err(Error::DoubleFree { frame: 6, order: 0 })
    );
    free(&mut buddy, 7, 0);
    assert_eq!(
        buddy.free(6, 0),
        Err(Error::DoubleFree { frame: 6, order: 0 }),
        "frame 6 is inside the free block [6..8)"
    );
    assert_eq!(allocate(&mut buddy, 1), 6);
}
