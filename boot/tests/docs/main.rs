//! The book and `heap/INTERNALS.md` against the code: every output a chapter quotes must
//! be something the code can print, and every file a chapter names must exist. Runs with
//! the host tests (`cargo test --release -p boot --test docs`, part of `make test`).
//!
//! ```text
//!   ```text block that quotes output ─┬─ INFO  kernel::x: msg   msg matches a format string
//!   (first line INFO/WARN/PANIC/      │                          in kernel/src/x.rs
//!    boot:/heapmap/heap>, or the      ├─ PANIC: panicked at F:L:C:   F exists; line L is
//!    block follows `<!-- output -->`) │     message                  where that message's
//!                                     │                              panic sits in F
//!                                     └─ any other line         a format string anywhere
//!                                                               in the sources, or a table
//!                                                               row of literal labels
//!   `path/to/file.rs`, [text](link)  ─── the file exists (from the root or the chapter)
//!   cargo test -p P --test T (sh)    ─── DIR/tests/T.rs exists, DIR package P's (kernel/ for
//!                                       `cargo ktest`)
//!   answer tables, numbers, counter  ─── computed from the code (answers.rs)
//!   tables
//! ```
//!
//! A format string matches when its literal pieces appear in order with anything in place
//! of each `{…}`; outside its own module, one with fewer than three letters or digits of its
//! own matches nothing (`"{}"` would match every line). Where output varies, chapters say so in prose; the
//! check only asks that each quoted line could come from today's code.

mod answers;
mod literals;
mod markdown;
mod quotes;

use std::path::{Path, PathBuf};

/// The Markdown files the check reads, relative to the workspace root.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .filter(|path| {
            path.symlink_metadata()
                .is_ok_and(|m| m.file_type().is_file())
        })
        .collect();
    files.sort();
    files.push(root.join("heap/INTERNALS.md"));
    files.push(root.join("heap/EXPERIMENTS.md"));
    files.push(root.join("README.md"));
    files
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("boot/ sits in the workspace")
        .to_path_buf()
}

#[test]
fn quoted_output_is_what_the_code_prints() {
    let root = root();
    let sources = quotes::Sources::read(&root);
    let mut problems = Vec::new();
    let mut checked = 0;
    for document in documents(&root) {
        let text = std::fs::read_to_string(&document).expect("a readable chapter");
        let name = document.strip_prefix(&root).expect("under the root");
        for block in markdown::blocks(&text).iter().filter(|b| b.is_output()) {
            checked += block.lines.len();
            problems.extend(
                sources
                    .check_block(block)
                    .into_iter()
                    .map(|(line, problem)| format!("{}:{line}: {problem}", name.display())),
            );
        }
    }
    assert!(
        checked > 50,
        "only {checked} quoted lines found: is the output marker gone?"
    );
    assert!(
        problems.is_empty(),
        "quoted output the code no longer prints (fix the chapter, or the code):\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn named_files_exist() {
    let root = root();
    let mut problems = Vec::new();
    for document in documents(&root) {
        let text = std::fs::read_to_string(&document).expect("a readable chapter");
        let name = document.strip_prefix(&root).expect("under the root");
        let dir = document.parent().expect("a chapter lies in a directory");
        for (line, path) in markdown::named_paths(&text) {
            let found = [root.join(&path), dir.join(&path)]
                .iter()
                .any(|candidate| candidate.exists());
            if !found {
                problems.push(format!(
                    "{}:{line}: `{path}` does not exist",
                    name.display()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "chapters name files that are not there:\n  {}",
        problems.join("\n  ")
    );
}

/// The directory of the workspace package named `package`: the one whose manifest says
/// `name = "package"` (the `tagheap` package is `heap/`), else `root/package`.
fn package_dir(root: &Path, package: &str) -> PathBuf {
    let declaration = format!("name = \"{package}\"");
    std::fs::read_dir(root)
        .expect("the workspace root is readable")
        .flatten()
        .map(|entry| entry.path())
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == declaration))
        })
        .unwrap_or_else(|| root.join(package))
}

#[test]
fn named_test_targets_exist() {
    let root = root();
    let mut problems = Vec::new();
    for document in documents(&root) {
        let text = std::fs::read_to_string(&document).expect("a readable chapter");
        let name = document.strip_prefix(&root).expect("under the root");
        for (line, package, target) in markdown::test_targets(&text) {
            let tests = package_dir(&root, &package).join("tests");
            let found = [
                tests.join(format!("{target}.rs")),
                tests.join(&target).join("main.rs"),
            ]
            .iter()
            .any(|file| file.exists());
            if !found {
                problems.push(format!(
                    "{}:{line}: `--test {target}`: {package}/tests/ has no such test",
                    name.display()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "chapters run tests that are not there:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn answers_and_numbers_are_what_the_code_computes() {
    let root = root();
    let read = |name: &str| std::fs::read_to_string(root.join(name)).expect("a readable chapter");
    let exercises = read("docs/06-exercises.md");
    let mut problems = answers::exercise_2(&exercises);
    problems.extend(answers::quoted_edits(&root, &exercises));
    problems.extend(answers::chapter_9(&read("docs/09-allocator-designs.md")));
    problems.extend(answers::chapter_3_bins(&read("docs/03-heap.md")));
    problems.extend(answers::chapter_2_walk(&read("docs/02-paging.md")));
    for document in documents(&root) {
        let text = std::fs::read_to_string(&document).expect("a readable chapter");
        let name = document.strip_prefix(&root).expect("under the root");
        problems.extend(answers::counter_tables(
            &root,
            &name.display().to_string(),
            &text,
        ));
    }
    assert!(
        problems.is_empty(),
        "numbers the code does not give (fix the chapter, or the code):\n  {}",
        problems.join("\n  ")
    );
}
