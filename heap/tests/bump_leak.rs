//! `Bump::leak` and `Bump::leak_at`: values move in for good (no destructor runs), and a refused
//! value comes back in the error with the reason.

use core::cell::Cell;

use tagheap::{Bump, Failure};

/// Counts its drops in a shared cell.
#[derive(Debug)]
struct DropCounter<'a>(&'a Cell<usize>);

impl Drop for DropCounter<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn leak_moves_the_value_in_and_never_drops_it() {
    let drops = Cell::new(0);
    {
        let bump = Bump::<[u64; 4]>::uninit();
        let number = bump.leak(41_u64).expect("room for a u64");
        *number += 1;
        assert_eq!(*number, 42);
        let counter = bump.leak(DropCounter(&drops)).expect("room for a counter");
        assert_eq!(counter.0.get(), 0);
        assert_eq!(bump.level().bytes(), 16);
    }
    assert_eq!(drops.get(), 0, "the bump never drops leaked values");
}

#[test]
fn leak_hands_the_value_back_when_exhausted() {
    let drops = Cell::new(0);
    let bump = Bump::<[u8; 4]>::uninit();
    let refused = bump
        .leak([DropCounter(&drops), DropCounter(&drops)])
        .unwrap_err();
    assert_eq!(refused.failure(), Failure::Exhausted);
    assert_eq!(
        drops.get(),
        0,
        "nothing is dropped while the error holds the value"
    );
    let value = refused.into_value();
    assert_eq!(value.len(), 2);
    drop(value);
    assert_eq!(drops.get(), 2, "the handed-back value is whole");
    assert_eq!(bump.level().bytes(), 0);
}

#[test]
fn leak_at_chains_values_and_reports_a_moved_level() {
    let bump = Bump::<[u32; 4]>::uninit();
    let start = bump.level();
    let (first, after_first) = bump.leak_at(1_u32, start).expect("room at the start");
    let (second, after_second) = bump.leak_at(2_u32, after_first).expect("contiguous");
    assert_eq!((*first, *second), (1, 2));
    assert_eq!(after_second.bytes(), 8);
    let refused = bump.leak_at(3_u32, start).unwrap_err();
    let observed = after_second;
    assert_eq!(refused.failure(), Failure::Mismatch { observed });
    assert_eq!(refused.into_value(), 3);
    let exhausted = bump.leak_at([0_u32; 3], after_second).unwrap_err();
    assert_eq!(exhausted.failure(), Failure::Exhausted);
    assert!(exhausted.to_string().contains("no room"), "{exhausted}");
}

#[test]
fn leaking_a_zero_size_value_consumes_nothing() {
    let bump = Bump::<[u8; 0]>::uninit();
    let unit: &mut () = bump.leak(()).expect("zero-size values always fit");
    assert_eq!(*unit, ());
    assert_eq!(bump.level().bytes(), 0);
}
