//! The malloc lab's leaderboard: every lab allocator on every graded trace, with its
//! utilization, its speed and its checks (`docs/13-malloc-lab.md`):
//! `cargo run --release -p exercises --bin malloc_report [TRACE…]` (add `--features
//! solutions` to rank the reference solution as the student's).

use exercises::malloc::replay::{checked, timed, FAST, FRUGAL, TRACES};
use exercises::malloc::{FirstFit, Malloc, OurHeap, Student};
use exercises::trace;
use std::time::Duration;

/// A fresh allocator of each kind, the yardstick first.
fn contenders() -> [Box<dyn Malloc>; 3] {
    [
        Box::new(OurHeap::default()),
        Box::new(FirstFit::default()),
        Box::new(Student::default()),
    ]
}

fn main() {
    let named: Vec<String> = std::env::args().skip(1).collect();
    let traces: Vec<&str> = if named.is_empty() {
        TRACES.to_vec()
    } else {
        named.iter().map(String::as_str).collect()
    };
    println!(
        "{:<8} {:<34} {:>12} {:>10} {:>12} {:>10} {:>7}",
        "trace", "allocator", "utilization", "of ours", "kops/s", "of ours", "checks"
    );
    for name in traces {
        let ops = trace::read(name);
        let mut ours = None;
        for (index, mut malloc) in contenders().into_iter().enumerate() {
            let label = malloc.name();
            let measured = match checked(malloc.as_mut(), &ops) {
                Ok(measured) => measured,
                Err(broken) => {
                    println!("{name:<8} {label:<34} broken {broken}; checks 0/3");
                    continue;
                }
            };
            let best = (0..3)
                .map(|_| timed(contenders()[index].as_mut(), &ops, measured))
                .min()
                .unwrap_or(Duration::MAX);
            let kops = ops.len() as f64 / best.as_secs_f64() / 1000.0;
            let (utilization, speed) = *ours.get_or_insert((measured.utilization(), kops));
            let (u_share, s_share) = (measured.utilization() / utilization, kops / speed);
            let checks = 1 + u32::from(u_share >= FRUGAL) + u32::from(s_share >= FAST);
            println!(
                "{name:<8} {label:<34} {:>11.1}% {:>9.0}% {kops:>12.0} {:>9.0}% {checks:>5}/3",
                100.0 * measured.utilization(),
                100.0 * u_share,
                100.0 * s_share
            );
        }
    }
}
