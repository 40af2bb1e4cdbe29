//! Prints a view as a table: one row per allocator, one column per figure, each cell the
//! figure and, in parentheses, its ratio to ours.
//!
//! ```text
//!   random actions with realloc (million ops/s; (x) = figure / ours, higher is better)
//!   allocator               | max 200       | max 1000      | ...
//!   ours                    |  25.10 (1.00) |  22.31 (1.00) |
//!   talc                    |  20.02 (0.80) |  19.87 (0.89) |
//! ```

use super::figures::{Figures, View};

/// The reference every ratio is taken against.
pub const REFERENCE: &str = "ours";
/// Width of the allocator column.
const NAME_WIDTH: usize = 23;
/// Width of a figure column.
const CELL_WIDTH: usize = 16;

/// Prints `view` to stdout.
pub fn print(figures: &Figures, view: &View) {
    let better = if view.higher_is_better {
        "higher"
    } else {
        "lower"
    };
    println!();
    println!(
        "{} ({}; (x) = figure / ours, {better} is better)",
        view.title, view.unit
    );
    let mut header = format!("{:<NAME_WIDTH$}", "allocator");
    for column in &view.columns {
        header.push_str(&format!(" | {:<CELL_WIDTH$}", column.label));
    }
    println!("{header}");
    println!("{}", "-".repeat(header.len()));
    for allocator in figures.allocators(view) {
        let mut line = format!("{allocator:<NAME_WIDTH$}");
        for column in &view.columns {
            let cell = match figures.get(view, column, allocator) {
                Some(value) => {
                    let reference = figures.get(view, column, REFERENCE).unwrap_or(f64::NAN);
                    format!("{} ({:.2})", number(value / view.scale), value / reference)
                }
                None => "-".to_string(),
            };
            line.push_str(&format!(" | {cell:<CELL_WIDTH$}"));
        }
        println!("{line}");
    }
}

/// A figure with three significant digits or more, without exponents.
pub fn number(value: f64) -> String {
    match value.abs() {
        magnitude if magnitude >= 100.0 => format!("{value:.0}"),
        magnitude if magnitude >= 10.0 => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}
