//! Where a bench's figures go: a table per view on stdout, an SVG per view and the CSV rows
//! in `target/bench/` of this workspace (or of `CARGO_TARGET_DIR`).
//!
//! ```text
//!   Figures ──┬─► table::print(view)          stdout
//!             ├─► svg::chart(view)            target/bench/<view.file>.svg
//!             └─► Figures::write_csv          target/bench/host.csv (fresh or appended)
//! ```

use super::figures::{Figures, View};
use super::{svg, table};
use std::fs;
use std::io;
use std::path::PathBuf;

/// `target/bench` of this workspace (or of `CARGO_TARGET_DIR`), created if missing.
pub fn dir() -> io::Result<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    let dir = target.join("bench");
    fs::create_dir_all(&dir)?;
    fs::canonicalize(dir)
}

/// Prints every view as a table, draws each as an SVG, and writes the figures to
/// `host.csv`, replacing it or, with `append`, after the rows already there.
pub fn save(figures: &Figures, views: &[View], append: bool) -> io::Result<()> {
    let dir = dir()?;
    for view in views {
        table::print(figures, view);
        fs::write(
            dir.join(format!("{}.svg", view.file)),
            svg::chart(figures, view),
        )?;
    }
    let csv = dir.join("host.csv");
    figures.write_csv(&csv, append)?;
    println!(
        "\n{} {} and one SVG per table in {}",
        if append { "appended to" } else { "wrote" },
        csv.display(),
        dir.display()
    );
    Ok(())
}
