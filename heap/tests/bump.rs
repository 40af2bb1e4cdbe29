//! `Bump`'s allocation API: construction, `alloc`, `level`, `alloc_at`, zero-size and
//! oversized requests, exhaustion and `reset`.

use core::alloc::Layout;
use core::ptr::NonNull;

use tagheap::{Bump, Failure};

/// A 256-byte region aligned to 64, so offsets and addresses agree on alignment up to 64.
#[repr(C, align(64))]
struct Region([u8; 256]);

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).expect("test layouts are valid")
}

fn offset(bump: &Bump<Region>, block: NonNull<u8>) -> usize {
    block.addr().get() - bump.region_start().addr().get()
}

#[test]
fn alloc_pads_to_alignment_and_advances_the_level() {
    let bump = Bump::<Region>::uninit();
    assert_eq!((bump.capacity(), bump.level().bytes()), (256, 0));
    let byte = bump.alloc(layout(1, 1)).expect("room for a byte");
    let word = bump.alloc(layout(8, 8)).expect("room for a word");
    let line = bump.alloc(layout(3, 64)).expect("room for a line");
    assert_eq!(
        [
            offset(&bump, byte),
            offset(&bump, word),
            offset(&bump, line)
        ],
        [0, 8, 64]
    );
    assert_eq!(bump.level().bytes(), 67);
}

#[test]
fn alloc_returns_none_when_exhausted_and_consumes_nothing() {
    let bump = Bump::<Region>::uninit();
    assert!(bump.alloc(layout(200, 1)).is_some());
    assert_eq!(bump.alloc(layout(57, 1)), None);
    assert_eq!(
        bump.alloc(layout(1, 64)),
        None,
        "padding to 256 leaves no byte"
    );
    assert_eq!(bump.level().bytes(), 200);
    assert!(
        bump.alloc(layout(56, 1)).is_some(),
        "the exact rest still fits"
    );
    assert_eq!(bump.alloc(layout(1, 1)), None);
}

#[test]
fn alloc_at_chains_blocks_contiguously() {
    let bump = Bump::<Region>::uninit();
    let first = bump
        .alloc_at(layout(4, 4), bump.level())
        .expect("first member");
    let second = bump
        .alloc_at(layout(2, 2), first.level)
        .expect("second member");
    let third = bump
        .alloc_at(layout(8, 8), second.level)
        .expect("third member");
    assert_eq!(offset(&bump, second.ptr), offset(&bump, first.ptr) + 4);
    assert_eq!(offset(&bump, third.ptr), 8);
    assert_eq!((third.layout, third.level), (layout(8, 8), bump.level()));
    assert_eq!(third.level.bytes(), 16);
}

#[test]
fn alloc_at_a_stale_level_reports_the_observed_level() {
    let bump = Bump::<Region>::uninit();
    let start = bump.level();
    bump.alloc(layout(24, 8)).expect("room for 24 bytes");
    let observed = bump.level();
    assert_eq!(
        bump.alloc_at(layout(8, 8), start),
        Err(Failure::Mismatch { observed })
    );
    assert_eq!(
        bump.alloc_at(layout(0, 8), start),
        Err(Failure::Mismatch { observed })
    );
    assert_eq!(
        bump.alloc_at(layout(512, 1), start),
        Err(Failure::Exhausted)
    );
    assert_eq!(bump.level(), observed, "refused requests consume nothing");
}

#[test]
fn zero_size_requests_get_aligned_dangling_pointers_and_consume_nothing() {
    let bump = Bump::<Region>::uninit();
    bump.alloc(layout(3, 1)).expect("room for 3 bytes");
    for align in [1, 4096, 1 << 40, 1 << (usize::BITS - 1)] {
        let block = bump
            .alloc(layout(0, align))
            .expect("zero-size always succeeds");
        assert_eq!(block.addr().get(), align);
        let at = bump
            .alloc_at(layout(0, align), bump.level())
            .expect("at the current level");
        assert_eq!((at.ptr, at.level.bytes()), (block, 3));
    }
    assert_eq!(bump.level().bytes(), 3);
}

#[test]
fn huge_sizes_and_alignments_fail_without_wrapping() {
    let bump = Bump::<Region>::uninit();
    let largest = isize::MAX as usize;
    assert_eq!(bump.alloc(layout(largest, 1)), None);
    assert_eq!(bump.alloc(layout(1, 1 << (usize::BITS - 2))), None);
    assert_eq!(bump.alloc(layout(largest - 4095, 4096)), None);
    assert_eq!(
        bump.alloc_at(layout(largest, 1), bump.level()),
        Err(Failure::Exhausted)
    );
    assert_eq!(bump.level().bytes(), 0);
}

#[test]
fn constructors_set_the_region_and_reset_frees_everything() {
    let mut given = Bump::new([7u8; 16]);
    let zeroed = Bump::<[u64; 2]>::zeroed();
    let block = given.alloc(layout(16, 1)).expect("room for 16 bytes");
    // SAFETY: the block is 16 initialized bytes of `given`'s region, owned by this test.
    assert_eq!(unsafe { block.cast::<[u8; 16]>().read() }, [7; 16]);
    let zeros = zeroed.alloc(layout(16, 8)).expect("room for 16 bytes");
    // SAFETY: as above, for the zeroed region.
    assert_eq!(unsafe { zeros.cast::<[u64; 2]>().read() }, [0; 2]);
    assert_eq!(given.alloc(layout(1, 1)), None);
    given.reset();
    assert_eq!(given.level().bytes(), 0);
    assert_eq!(given.alloc(layout(16, 1)), Some(block));
}
