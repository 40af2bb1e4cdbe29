//! The handed-out copy of the files the checks stand on, kept in git, and the test that a
//! student's copy is still that one.
//!
//! ```text
//!   --pristine REV  ─┐
//!   tag `handout`   ─┼─ the first that exists: the revision the checks are read from
//!   HEAD            ─┘  (`make handout` tags the student repository's one commit)
//!   file in the working tree == `git show REV:file`, byte for byte, or the exercise
//!   scores 0 and the report names the file
//! ```
//!
//! An instructor grading a submission grades it in the instructor's tree, where the
//! revision is the instructor's own: only the students' exercise files come from them.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The handed-out revision of a git checkout.
#[derive(Debug, Clone)]
pub struct Pristine {
    root: PathBuf,
    /// The revision the checks are compared with, as given (`handout`, `HEAD`, …).
    pub revision: String,
}

impl Pristine {
    /// The handed-out revision of the checkout at `root`: `explicit` if given, else the
    /// tag `handout`, else `HEAD`.
    pub fn find(root: &Path, explicit: Option<&str>) -> Result<Self> {
        let candidates = match explicit {
            Some(revision) => vec![revision],
            None => vec!["refs/tags/handout", "HEAD"],
        };
        for candidate in candidates {
            let found = git(
                root,
                &[
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    &format!("{candidate}^{{commit}}"),
                ],
            )?;
            if found.is_some() {
                let revision = candidate.trim_start_matches("refs/tags/").to_string();
                return Ok(Self {
                    root: root.to_path_buf(),
                    revision,
                });
            }
        }
        bail!(
            "cannot find the handed-out checks: {} has no revision {} (grade a git checkout; \
             --pristine names the revision to compare the checks with)",
            root.display(),
            explicit.unwrap_or("`handout` or HEAD")
        )
    }

    /// Which of `files` differ from their handed-out copy (or are missing on either side).
    pub fn changed<'a>(&self, files: impl IntoIterator<Item = &'a str>) -> Result<Vec<&'a str>> {
        let mut changed = Vec::new();
        for file in files {
            let handed_out = git(&self.root, &["show", &format!("{}:{file}", self.revision)])?;
            let now = std::fs::read(self.root.join(file)).ok();
            if handed_out.is_none() || handed_out != now {
                changed.push(file);
            }
        }
        Ok(changed)
    }
}

/// The standard output of `git -C root args…`, or `None` when git says no.
fn git(root: &Path, args: &[&str]) -> Result<Option<Vec<u8>>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .context("cannot run git, which grading needs to find the handed-out checks")?;
    Ok(output.status.success().then_some(output.stdout))
}
