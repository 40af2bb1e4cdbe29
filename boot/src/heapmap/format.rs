//! The heap-map records the kernel prints (`kernel/src/heapmap.rs`), read back out of a
//! serial log. Lines that do not start with `heapmap ` are the rest of the log and skipped.
//!
//! ```text
//!   heapmap begin <label>                 a map starts; <label>.svg is its file
//!   heapmap arena <base> <acme>           an arena; the chunks after it are its own
//!   heapmap chunk <base> <size> used|free chunks in address order, each where the last ended
//!   heapmap mapped <start> <end>          a run of pages with a frame behind them, after
//!                                         the arena's chunks, in address order
//!   heapmap end                           the map is complete
//! ```
//!
//! Numbers are hex with `0x` or decimal. Anything else, a chunk that does not continue the
//! arena, or a map cut off by the end of the log is a [`FormatError`] naming the line.

use std::fmt;

/// One heap map: a label and the arenas in the order they were printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeapMap {
    /// The name given to `heapmap begin`.
    pub label: String,
    /// The arenas, each with its chunks.
    pub arenas: Vec<Arena>,
}

/// An arena `[base, acme)` and its chunks in address order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arena {
    /// The arena's first byte.
    pub base: u64,
    /// One past its last byte.
    pub acme: u64,
    /// Its chunks; they start at `base`, follow each other without gaps and end below `acme`
    /// (the end record covers the rest).
    pub chunks: Vec<Chunk>,
    /// The runs of its pages that have a frame behind them, `[start, end)`, page-aligned and
    /// in address order (empty in a log from a kernel that does not print them).
    pub mapped: Vec<(u64, u64)>,
}

/// The page size of `mapped` runs.
pub const PAGE: u64 = 4096;

/// One chunk of an arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// The chunk's first byte.
    pub base: u64,
    /// Its size in bytes, metadata included.
    pub size: u64,
    /// Allocated (`true`) or free.
    pub used: bool,
}

/// A log line that breaks the format: its number (from 1) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The line, counted from 1 (the line after the last for a map left open).
    pub line: usize,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "heap map line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for FormatError {}

/// Every heap map in `log`, in order.
pub fn parse(log: &str) -> Result<Vec<HeapMap>, FormatError> {
    let mut maps: Vec<HeapMap> = Vec::new();
    let mut open: Option<(usize, HeapMap)> = None;
    for (index, line) in log.lines().enumerate() {
        let Some(record) = line.trim_end().strip_prefix("heapmap ") else {
            continue;
        };
        let fail = |problem: String| FormatError {
            line: index + 1,
            problem,
        };
        let fields: Vec<&str> = record.split_whitespace().collect();
        match (fields.as_slice(), open.as_mut()) {
            (["begin", label], None) => {
                check_label(label, &maps).map_err(fail)?;
                open = Some((index + 1, new_map(label)));
            }
            (["begin", _], Some((begun, map))) => {
                return Err(fail(format!(
                    "map `{}` (begun on line {begun}) has no `heapmap end`",
                    map.label
                )))
            }
            (["arena", base, acme], Some((_, map))) => {
                let arena = arena(number(base), number(acme)).map_err(fail)?;
                map.arenas.push(arena);
            }
            (["chunk", base, size, state], Some((_, map))) => {
                let chunk = chunk(number(base), number(size), state).map_err(fail)?;
                append(map, chunk).map_err(fail)?;
            }
            (["mapped", start, end], Some((_, map))) => {
                mapped(map, number(start), number(end)).map_err(fail)?;
            }
            (["end"], Some(_)) => maps.extend(open.take().map(|(_, map)| map)),
            (_, None) => return Err(fail(format!("`{record}` outside a map"))),
            _ => return Err(fail(format!("malformed record `{record}`"))),
        }
    }
    match open {
        Some((begun, map)) => Err(FormatError {
            line: log.lines().count() + 1,
            problem: format!(
                "the log ends inside map `{}` (begun on line {begun})",
                map.label
            ),
        }),
        None => Ok(maps),
    }
}

fn new_map(label: &str) -> HeapMap {
    HeapMap {
        label: label.to_string(),
        arenas: Vec::new(),
    }
}

/// A label names a file: a plain word, used once per log.
fn check_label(label: &str, maps: &[HeapMap]) -> Result<(), String> {
    let plain = label
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !plain {
        return Err(format!(
            "label `{label}` must be letters, digits, `-` and `_`"
        ));
    }
    if maps.iter().any(|map| map.label == label) {
        return Err(format!("label `{label}` is used twice"));
    }
    Ok(())
}

/// A hex (`0x…`) or decimal number.
fn number(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("`{text}` is not a number"))
}

fn arena(base: Result<u64, String>, acme: Result<u64, String>) -> Result<Arena, String> {
    let (base, acme) = (base?, acme?);
    if acme <= base {
        return Err(format!("arena {base:#x}..{acme:#x} is empty"));
    }
    Ok(Arena {
        base,
        acme,
        chunks: Vec::new(),
        mapped: Vec::new(),
    })
}

fn chunk(
    base: Result<u64, String>,
    size: Result<u64, String>,
    state: &str,
) -> Result<Chunk, String> {
    let used = match state {
        "used" => true,
        "free" => false,
        other => {
            return Err(format!(
                "chunk state `{other}` is neither `used` nor `free`"
            ))
        }
    };
    Ok(Chunk {
        base: base?,
        size: size?,
        used,
    })
}

/// Adds the run of mapped pages `[start, end)` to the map's last arena: page-aligned,
/// inside the arena's pages, after the previous run.
fn mapped(
    map: &mut HeapMap,
    start: Result<u64, String>,
    end: Result<u64, String>,
) -> Result<(), String> {
    let (start, end) = (start?, end?);
    let Some(arena) = map.arenas.last_mut() else {
        return Err(format!("mapped pages at {start:#x} before any arena"));
    };
    let (first, last) = (arena.base / PAGE * PAGE, arena.acme.next_multiple_of(PAGE));
    let after = arena.mapped.last().map_or(first, |&(_, end)| end);
    if start % PAGE != 0 || end % PAGE != 0 || start >= end {
        return Err(format!(
            "mapped pages {start:#x}..{end:#x} are not a run of whole pages"
        ));
    }
    if start < after || end > last {
        return Err(format!(
            "mapped pages {start:#x}..{end:#x} should lie in {after:#x}..{last:#x}, the arena's \
             pages after the previous run"
        ));
    }
    arena.mapped.push((start, end));
    Ok(())
}

/// Adds `chunk` to the map's last arena, where the previous chunk ended.
fn append(map: &mut HeapMap, chunk: Chunk) -> Result<(), String> {
    let Some(arena) = map.arenas.last_mut() else {
        return Err(format!("chunk at {:#x} before any arena", chunk.base));
    };
    let expected = arena.chunks.last().map_or(arena.base, |c| c.base + c.size);
    if chunk.base != expected {
        return Err(format!(
            "chunk at {:#x} should start at {expected:#x}, where the previous one ends",
            chunk.base
        ));
    }
    if chunk.size == 0 || chunk.base.saturating_add(chunk.size) > arena.acme {
        return Err(format!(
            "chunk at {:#x} of {} bytes does not fit in arena {:#x}..{:#x}",
            chunk.base, chunk.size, arena.base, arena.acme
        ));
    }
    arena.chunks.push(chunk);
    Ok(())
}

#[cfg(test)]
mod tests;
