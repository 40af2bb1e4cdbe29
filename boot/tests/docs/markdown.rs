//! Just enough Markdown: fenced code blocks, whether a block quotes output, and the file
//! paths a chapter names in backticks or links.

/// A fenced code block.
#[derive(Debug)]
pub struct Block {
    /// The info string after the opening fence (`text`, `sh`, `rust,ignore`).
    pub info: String,
    /// Whether the line before the fence (blank lines aside) is `<!-- output -->`.
    pub marked: bool,
    /// The block's lines, each with its line number in the file (from 1).
    pub lines: Vec<(usize, String)>,
}

/// How a line of quoted output starts when a block needs no marker to be checked.
const OUTPUT_STARTS: &[&str] = &[
    "INFO ", "WARN ", "ERROR ", "DEBUG ", "PANIC", "boot: ", "heapmap ", "heap> ", "grade: ",
    "thread '",
];

impl Block {
    /// Whether the block quotes output: marked, or a `text` block whose first line looks
    /// like the kernel's log, a panic, `boot`'s verdict, heap-map records or the console.
    pub fn is_output(&self) -> bool {
        let first = self
            .lines
            .iter()
            .map(|(_, l)| l.as_str())
            .find(|l| !l.trim().is_empty());
        self.marked
            || (self.info == "text"
                && first.is_some_and(|line| OUTPUT_STARTS.iter().any(|s| line.starts_with(s))))
    }
}

/// The fenced code blocks of `text`.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Block)> = None;
    let mut previous = "";
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.as_mut() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let fence_indent = line.len() - trimmed.len();
                    open = Some((
                        " ".repeat(fence_indent),
                        Block {
                            info: info.trim().to_string(),
                            marked: previous.trim() == "<!-- output -->",
                            lines: Vec::new(),
                        },
                    ));
                } else if !trimmed.is_empty() {
                    previous = line;
                }
            }
            Some((indent, block)) => {
                if trimmed.starts_with("```") {
                    blocks.extend(open.take().map(|(_, block)| block));
                    previous = "";
                } else {
                    let line = line.strip_prefix(indent.as_str()).unwrap_or(line);
                    block.lines.push((index + 1, line.to_string()));
                }
            }
        }
    }
    blocks
}

/// File paths named outside code blocks: backticked words with a `/` that end in a known
/// extension or `/`, and relative link targets. Each with its line number.
pub fn named_paths(text: &str) -> Vec<(usize, String)> {
    let mut paths = Vec::new();
    let mut in_block = false;
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            continue;
        }
        for (position, word) in line.split('`').enumerate() {
            if position % 2 == 1 && looks_like_path(word) {
                paths.push((index + 1, word.to_string()));
            }
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            let after = &rest[start + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split('#').next().unwrap_or("");
            let external = target.contains("://") || target.starts_with("mailto:");
            if !target.is_empty() && !external {
                paths.push((index + 1, target.to_string()));
            }
            rest = &after[end..];
        }
    }
    paths
}

fn looks_like_path(word: &str) -> bool {
    let plain = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'));
    let extension = [".rs", ".md", ".toml", ".json", ".svg", "/"]
        .iter()
        .any(|ext| word.ends_with(ext));
    plain
        && word.contains('/')
        && extension
        && !word.starts_with('/')
        && !word.starts_with("target/")
}

/// The test targets that shell commands name: `(line, package, target)` for each
/// `cargo … --test NAME` in a `sh` block, the package being `kernel` for `cargo ktest` and
/// the `-p` argument otherwise. Targets the chapter asks the reader to write (a
/// backticked `NAME.rs` on a line that says "new test file") are left out.
pub fn test_targets(text: &str) -> Vec<(usize, String, String)> {
    let to_write: Vec<String> = text
        .lines()
        .filter(|line| line.contains("new test file"))
        .flat_map(|line| line.split('`').skip(1).step_by(2))
        .filter_map(|word| word.strip_suffix(".rs"))
        .map(str::to_string)
        .collect();
    let mut targets = Vec::new();
    for block in blocks(text).iter().filter(|block| block.info == "sh") {
        for (number, line) in &block.lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            let after = |flag: &str| {
                let at = words.iter().position(|word| *word == flag)?;
                words.get(at + 1).map(|word| word.to_string())
            };
            let Some(target) = after("--test") else {
                continue;
            };
            let package = if words.contains(&"ktest") {
                Some("kernel".to_string())
            } else {
                after("-p")
            };
            if let Some(package) = package.filter(|_| !to_write.contains(&target)) {
                targets.push((*number, package, target));
            }
        }
    }
    targets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_markers_and_paths() {
        let text = "See `kernel/src/main.rs` and [x](03-heap.md#bins).\n\n<!-- output -->\n\n```text\nstats\n```\n\n```sh\nmake run\n```\n";
        let found = blocks(text);
        assert_eq!(found.len(), 2);
        assert!(found[0].is_output() && !found[1].is_output());
        assert_eq!(found[0].lines, [(6, "stats".to_string())]);
        let paths = named_paths(text);
        assert_eq!(
            paths,
            [
                (1, "kernel/src/main.rs".to_string()),
                (1, "03-heap.md".to_string())
            ]
        );
    }

    #[test]
    fn finds_test_targets_but_not_the_ones_to_write() {
        let text = "Write a new test file, `mine.rs`.\n\n```sh\ncargo ktest --test smp\n\
                    cargo test -p heap --test heap_ops\ncargo test -p heap --test mine\n```\n";
        let targets = test_targets(text);
        let named: Vec<(&str, &str)> = targets
            .iter()
            .map(|(_, package, target)| (package.as_str(), target.as_str()))
            .collect();
        assert_eq!(named, [("kernel", "smp"), ("heap", "heap_ops")]);
    }
}
