//! The scaling bench's tables and plots, and the issue's goals checked against its figures.
//!
//! ```text
//!   scaling-pair       cycles per allocate + free pair, by size           (goal: <= 45)
//!   scaling-<work>     ops/s per thread, by thread count
//!   scaling-keep       per-thread ops/s at n threads / at 1 thread        (goal: >= 0.8)
//!   scaling-locks      locks taken per operation, by workload and thread count
//!   goals              printed: each goal, the figure, met or missed by how much
//! ```

use super::harness::compute_keep;
use super::pair::SIZES;
use super::settings::Settings;
use super::shared::figures::{Column, Figures, View};
use super::workloads::Workload;

/// Adds the keep ratios: ops/s per thread at `n` threads over that at one thread, and the
/// same for a compute loop (`compute`), which says what the host's cores gave meanwhile.
pub fn add_keep(figures: &mut Figures, settings: &Settings) {
    for &threads in &settings.threads[1..] {
        let keep = compute_keep(threads, settings.trials);
        for workload in Workload::ALL {
            let param = format!("{},threads={threads}", workload.name());
            figures.add("scaling-keep", param, "compute", "per_thread_vs_one", keep);
        }
    }
    for workload in Workload::ALL {
        let view = view(workload, settings);
        for allocator in figures.allocators(&view) {
            let one = figures.get(&view, &view.columns[0], allocator);
            for column in &view.columns[1..] {
                let (Some(one), Some(many)) = (one, figures.get(&view, column, allocator)) else {
                    continue;
                };
                let param = format!("{},{}", workload.name(), column.param);
                figures.add(
                    "scaling-keep",
                    param,
                    allocator,
                    "per_thread_vs_one",
                    many / one,
                );
            }
        }
    }
}

/// The view of one workload: a column per thread count.
fn view(workload: Workload, settings: &Settings) -> View {
    let columns = settings.threads.iter().map(|threads| {
        let param = format!("threads={threads}");
        Column::new(
            format!("{threads} thread(s)"),
            param,
            "ops_per_sec_per_thread",
        )
    });
    View {
        workload: workload.name(),
        file: workload.name().to_string(),
        title: format!(
            "{}: throughput per thread ({}-core host)",
            workload.name(),
            settings.cores
        ),
        unit: "million ops/s per thread",
        scale: 1e6,
        higher_is_better: true,
        columns: columns.collect(),
    }
}

/// Every table and plot of the bench.
pub fn views(settings: &Settings) -> Vec<View> {
    let pair = View {
        workload: "scaling-pair",
        file: "scaling-pair".to_string(),
        title: "One thread: allocate + free pair of a cached size".to_string(),
        unit: "cycles per pair",
        scale: 1.0,
        higher_is_better: false,
        columns: SIZES
            .iter()
            .map(|size| {
                Column::new(
                    format!("{size} B"),
                    format!("size={size}"),
                    "cycles_per_pair",
                )
            })
            .collect(),
    };
    let keep_columns = Workload::ALL.iter().flat_map(|workload| {
        settings.threads[1..].iter().map(move |threads| {
            let param = format!("{},threads={threads}", workload.name());
            let label = format!("{} {threads}", &workload.name()[8..]);
            Column::new(label, param, "per_thread_vs_one")
        })
    });
    let keep = View {
        workload: "scaling-keep",
        file: "scaling-keep".to_string(),
        title: format!(
            "Throughput per thread at n threads / at one ({}-core host)",
            settings.cores
        ),
        unit: "x the one-thread figure",
        scale: 1.0,
        higher_is_better: true,
        columns: keep_columns.collect(),
    };
    let workloads = Workload::ALL
        .iter()
        .map(|&workload| view(workload, settings));
    let locks = locks(settings);
    [pair]
        .into_iter()
        .chain(workloads)
        .chain([keep, locks])
        .collect()
}

/// Locks taken per operation: a column per workload and thread count.
fn locks(settings: &Settings) -> View {
    let columns = Workload::ALL.iter().flat_map(|workload| {
        settings.threads.iter().map(move |threads| {
            let param = format!("{},threads={threads}", workload.name());
            let label = format!("{} {threads}", &workload.name()[8..]);
            Column::new(label, param, "locks_per_op")
        })
    });
    View {
        workload: "scaling-locks",
        file: "scaling-locks".to_string(),
        title: "Locks taken per operation (what decides scaling, whatever else the host runs)"
            .to_string(),
        unit: "locks per 1000 allocations and frees",
        scale: 1e-3,
        higher_is_better: false,
        columns: columns.collect(),
    }
}
