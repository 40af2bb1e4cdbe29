//! Which contenders run, in table order: ours with caches first, then ours behind one lock,
//! the peers and the system allocator; `ALLOCATORS` (comma-separated names) picks some,
//! `MAGAZINES=1` adds ours with caches of other magazine sizes (the default is 8 blocks).

use super::contenders::{Cached, Contender, Guarded, Host};
use super::lock::YieldLock;
use super::shared::{peer_rlsf, peer_talc};
use tagheap::{LockedHeap, NeverGrow};

/// A measurement that runs on any contender.
pub trait OnEach {
    /// Measures contender `A`.
    fn run<A: Contender>(&mut self);
}

/// Runs `measurement` on every selected contender.
pub fn each(measurement: &mut impl OnEach) {
    let selected = |name: &str| {
        std::env::var("ALLOCATORS").map_or(true, |names| names.split(',').any(|n| n == name))
    };
    macro_rules! run {
        ($($contender:ty),*) => {$(
            if selected(<$contender as Contender>::NAME) {
                measurement.run::<$contender>();
            }
        )*};
    }
    run!(Cached<8>, LockedHeap<YieldLock, NeverGrow>);
    if std::env::var("MAGAZINES").as_deref() == Ok("1") {
        run!(Cached<16>, Cached<32>, Cached<64>);
    }
    run!(
        Guarded<peer_talc::Talc<::talc::source::Manual>>,
        Guarded<peer_rlsf::Tlsf>,
        Host
    );
}
