//! The issue's goals, checked against the figures and printed: met, or missed by how much.
//!
//! ```text
//!   pair <= 45 cycles (64 B)   keep >= 0.8 up to the host's cores   >= 2x every peer at 2+
//! ```

use super::settings::Settings;
use super::shared::figures::{Column, Figures, View};
use super::workloads::Workload;

/// Ours with caches, whose figures the goals are about.
const OURS: &str = "ours+cache";
/// The peers the last goal compares with.
const PEERS: [&str; 4] = ["ours", "talc", "rlsf", "system"];

/// The figure of `allocator` for `(workload, param, metric)`, if measured.
fn get(
    figures: &Figures,
    workload: &'static str,
    param: String,
    metric: &'static str,
    allocator: &str,
) -> Option<f64> {
    let view = View {
        workload,
        file: String::new(),
        title: String::new(),
        unit: "",
        scale: 1.0,
        higher_is_better: true,
        columns: Vec::new(),
    };
    figures.get(&view, &Column::new("", param, metric), allocator)
}

/// Prints each goal with its figure.
pub fn print(figures: &Figures, settings: &Settings) {
    println!(
        "\nGoals (this host has {} cores; figures above the core count share cores)",
        settings.cores
    );
    if let Some(cycles) = get(
        figures,
        "scaling-pair",
        "size=64".into(),
        "cycles_per_pair",
        OURS,
    ) {
        let verdict = if cycles <= 45.0 {
            "met".to_string()
        } else {
            format!("missed by {:.1}", cycles - 45.0)
        };
        println!("  alloc+free pair of 64 B: {cycles:.1} cycles (goal <= 45): {verdict}");
    }
    for workload in Workload::ALL {
        for &threads in settings.threads.iter().filter(|&&n| n >= 2) {
            let param = format!("{},threads={threads}", workload.name());
            if threads <= settings.cores {
                let keep = |who| {
                    get(
                        figures,
                        "scaling-keep",
                        param.clone(),
                        "per_thread_vs_one",
                        who,
                    )
                };
                if let (Some(keep), Some(host)) = (keep(OURS), keep("compute")) {
                    let verdict = if keep >= 0.8 { "met" } else { "missed" };
                    println!("  {} at {threads} threads: per thread {keep:.2}x one thread (goal >= 0.8): {verdict}; a compute loop kept {host:.2}x", workload.name());
                }
            }
            let param = format!("threads={threads}");
            let metric = "ops_per_sec_per_thread";
            let Some(ours) = get(figures, workload.name(), param.clone(), metric, OURS) else {
                continue;
            };
            let best = PEERS.iter().filter_map(|peer| {
                get(figures, workload.name(), param.clone(), metric, peer).map(|rate| (rate, *peer))
            });
            if let Some((rate, peer)) = best.max_by(|a, b| a.0.total_cmp(&b.0)) {
                let verdict = if ours >= 2.0 * rate { "met" } else { "missed" };
                println!("  {} at {threads} threads: {:.2}x the best peer ({peer}) (goal >= 2): {verdict}", workload.name(), ours / rate);
            }
        }
    }
}
