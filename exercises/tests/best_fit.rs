//! Exercise 1a, best fit: the choice on small cases, then every choice of a whole trace.

mod common;

use common::{chosen, holes, replay_checked};
use exercises::fit::BestFit;

#[test]
fn best_fit_takes_the_smallest_hole_that_fits() {
    let holes = holes(&[(0, 96), (200, 48), (400, 64), (600, 32)]);
    assert_eq!(
        chosen(&mut BestFit, &holes, 48),
        Some(1),
        "48 bytes fit hole 1 exactly"
    );
    assert_eq!(
        chosen(&mut BestFit, &holes, 50),
        Some(2),
        "64 is the smallest hole of 50+"
    );
}

#[test]
fn best_fit_breaks_ties_by_address_and_grows_when_nothing_fits() {
    let holes = holes(&[(0, 32), (100, 64), (300, 64)]);
    assert_eq!(
        chosen(&mut BestFit, &holes, 64),
        Some(1),
        "two 64-byte holes: the lower one"
    );
    assert_eq!(
        chosen(&mut BestFit, &holes, 128),
        None,
        "no hole holds 128 bytes"
    );
}

#[test]
fn best_fit_makes_only_best_choices_on_the_git_trace() {
    replay_checked(BestFit, "git", |holes, size, _| {
        (0..holes.len())
            .filter(|&i| holes[i].size >= size)
            .min_by_key(|&i| (holes[i].size, holes[i].start))
    });
}
