//! Keeping machine-readable lines off the terminal when they go to a log.
//!
//! Heap maps are hundreds of `heapmap …` lines for `boot heapmap` to read from
//! the serial log; a person at the terminal wants the kernel's other lines.
//! Bytes are echoed as they arrive (a prompt has no newline), except that the
//! start of each line is held back while it could still become `heapmap `:
//!
//! ```text
//!   "INFO  kern…"   diverges at byte 1 → held bytes echoed, rest of the line live
//!   "heapmap chunk" matches the prefix → echo off until the newline
//! ```

/// Lines starting with this are kept off the terminal.
pub const QUIET_PREFIX: &[u8] = b"heapmap ";

/// Where the current line stands.
#[derive(Debug, Default)]
pub struct QuietFilter {
    /// The start of the line, held back while it matches the prefix so far.
    held: Vec<u8>,
    /// The line is quiet: nothing of it is echoed.
    quiet: bool,
    /// The line has diverged from the prefix: everything is echoed.
    loud: bool,
}

impl QuietFilter {
    /// The bytes of `chunk` to echo, given what came before.
    pub fn echo(&mut self, chunk: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(chunk.len());
        for &byte in chunk {
            if !self.quiet && !self.loud {
                self.held.push(byte);
                if self.held.len() == QUIET_PREFIX.len() && self.held == QUIET_PREFIX {
                    self.quiet = true;
                    self.held.clear();
                } else if !QUIET_PREFIX.starts_with(&self.held) {
                    self.loud = true;
                    out.append(&mut self.held);
                }
            } else if !self.quiet {
                out.push(byte);
            }
            if byte == b'\n' {
                *self = Self::default();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heapmap_lines_vanish_and_others_pass_even_split_across_chunks() {
        let mut filter = QuietFilter::default();
        let mut echoed = filter.echo(b"INFO  a\nheap");
        echoed.extend(filter.echo(b"map chunk 0x1 8 used\nheap> "));
        echoed.extend(filter.echo(b"stats\n"));
        assert_eq!(String::from_utf8(echoed).unwrap(), "INFO  a\nheap> stats\n");
    }
}
