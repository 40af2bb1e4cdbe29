//! `boot heapmap`: the heap maps a kernel printed over serial, drawn as SVG pictures.
//!
//! ```text
//!   serial log ──format::parse──▶ [HeapMap] ──svg::render──▶ <out>/<label>.svg, one per map
//! ```
//!
//! The kernel prints the maps when built with its `heapmap` feature; `make run HEAPMAP=1`
//! boots it with `--serial-log target/heapmap/serial.log` and then runs this command.

mod format;
mod rows;
mod svg;

use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Writes one SVG per heap map found in the serial log `log` into `out` (created if
/// missing); returns the files written. A log without maps, or with a broken one, is an error.
pub fn render_log(log: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let bytes =
        fs::read(log).with_context(|| format!("cannot read the serial log {}", log.display()))?;
    let maps = format::parse(&String::from_utf8_lossy(&bytes))
        .with_context(|| format!("{} holds a broken heap map", log.display()))?;
    if maps.is_empty() {
        bail!(
            "{} holds no heap map: build the kernel with its `heapmap` feature (`make run HEAPMAP=1`)",
            log.display()
        );
    }
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    maps.iter()
        .map(|map| {
            let path = out.join(format!("{}.svg", map.label));
            fs::write(&path, svg::render(map))
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_svg_per_map_and_refuses_a_log_without_maps() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("serial.log");
        fs::write(
            &log,
            "INFO  kernel: booted\n\
             heapmap begin grown\nheapmap arena 0x10000 0x10030\n\
             heapmap chunk 0x10000 24 used\nheapmap end\n\
             heapmap begin trimmed\nheapmap arena 0x10000 0x10030\n\
             heapmap chunk 0x10000 24 free\nheapmap end\n",
        )
        .unwrap();
        let out = dir.path().join("maps");
        let written = render_log(&log, &out).unwrap();
        assert_eq!(written, [out.join("grown.svg"), out.join("trimmed.svg")]);
        let trimmed = fs::read_to_string(out.join("trimmed.svg")).unwrap();
        assert!(
            trimmed.contains("free chunk at 0x10000: 24 bytes"),
            "{trimmed}"
        );

        fs::write(&log, "INFO  kernel: booted\n").unwrap();
        let error = render_log(&log, &out).unwrap_err().to_string();
        assert!(error.contains("holds no heap map"), "{error}");
    }
}
