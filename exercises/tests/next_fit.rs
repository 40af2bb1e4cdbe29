//! Exercise 1b, next fit: the roving start on small cases, then every choice of a trace.

mod common;

use common::{chosen, holes, replay_checked};
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
fn next_fit_makes_only_next_fit_choices_on_the_git_trace() {
    replay_checked(NextFit::default(), "git", |holes, size, last_end| {
        let from = holes.partition_point(|hole| hole.end() <= last_end);
        (from..holes.len())
            .chain(0..from)
            .find(|&i| holes[i].size >= size)
    });
}
