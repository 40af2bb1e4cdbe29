//! Return addresses in the kernel's guard-pool reports, turned into
//! `function (file:line)` from the kernel ELF's DWARF line tables.
//!
//! ```text
//!   serial:  KFENCE-FRAME 0x2c0f1
//!   becomes: KFENCE-FRAME 0x2c0f1 kernel::driver::probe (kernel/src/driver.rs:42)
//!            (an inlined call: `inner (file:line) inlined into outer (file:line)`)
//! ```
//!
//! `boot run` prints each report's frames symbolized after it ([`LiveReport`]);
//! `boot test` judges a scripted test's transcript symbolized.
//!
//! The kernel prints ELF addresses (its load offset subtracted) of return
//! addresses; the call is the instruction before, so the lookup is one byte
//! earlier.

use anyhow::{Context as _, Result};
use gimli::{EndianRcSlice, RunTimeEndian};
use object::{Object, ObjectSection};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The marker that opens a line holding one return address.
pub const FRAME_MARKER: &str = "KFENCE-FRAME 0x";

/// The DWARF of one kernel ELF.
pub struct Symbolizer {
    context: addr2line::Context<EndianRcSlice<RunTimeEndian>>,
}

impl Symbolizer {
    /// Reads the debug information of the ELF at `elf`.
    pub fn load(elf: &Path) -> Result<Self> {
        let bytes = std::fs::read(elf).with_context(|| format!("cannot read {}", elf.display()))?;
        let file =
            object::File::parse(&*bytes).with_context(|| format!("{} is no ELF", elf.display()))?;
        let endian = match file.is_little_endian() {
            true => RunTimeEndian::Little,
            false => RunTimeEndian::Big,
        };
        let dwarf = gimli::Dwarf::load(|id| -> Result<_> {
            let data = file
                .section_by_name(id.name())
                .map_or(Ok(&[][..]), |section| section.data())?;
            Ok(EndianRcSlice::new(Rc::from(data), endian))
        })?;
        let context =
            addr2line::Context::from_dwarf(dwarf).context("cannot read the ELF's DWARF")?;
        Ok(Self { context })
    }

    /// `function (file:line)` for the return address `address`, with the
    /// functions inlined there innermost first; `None` if DWARF has no answer.
    pub fn describe(&self, address: u64) -> Option<String> {
        let mut frames = self
            .context
            .find_frames(address.checked_sub(1)?)
            .skip_all_loads()
            .ok()?;
        let mut described = Vec::new();
        while let Ok(Some(frame)) = frames.next() {
            let function = frame
                .function
                .as_ref()
                .and_then(|name| name.demangle().ok().map(|name| name.into_owned()));
            let place = frame
                .location
                .map(|at| format!("{}:{}", at.file.unwrap_or("?"), at.line.unwrap_or(0)));
            described.push(format!(
                "{} ({})",
                function.as_deref().unwrap_or("?"),
                place.as_deref().unwrap_or("?")
            ));
        }
        (!described.is_empty()).then(|| described.join(" inlined into "))
    }

    /// `line` with its function and place appended if it is a frame line.
    pub fn line(&self, line: &str) -> Option<String> {
        let hex = line.trim_start().strip_prefix(FRAME_MARKER)?;
        let address = u64::from_str_radix(hex.trim(), 16).ok()?;
        Some(format!("{} {}", line.trim_end(), self.describe(address)?))
    }

    /// `transcript` with every frame line symbolized.
    pub fn transcript(&self, transcript: &str) -> String {
        transcript
            .lines()
            .map(|line| self.line(line).unwrap_or_else(|| line.to_string()) + "\n")
            .collect()
    }
}

/// The frames of a report streaming by, printed symbolized as one block
/// once the report's run of frame lines ends (`boot: ` before each).
pub struct LiveReport {
    kernel: PathBuf,
    symbolizer: Option<Result<Symbolizer>>,
    pending: Vec<String>,
}

impl LiveReport {
    /// Symbolizes from the ELF at `kernel`, read at the first frame line.
    pub fn new(kernel: PathBuf) -> Self {
        Self {
            kernel,
            symbolizer: None,
            pending: Vec::new(),
        }
    }

    /// Looks at the next serial line.
    pub fn observe(&mut self, line: &str) {
        if !line.contains(FRAME_MARKER) {
            return self.flush();
        }
        let kernel = &self.kernel;
        let described = match self
            .symbolizer
            .get_or_insert_with(|| Symbolizer::load(kernel))
        {
            Ok(symbols) => symbols
                .line(line)
                .unwrap_or_else(|| format!("{line} (no symbol)")),
            Err(error) => format!("{line} (cannot symbolize: {error:#})"),
        };
        self.pending.push(described);
    }

    /// Prints the frames seen since the last flush.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        println!();
        for line in self.pending.drain(..) {
            println!("boot: {line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This test executable's own ELF, with its DWARF.
    fn own_elf() -> Symbolizer {
        Symbolizer::load(&std::env::current_exe().expect("the test's path")).expect("its DWARF")
    }

    #[test]
    fn lines_without_the_marker_pass_through_unchanged() {
        let symbols = own_elf();
        assert_eq!(symbols.line("KFENCE: allocated on CPU 0:"), None);
        assert_eq!(symbols.line("KFENCE-FRAME 0xnothex"), None);
        let transcript = "boot\nKFENCE: invalid free at 0x10\n";
        assert_eq!(symbols.transcript(transcript), transcript);
    }

    #[test]
    // A symbol of its own: inlined into the test harness's closure, it had none.
    #[inline(never)]
    fn a_frame_line_gets_its_function_and_place() {
        let symbols = own_elf();
        // The ELF address of this very function: the lookup is one byte
        // before a return address, so one past its first instruction.
        let file = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let elf = object::File::parse(&*file).unwrap();
        let address = object::Object::symbols(&elf)
            .find(|symbol| {
                // Demangled, so that the test's closure (whose mangled name holds the
                // function's too) cannot be taken for it.
                object::ObjectSymbol::name(symbol).is_ok_and(|name| {
                    addr2line::demangle_auto(name.into(), None)
                        .ends_with("tests::a_frame_line_gets_its_function_and_place")
                })
            })
            .map(|symbol| object::ObjectSymbol::address(&symbol))
            .expect("the test function's symbol");
        let line = symbols
            .line(&format!("{FRAME_MARKER}{:x}", address + 1))
            .expect("a symbolized line");
        assert!(
            line.contains("a_frame_line_gets_its_function_and_place ("),
            "{line}"
        );
        assert!(line.contains("symbolize.rs:"), "{line}");
    }

    #[test]
    fn an_unreadable_elf_is_an_error_naming_it() {
        let error = Symbolizer::load(Path::new("/nonexistent/kernel"))
            .err()
            .expect("an error");
        assert!(
            format!("{error:#}").contains("/nonexistent/kernel"),
            "{error:#}"
        );
    }
}
