//! `boot handout DIR`: a student repository made from this one, with the stubs, the checks
//! and the book, and none of the reference solutions.
//!
//! ```text
//!   git archive HEAD ─▶ DIR              the committed tree, nothing uncommitted
//!   delete           ─▶ exercises/src/solutions/, exercises/buddy/src/solutions.rs,
//!                       kernel/src/exercises/solutions.rs, instructors/ (answer keys)
//!   strip            ─▶ every `#[cfg(feature = "solutions")]` item (with its docs), every
//!                       `#[cfg(not(feature = "solutions"))]` line, the `solutions` features
//!   check            ─▶ no source still names the solutions (boot/, which makes handouts,
//!                       aside): else fail, DIR left for a look
//!   git init, commit, tag `handout` ─▶ the revision `make grade` compares the checks with
//! ```

use anyhow::{bail, Context, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

/// What a handout leaves out.
const SOLUTIONS: &[&str] = &[
    "exercises/src/solutions",
    "exercises/buddy/src/solutions.rs",
    "kernel/src/exercises/solutions.rs",
    "instructors",
];
/// The attribute on every solution twin.
const TWIN: &str = "#[cfg(feature = \"solutions\")]";
/// The attribute on every stub that has a twin.
const STUB: &str = "#[cfg(not(feature = \"solutions\"))]";

/// Writes the handout of the repository at `workspace` into `dir` (new or empty).
pub fn write(workspace: &Path, dir: &Path) -> Result<()> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        bail!(
            "{} is not empty: a handout goes into a new directory",
            dir.display()
        );
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let archive = Command::new("git")
        .arg("-C")
        .arg(workspace)
        .args(["archive", "--format=tar", "HEAD"])
        .output()
        .context("cannot run git archive")?;
    if !archive.status.success() {
        bail!(
            "git archive HEAD failed: {}",
            String::from_utf8_lossy(&archive.stderr)
        );
    }
    run(
        Command::new("tar").arg("-x").arg("-C").arg(dir),
        Some(&archive.stdout),
    )?;
    for gone in SOLUTIONS {
        let path = dir.join(gone);
        if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        }
        .with_context(|| format!("cannot remove {gone} from the handout"))?;
    }
    let mut left = Vec::new();
    for file in files(dir)? {
        let text = fs::read_to_string(&file).unwrap_or_default();
        let stripped = if file.extension().is_some_and(|e| e == "toml") {
            strip_feature(&text)
        } else if file.extension().is_some_and(|e| e == "rs") {
            strip_twins(&text)
        } else {
            continue;
        };
        if stripped != text {
            fs::write(&file, &stripped)?;
        }
        let code = !file.starts_with(dir.join("boot"));
        if code
            && (stripped.contains("feature = \"solutions\"") || stripped.contains("solutions::"))
        {
            left.push(
                file.strip_prefix(dir)
                    .unwrap_or(&file)
                    .display()
                    .to_string(),
            );
        }
    }
    if !left.is_empty() {
        bail!(
            "the handout in {} still refers to the solutions in {}",
            dir.display(),
            left.join(", ")
        );
    }
    let git = |args: &[&str]| run(Command::new("git").arg("-C").arg(dir).args(args), None);
    git(&["init", "-q"])?;
    git(&["add", "-A"])?;
    git(&[
        "-c",
        "user.name=handout",
        "-c",
        "user.email=handout@localhost",
        "commit",
        "-qm",
        "The handout",
    ])?;
    git(&["tag", "handout"])
}

/// Runs `command` (with `input` on its stdin), failing on a non-zero exit.
fn run(command: &mut Command, input: Option<&[u8]>) -> Result<()> {
    use std::io::Write;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {command:?}"))?;
    if let Some(bytes) = input {
        child.stdin.take().context("no stdin")?.write_all(bytes)?;
    }
    drop(child.stdin.take());
    let status = child.wait()?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(())
}

/// Every file under `dir`, `.git` aside.
fn files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != ".git") {
                found.extend(files(&path)?);
            }
        } else {
            found.push(path);
        }
    }
    Ok(found)
}

/// Rust source without its solution twins (each with the doc comment above it) and without
/// the stubs' `cfg(not(…))` lines.
fn strip_twins(source: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at].trim();
        if line == STUB {
            at += 1;
        } else if line == TWIN {
            while kept
                .last()
                .is_some_and(|l| l.trim_start().starts_with("///"))
            {
                kept.pop();
            }
            at += item_len(&lines[at + 1..]) + 1;
        } else {
            kept.push(lines[at]);
            at += 1;
        }
    }
    tidy(&kept)
}

/// `lines` as rustfmt leaves them: no two blank lines in a row, none before a closing
/// brace, none at the end.
fn tidy(lines: &[&str]) -> String {
    let mut text = String::new();
    for (at, line) in lines.iter().enumerate() {
        let blank = line.trim().is_empty();
        let next = lines.get(at + 1).map(|l| l.trim());
        if blank && next.is_none_or(|next| next.is_empty() || next.starts_with('}')) {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// The number of lines of the item that starts `lines`: up to its `;` or its closing brace.
fn item_len(lines: &[&str]) -> usize {
    let mut depth = 0i32;
    for (at, line) in lines.iter().enumerate() {
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        let trimmed = line.trim_end();
        if depth <= 0 && (trimmed.ends_with(';') || trimmed.ends_with('}')) {
            return at + 1;
        }
    }
    lines.len()
}

/// A Cargo manifest without its `solutions` feature (and the comment line above it).
fn strip_feature(manifest: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for line in manifest.lines() {
        if line.starts_with("solutions = ") {
            if kept.last().is_some_and(|l| l.starts_with('#')) {
                kept.pop();
            }
            continue;
        }
        kept.push(line);
    }
    let mut text = kept.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_go_with_their_docs_and_stubs_lose_their_cfg() {
        let source = "use a;\n#[cfg(feature = \"solutions\")]\nmod solutions;\n\n\
            /// Stub.\n#[cfg(not(feature = \"solutions\"))]\npub fn f() -> u8 {\n    0\n}\n\n\
            /// Twin.\n#[cfg(feature = \"solutions\")]\npub fn f() -> u8 {\n    if x { 1 } else { 2 }\n}\n";
        assert_eq!(
            strip_twins(source),
            "use a;\n\n/// Stub.\npub fn f() -> u8 {\n    0\n}\n"
        );
        let manifest = "[features]\nexercises = []\n# The solutions.\nsolutions = [\"exercises\"]\n\n[[bin]]\n";
        assert_eq!(
            strip_feature(manifest),
            "[features]\nexercises = []\n\n[[bin]]\n"
        );
    }
}
