//! The figures a run produces, one row per (workload, param, allocator, metric), and the
//! views that tables and plots are drawn from.
//!
//! ```text
//!   Figure  { workload: "random", param: "max_size=1000", allocator: "talc",
//!             metric: "ops_per_sec", value: 2.1e7 }           one CSV row each
//!   View    { title, unit, scale, columns: [(label, param, metric)], higher_is_better }
//!             one table on stdout and one SVG in target/bench/ each
//! ```

use std::fs::OpenOptions;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// One measured figure.
pub struct Figure {
    workload: &'static str,
    param: String,
    allocator: &'static str,
    metric: &'static str,
    value: f64,
}

/// Every figure of a run, in the order they were measured.
#[derive(Default)]
pub struct Figures {
    rows: Vec<Figure>,
}

impl Figures {
    /// Records a figure.
    pub fn add(
        &mut self,
        workload: &'static str,
        param: impl Into<String>,
        allocator: &'static str,
        metric: &'static str,
        value: f64,
    ) {
        let param = param.into();
        self.rows.push(Figure {
            workload,
            param,
            allocator,
            metric,
            value,
        });
    }

    /// The figure for `allocator` in `column` of `view`, if measured.
    pub fn get(&self, view: &View, column: &Column, allocator: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|row| {
                row.workload == view.workload
                    && row.param == column.param
                    && row.metric == column.metric
                    && row.allocator == allocator
            })
            .map(|row| row.value)
    }

    /// The allocators measured in `view`'s workload, in measuring order.
    pub fn allocators(&self, view: &View) -> Vec<&'static str> {
        let mut names = Vec::new();
        for row in self.rows.iter().filter(|row| row.workload == view.workload) {
            if !names.contains(&row.allocator) {
                names.push(row.allocator);
            }
        }
        names
    }

    /// Writes every figure to the CSV file at `path`, replacing it or, with `append`, after
    /// its rows; a new or empty file first gets the header
    /// `workload,param,allocator,metric,value`.
    pub fn write_csv(&self, path: &Path, append: bool) -> io::Result<()> {
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)?;
        let empty = file.metadata()?.len() == 0;
        let mut csv = BufWriter::new(file);
        if empty {
            writeln!(csv, "workload,param,allocator,metric,value")?;
        }
        for row in &self.rows {
            writeln!(
                csv,
                "{},{},{},{},{}",
                row.workload, row.param, row.allocator, row.metric, row.value
            )?;
        }
        csv.flush()
    }
}

/// A column of a view: one metric at one parameter.
pub struct Column {
    /// The column's heading (and the group's label in the plot).
    pub label: String,
    /// The figures' `param`.
    pub param: String,
    /// The figures' `metric`.
    pub metric: &'static str,
}

/// One table and one plot: columns of a workload's figures, one row or bar per allocator.
pub struct View {
    /// The figures' `workload`.
    pub workload: &'static str,
    /// The file name of the plot, without `.svg`.
    pub file: String,
    /// The title above the table and the plot.
    pub title: String,
    /// What the printed numbers are (after `scale`), e.g. "million ops/s".
    pub unit: &'static str,
    /// Printed number = figure / scale.
    pub scale: f64,
    /// Whether larger figures are better (for the reading note).
    pub higher_is_better: bool,
    /// The columns, left to right.
    pub columns: Vec<Column>,
}

impl Column {
    /// A column for `metric` at `param`, headed `label`.
    pub fn new(label: impl Into<String>, param: impl Into<String>, metric: &'static str) -> Self {
        Self {
            label: label.into(),
            param: param.into(),
            metric,
        }
    }
}
