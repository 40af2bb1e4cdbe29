//! Copying a child's output live to our stdout (and a log file) while reading it line by line.
//!
//! ```text
//!   child stdout ──chunks──▶ echo (our stdout) (as soon as bytes arrive, partial lines too;
//!                     │                        with a log, `heapmap` lines go to the log only)
//!                     ├────▶ log file          (optional)
//!                     └────▶ line assembler ──▶ on_line("…")  (complete lines, without \r\n)
//! ```

mod quiet;

use quiet::QuietFilter;
use std::fs::File;
use std::io::{self, Read, Write};

/// Lines that explain why a run failed: kernel panics, failed in-kernel cases, host panics.
pub fn is_failure_evidence(line: &str) -> bool {
    line.contains("PANIC:") || line.contains("[failed]") || line.contains("panicked at")
}

/// Remembers the last failure line of an output. A panic prints its location ending in `:`
/// and its message on the next line, so such a line is completed by the one after it.
#[derive(Debug, Default)]
pub struct Evidence {
    last: Option<String>,
    awaiting_message: bool,
}

impl Evidence {
    /// Looks at the next line of output.
    pub fn observe(&mut self, line: &str) {
        if is_failure_evidence(line) {
            self.last = Some(line.trim().to_string());
            self.awaiting_message = line.trim_end().ends_with(':');
        } else if std::mem::take(&mut self.awaiting_message) {
            if let Some(last) = self.last.as_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        }
    }

    /// The last failure line seen, if any.
    pub fn into_line(self) -> Option<String> {
        self.last
    }
}

/// Copies `source` to `echo` and `log` until end of file, calling `on_line` for every line.
pub fn pump(
    mut source: impl Read,
    mut echo: impl Write,
    mut log: Option<File>,
    mut on_line: impl FnMut(&str),
) -> io::Result<()> {
    let mut chunk = [0u8; 4096];
    let mut pending_line = Vec::new();
    let mut quiet = QuietFilter::default();
    loop {
        let read = match source.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let bytes = &chunk[..read];
        match log.as_mut() {
            Some(log) => {
                echo.write_all(&quiet.echo(bytes))?;
                log.write_all(bytes)?;
            }
            None => echo.write_all(bytes)?,
        }
        echo.flush()?;
        for &byte in bytes {
            if byte == b'\n' {
                emit_line(&pending_line, &mut on_line);
                pending_line.clear();
            } else {
                pending_line.push(byte);
            }
        }
    }
    if !pending_line.is_empty() {
        emit_line(&pending_line, &mut on_line);
    }
    Ok(())
}

fn emit_line(bytes: &[u8], on_line: &mut impl FnMut(&str)) {
    let line = String::from_utf8_lossy(bytes);
    on_line(line.trim_end_matches('\r'));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_across_reads_and_keeps_the_unterminated_tail() {
        let mut lines = Vec::new();
        let two_reads = (&b"one\r\ntw"[..]).chain(&b"o\nthree"[..]);
        let mut echoed = Vec::new();
        pump(two_reads, &mut echoed, None, |line| {
            lines.push(line.to_string())
        })
        .unwrap();
        assert_eq!(echoed, b"one\r\ntwo\nthree");
        assert_eq!(lines, ["one", "two", "three"]);
    }

    #[test]
    fn recognises_kernel_and_host_failure_lines() {
        assert!(is_failure_evidence("PANIC: heap corrupted at 0x1000"));
        assert!(is_failure_evidence("heap::grow_extends_arena ... [failed]"));
        assert!(is_failure_evidence(
            "thread 'main' panicked at src/lib.rs:3:5:"
        ));
        assert!(!is_failure_evidence("heap::grow_extends_arena ... [ok]"));
    }

    #[test]
    fn evidence_keeps_the_last_failure_with_its_panic_message() {
        let mut evidence = Evidence::default();
        for line in [
            "alloc::small ... [failed]",
            "PANIC: panicked at kernel/src/interrupts.rs:53:5:",
            "general protection fault at RIP 0xffff80000005d7f3, error code 0x10",
            "heap counters: unavailable",
        ] {
            evidence.observe(line);
        }
        assert_eq!(
            evidence.into_line().as_deref(),
            Some("PANIC: panicked at kernel/src/interrupts.rs:53:5: general protection fault at RIP 0xffff80000005d7f3, error code 0x10")
        );
        let mut single = Evidence::default();
        single.observe("heap::frees ... [failed]");
        single.observe("next case");
        assert_eq!(
            single.into_line().as_deref(),
            Some("heap::frees ... [failed]")
        );
    }
}
