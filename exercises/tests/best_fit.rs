//! Exercise 1a, best fit: the choice on small cases, then every choice of a whole trace.

mod common;

use common::{assert_same_choices, chosen, holes};
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
fn best_fit_makes_the_rules_choices_on_the_git_trace() {
    assert_same_choices(BestFit, "git", BEST_FIT_ON_GIT);
}

/// The digests of the reference solution's choices on the git trace
/// (`common::choice_digests`).
const BEST_FIT_ON_GIT: &[u64] = &[
    0x3010_6e23_7bdf_3f6c,
    0x39a6_fec7_36f3_0215,
    0x5415_addf_f8af_5d2b,
    0x3078_9a23_a694_26ab,
    0x7ad8_2f80_1ff5_c1b5,
    0xb580_63f0_fd86_4c89,
];
