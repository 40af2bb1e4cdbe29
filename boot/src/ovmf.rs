//! Finding the OVMF UEFI firmware and giving each run its own variable store.
//!
//! Lookup order (the first complete code + vars pair wins):
//!
//! ```text
//!   1. $OVMF_CODE and $OVMF_VARS            both files, given explicitly
//!   2. $OVMF_DIR                            if set, the only directory searched
//!   3. /usr/share/OVMF, /usr/share/ovmf, /usr/share/qemu
//!        in each directory:  OVMF_CODE_4M.fd + OVMF_VARS_4M.fd
//!                            OVMF_CODE.fd    + OVMF_VARS.fd
//! ```
//!
//! The code image is mapped read-only; the vars image is writable, so every run
//! boots from a fresh temporary copy and the installed file is never modified.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

const DEFAULT_DIRS: [&str; 3] = ["/usr/share/OVMF", "/usr/share/ovmf", "/usr/share/qemu"];
const FILE_PAIRS: [(&str, &str); 2] = [
    ("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd"),
    ("OVMF_CODE.fd", "OVMF_VARS.fd"),
];

/// The firmware code image and the matching template of its variable store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ovmf {
    /// The read-only firmware code (`OVMF_CODE*.fd`).
    pub code: PathBuf,
    /// The template variable store (`OVMF_VARS*.fd`); copy it before use.
    pub vars_template: PathBuf,
}

/// Where the user pointed us, read from the environment.
#[derive(Debug, Default)]
pub struct Overrides {
    /// `$OVMF_CODE`.
    pub code: Option<PathBuf>,
    /// `$OVMF_VARS`.
    pub vars: Option<PathBuf>,
    /// `$OVMF_DIR`.
    pub dir: Option<PathBuf>,
}

impl Overrides {
    /// Reads `OVMF_CODE`, `OVMF_VARS` and `OVMF_DIR`.
    pub fn from_env() -> Self {
        let var = |name| std::env::var_os(name).map(PathBuf::from);
        Self {
            code: var("OVMF_CODE"),
            vars: var("OVMF_VARS"),
            dir: var("OVMF_DIR"),
        }
    }
}

impl Ovmf {
    /// Finds the firmware through the environment and the usual install places.
    pub fn locate() -> Result<Self> {
        Self::find(&Overrides::from_env(), |path| path.is_file())
    }

    /// Finds the firmware, asking `exists` whether a candidate file is present.
    pub fn find(overrides: &Overrides, exists: impl Fn(&Path) -> bool) -> Result<Self> {
        match (&overrides.code, &overrides.vars) {
            (Some(code), Some(vars)) => {
                for path in [code, vars] {
                    if !exists(path) {
                        bail!(
                            "OVMF firmware file {} (from the environment) does not exist",
                            path.display()
                        );
                    }
                }
                return Ok(Self {
                    code: code.clone(),
                    vars_template: vars.clone(),
                });
            }
            (Some(_), None) | (None, Some(_)) => {
                bail!("set both OVMF_CODE and OVMF_VARS (a firmware image and its matching vars file), or neither")
            }
            (None, None) => {}
        }
        let dirs: Vec<PathBuf> = match &overrides.dir {
            Some(dir) => vec![dir.clone()],
            None => DEFAULT_DIRS.iter().map(PathBuf::from).collect(),
        };
        for dir in &dirs {
            for (code, vars) in FILE_PAIRS {
                let (code, vars) = (dir.join(code), dir.join(vars));
                if exists(&code) && exists(&vars) {
                    return Ok(Self {
                        code,
                        vars_template: vars,
                    });
                }
            }
        }
        let searched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        bail!(
            "no OVMF UEFI firmware found in {}: install it with `apt-get install ovmf` \
             (or `make run` installs it), or set OVMF_DIR or OVMF_CODE and OVMF_VARS",
            searched.join(", ")
        )
    }

    /// Copies the vars template into a temporary file that lives as long as the result.
    pub fn fresh_vars(&self) -> Result<NamedTempFile> {
        let copy = NamedTempFile::with_prefix("boot-ovmf-vars-")
            .context("cannot create a temporary file for the OVMF variable store")?;
        std::fs::copy(&self.vars_template, copy.path())
            .with_context(|| format!("cannot copy {}", self.vars_template.display()))?;
        Ok(copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn present<'a>(files: &'a [&'a str]) -> impl Fn(&Path) -> bool + 'a {
        move |path| files.iter().any(|file| Path::new(file) == path)
    }

    #[test]
    fn prefers_4m_pair_then_plain_pair_then_next_directory() {
        let none = Overrides::default();
        let all = [
            "/usr/share/OVMF/OVMF_CODE_4M.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.fd",
            "/usr/share/OVMF/OVMF_CODE.fd",
            "/usr/share/OVMF/OVMF_VARS.fd",
        ];
        assert_eq!(
            Ovmf::find(&none, present(&all)).unwrap().code,
            Path::new(all[0])
        );
        let plain = [
            "/usr/share/OVMF/OVMF_CODE_4M.fd",
            "/usr/share/OVMF/OVMF_CODE.fd",
            "/usr/share/OVMF/OVMF_VARS.fd",
        ];
        assert_eq!(
            Ovmf::find(&none, present(&plain)).unwrap().vars_template,
            Path::new(plain[2])
        );
        let qemu = [
            "/usr/share/qemu/OVMF_CODE.fd",
            "/usr/share/qemu/OVMF_VARS.fd",
        ];
        assert_eq!(
            Ovmf::find(&none, present(&qemu)).unwrap().code,
            Path::new(qemu[0])
        );
    }

    #[test]
    fn ovmf_dir_replaces_the_default_directories() {
        let overrides = Overrides {
            dir: Some("/opt/fw".into()),
            ..Overrides::default()
        };
        let files = [
            "/usr/share/OVMF/OVMF_CODE_4M.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.fd",
            "/opt/fw/OVMF_CODE.fd",
            "/opt/fw/OVMF_VARS.fd",
        ];
        assert_eq!(
            Ovmf::find(&overrides, present(&files)).unwrap().code,
            Path::new("/opt/fw/OVMF_CODE.fd")
        );
        let error = Ovmf::find(&overrides, present(&files[..2]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("/opt/fw") && error.contains("apt-get install ovmf"),
            "{error}"
        );
    }

    #[test]
    fn explicit_files_win_and_must_come_in_pairs() {
        let both = Overrides {
            code: Some("/c.fd".into()),
            vars: Some("/v.fd".into()),
            dir: None,
        };
        let found = Ovmf::find(&both, present(&["/c.fd", "/v.fd"])).unwrap();
        assert_eq!(
            found,
            Ovmf {
                code: "/c.fd".into(),
                vars_template: "/v.fd".into()
            }
        );
        assert!(Ovmf::find(&both, present(&["/c.fd"]))
            .unwrap_err()
            .to_string()
            .contains("/v.fd"));
        let half = Overrides {
            code: Some("/c.fd".into()),
            ..Overrides::default()
        };
        assert!(Ovmf::find(&half, present(&["/c.fd"])).is_err());
    }
}
