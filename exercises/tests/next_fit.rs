//! Exercise 1b, next fit: the roving start on small cases, then every choice of a trace.

mod common;

use common::{assert_same_choices, chosen, holes};
use exercises::fit::{NextFit, Policy};

#[test]
fn next_fit_starts_at_address_zero_and_goes_on_where_the_last_block_ended() {
    let holes = holes(&[(0, 64), (200, 64), (400, 64)]);
    let mut policy = NextFit::default();
    assert_eq!(
        chosen(&mut policy, &holes, 32),
        Some(0),
        "the first search starts at 0"
    );
    policy.placed(200, 32);
    assert_eq!(
        chosen(&mut policy, &holes, 32),
        Some(1),
        "hole 1 still ends after 232"
    );
    policy.placed(232, 32);
    assert_eq!(
        chosen(&mut policy, &holes, 32),
        Some(2),
        "hole 1 ends at 264: no room"
    );
}

#[test]
fn next_fit_wraps_around_and_grows_when_nothing_fits() {
    let holes = holes(&[(0, 64), (200, 16), (400, 16)]);
    let mut policy = NextFit::default();
    policy.placed(300, 32);
    assert_eq!(
        chosen(&mut policy, &holes, 48),
        Some(0),
        "wrapped around to the start"
    );
    assert_eq!(
        chosen(&mut policy, &holes, 128),
        None,
        "no hole holds 128 bytes"
    );
}

#[test]
fn next_fit_makes_the_rules_choices_on_the_git_trace() {
    assert_same_choices(NextFit::default(), "git", NEXT_FIT_ON_GIT);
}

/// The digests of the reference solution's choices on the git trace
/// (`common::choice_digests`).
const NEXT_FIT_ON_GIT: &[u64] = &[
    0x70b0_dfb4_5a9b_48b8,
    0x5cbb_96bc_53b9_6e75,
    0xac33_5787_0e62_f3ef,
    0x971e_892b_de57_6255,
    0x51bd_f914_824b_5189,
    0xc2c6_2c9f_51e3_eec5,
];
