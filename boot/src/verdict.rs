//! How a finished (or killed) QEMU run is judged.
//!
//! The kernel ends a run by writing to the `isa-debug-exit` device at port
//! `0xf4`; QEMU then exits with `(value << 1) | 1`:
//!
//! ```text
//!   kernel writes   QEMU exits with   verdict          boot exits with
//!   0x10            33                Pass             0
//!   0x11            35                KernelFailure    1
//!   (nothing, deadline passes)        TimedOut         2
//!   anything else (crash, reboot = 0) Unexpected       3
//! ```

use std::fmt;
use std::process::ExitStatus;

/// QEMU's exit status when the kernel wrote the success code `0x10`.
pub const QEMU_SUCCESS: i32 = 33;
/// QEMU's exit status when the kernel wrote the failure code `0x11`.
pub const QEMU_FAILURE: i32 = 35;

/// The judgement of one QEMU run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The kernel reported success.
    Pass,
    /// The kernel reported failure.
    KernelFailure,
    /// The kernel did not finish within this many seconds; QEMU was killed.
    TimedOut(u64),
    /// QEMU ended some other way; the text describes its exit status.
    Unexpected(String),
}

impl Verdict {
    /// Judges QEMU's exit status.
    pub fn from_exit_status(status: ExitStatus) -> Self {
        match status.code() {
            Some(code) => Self::from_exit_code(code),
            None => Self::Unexpected(format!("QEMU ended by {}", describe_status(status))),
        }
    }

    /// Judges QEMU's numeric exit code.
    pub fn from_exit_code(code: i32) -> Self {
        match code {
            QEMU_SUCCESS => Self::Pass,
            QEMU_FAILURE => Self::KernelFailure,
            0 => Self::Unexpected(
                "QEMU exited with status 0: the guest reset or powered off \
                 (a triple fault ends QEMU this way under -no-reboot)"
                    .to_string(),
            ),
            other => Self::Unexpected(format!("QEMU exited with status {other}")),
        }
    }

    /// Whether the kernel reported success.
    pub fn passed(&self) -> bool {
        *self == Self::Pass
    }

    /// The exit code `boot` itself ends with for this verdict.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Pass => 0,
            Self::KernelFailure => 1,
            Self::TimedOut(_) => 2,
            Self::Unexpected(_) => 3,
        }
    }
}

/// A process's exit status in words: `status 101`, or `signal: 9 (SIGKILL)`.
pub fn describe_status(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("status {code}"),
        None => status.to_string(),
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pass => write!(f, "PASS — kernel reported success"),
            Self::KernelFailure => {
                write!(f, "FAIL — kernel reported failure (exit {QEMU_FAILURE})")
            }
            Self::TimedOut(secs) => write!(f, "FAIL — timed out after {secs} s"),
            Self::Unexpected(why) => write!(f, "ERROR — {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_exit_codes_map_to_pass_and_failure() {
        assert_eq!(Verdict::from_exit_code(33), Verdict::Pass);
        assert_eq!(Verdict::from_exit_code(35), Verdict::KernelFailure);
        assert_eq!(Verdict::Pass.exit_code(), 0);
        assert_eq!(Verdict::KernelFailure.exit_code(), 1);
    }

    #[test]
    fn other_codes_are_unexpected_and_name_the_status() {
        let reboot = Verdict::from_exit_code(0);
        assert_eq!(reboot.exit_code(), 3);
        assert!(reboot.to_string().contains("status 0"));
        let crash = Verdict::from_exit_code(1);
        assert_eq!(
            crash,
            Verdict::Unexpected("QEMU exited with status 1".into())
        );
        assert_eq!(crash.exit_code(), 3);
    }

    #[test]
    fn timeout_exits_with_two_and_says_how_long() {
        let verdict = Verdict::TimedOut(7);
        assert_eq!(verdict.exit_code(), 2);
        assert_eq!(verdict.to_string(), "FAIL — timed out after 7 s");
        assert!(!verdict.passed());
    }
}
