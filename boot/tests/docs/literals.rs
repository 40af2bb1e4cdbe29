//! The string literals of Rust source files, as a docs check needs them: each literal's
//! text (escapes decoded, `\`-newline continuations joined), where it starts, and, for
//! format strings, the literal pieces between the `{…}` placeholders.
//!
//! ```text
//!   panic!("page fault at {address:#x}, RIP {:#x}: {rule}", …)
//!          └─ pieces: "page fault at ", ", RIP ", ": ", "" ─┘   matched as a glob
//! ```
//!
//! The lexer knows comments, char literals and lifetimes only well enough to skip them;
//! raw strings (`r#"…"#`) and byte strings count as literals too.

use std::fs;
use std::path::{Path, PathBuf};

/// One string literal: its file (relative to the workspace root), line and text.
#[derive(Debug, Clone)]
pub struct Literal {
    /// The file, relative to the workspace root.
    pub file: PathBuf,
    /// The line the literal starts on, from 1.
    pub line: usize,
    /// The literal's value.
    pub text: String,
}

/// Every string literal of every `.rs` file under `dirs` (relative to `root`).
pub fn collect(root: &Path, dirs: &[&str]) -> Vec<Literal> {
    let mut files = Vec::new();
    for dir in dirs {
        walk(&root.join(dir), &mut files);
    }
    files.sort();
    let mut literals = Vec::new();
    for file in files {
        let source = fs::read_to_string(&file).expect("a readable source file");
        let relative = file
            .strip_prefix(root)
            .expect("under the root")
            .to_path_buf();
        literals.extend(lex(&source).into_iter().map(|(line, text)| Literal {
            file: relative.clone(),
            line,
            text,
        }));
    }
    literals
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// The string literals of `source`, each with the line it starts on.
pub fn lex(source: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = source.chars().collect();
    let mut literals = Vec::new();
    let (mut at, mut line) = (0, 1);
    let count_lines =
        |from: usize, to: usize| chars[from..to].iter().filter(|&&c| c == '\n').count();
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        if c == '/' && next == Some('/') {
            let end = chars[at..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| at + p);
            at = end;
        } else if c == '/' && next == Some('*') {
            let mut end = at + 2;
            while end + 1 < chars.len() && !(chars[end] == '*' && chars[end + 1] == '/') {
                end += 1;
            }
            line += count_lines(at, end.min(chars.len()));
            at = end + 2;
        } else if c == '\'' {
            at = skip_char_literal(&chars, at);
        } else if c == '"' || (matches!(c, 'r' | 'b') && starts_string(&chars, at)) {
            let start_line = line;
            let (text, end) = string_literal(&chars, at);
            line += count_lines(at, end);
            literals.push((start_line, text));
            at = end;
        } else if c.is_alphanumeric() || c == '_' {
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
        } else {
            line += usize::from(c == '\n');
            at += 1;
        }
    }
    literals
}

/// Whether a string literal with a prefix (`r"`, `r#"`, `b"`, `br"`) starts at `at`.
fn starts_string(chars: &[char], at: usize) -> bool {
    let mut i = at;
    if chars.get(i) == Some(&'b') {
        i += 1;
    }
    if chars.get(i) == Some(&'r') {
        i += 1;
        while chars.get(i) == Some(&'#') {
            i += 1;
        }
    }
    i > at && chars.get(i) == Some(&'"')
}

/// Skips a char literal (`'a'`, `'\n'`, `'"'`) or a lifetime (`'a`) at `at`.
fn skip_char_literal(chars: &[char], at: usize) -> usize {
    match (chars.get(at + 1), chars.get(at + 2)) {
        (Some('\\'), _) => {
            let close = chars[at + 2..]
                .iter()
                .position(|&c| c == '\'')
                .map_or(chars.len(), |p| at + 2 + p);
            close + 1
        }
        (Some(_), Some('\'')) => at + 3,
        _ => at + 1,
    }
}

/// The value of the string literal at `at` and the index after it.
fn string_literal(chars: &[char], at: usize) -> (String, usize) {
    let mut i = at;
    if chars[i] == 'b' {
        i += 1;
    }
    if chars[i] == 'r' {
        i += 1;
        let mut hashes = 0;
        while chars[i] == '#' {
            hashes += 1;
            i += 1;
        }
        i += 1;
        let start = i;
        loop {
            if i >= chars.len() {
                return (chars[start..].iter().collect(), chars.len());
            }
            if chars[i] == '"'
                && chars[i + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&c| c == '#')
                    .count()
                    == hashes
            {
                return (chars[start..i].iter().collect(), i + 1 + hashes);
            }
            i += 1;
        }
    }
    i += 1;
    let mut text = String::new();
    while i < chars.len() && chars[i] != '"' {
        if chars[i] != '\\' {
            text.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        match chars.get(i) {
            Some('n') => text.push('\n'),
            Some('t') => text.push('\t'),
            Some('r') => text.push('\r'),
            Some('0') => text.push('\0'),
            Some('\n') => {
                while chars.get(i + 1).is_some_and(|c| c.is_whitespace()) {
                    i += 1;
                }
            }
            Some('x') => {
                let hex: String = chars[i + 1..i + 3].iter().collect();
                text.extend(u8::from_str_radix(&hex, 16).ok().map(char::from));
                i += 2;
            }
            Some('u') => {
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == '}')
                    .map_or(i, |p| i + p);
                let hex: String = chars[i + 2..close].iter().collect();
                text.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                i = close;
            }
            Some(&other) => text.push(other),
            None => {}
        }
        i += 1;
    }
    (text, i + 1)
}

/// The literal pieces of a format string, split at its `{…}` placeholders (`{{` and `}}`
/// are plain braces): `"a {} b {x:>4}"` gives `["a ", " b ", ""]`.
pub fn pieces(format: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                pieces.last_mut().expect("one piece").push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.last_mut().expect("one piece").push('}');
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                pieces.push(String::new());
            }
            c => pieces.last_mut().expect("one piece").push(c),
        }
    }
    pieces
}

/// Whether `line` is what the format string with these `pieces` prints, each placeholder
/// standing for any text.
pub fn matches(pieces: &[String], line: &str) -> bool {
    let (first, rest) = pieces.split_first().expect("at least one piece");
    let Some(mut remaining) = line.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for piece in middle {
        match remaining.find(piece.as_str()) {
            Some(found) => remaining = &remaining[found + piece.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_strings_continuations_and_skips_comments_and_chars() {
        let source = "// \"not this\"\nlet c = '\"'; let s = \"a {x}\\n\\\n    b\";\n/* \"nor\" */ r#\"raw \"q\"\"#";
        let found = lex(source);
        assert_eq!(
            found,
            [(2, "a {x}\nb".to_string()), (4, "raw \"q\"".to_string())]
        );
    }

    #[test]
    fn a_format_string_matches_what_it_prints() {
        let format = pieces("page fault at {address:#x}, RIP {:#x}: {rule} {{ok}}");
        assert!(matches(
            &format,
            "page fault at 0x10, RIP 0xff: protection violation {ok}"
        ));
        assert!(!matches(
            &format,
            "page fault at 0x10: protection violation {ok}"
        ));
        assert!(matches(&pieces("{} x"), "12 x"));
        assert!(!matches(&pieces("exact"), "exact and more"));
    }
}
