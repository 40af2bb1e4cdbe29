//! Replays real programs' traces on the fit simulator with every policy and prints one
//! line per trace and policy: `cargo run --release -p exercises --bin fit_report [TRACE…]`
//! (add `--features solutions` for the reference best and next fit). With no trace named,
//! it replays all eight.

use exercises::fit::{replay, BestFit, FirstFit, NextFit, Policy, SegregatedFit};
use exercises::trace;

const TRACES: &[&str] = &[
    "gawk", "gcc", "git", "gxx", "nginx", "perl", "python3", "sqlite",
];

fn main() {
    let named: Vec<String> = std::env::args().skip(1).collect();
    let traces: Vec<&str> = if named.is_empty() {
        TRACES.to_vec()
    } else {
        named.iter().map(String::as_str).collect()
    };
    println!("{:<8} {:<22} result", "trace", "policy");
    for name in traces {
        let ops = trace::read(name);
        let policies: [&mut dyn Policy; 4] = [
            &mut FirstFit,
            &mut NextFit::default(),
            &mut BestFit,
            &mut SegregatedFit,
        ];
        for policy in policies {
            let outcome = match replay(policy, &ops) {
                Ok(report) => format!(
                    "{report}; {:.0} holes listed per allocation",
                    report.holes_offered as f64 / report.allocations.max(1) as f64
                ),
                Err(error) => error.to_string(),
            };
            println!("{name:<8} {:<22} {outcome}", policy.name());
        }
    }
}
