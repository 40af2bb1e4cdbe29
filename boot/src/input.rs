//! What the guest's serial port reads: nothing, the user's terminal, or a
//! script a test writes into QEMU's stdin (`-serial stdio`).
//!
//! ```text
//!   Input::Nothing   stdin = /dev/null            (runs and most tests)
//!   Input::Terminal  stdin = this terminal        (make console)
//!   Input::Script    stdin = pipe ◄─ feeder thread waits until the kernel prints
//!                    READY, writes the bytes, keeps the pipe open until QEMU is gone
//! ```
//!
//! Bytes typed before the kernel listens would be lost: the UART's receive
//! FIFO is reset when the kernel initializes the port. So a script waits for
//! the kernel's [`READY`] line; after that, QEMU reads the pipe only as fast
//! as the emulated UART takes bytes, and nothing is lost.

use std::io::Write;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::Receiver;
use std::thread::{self, JoinHandle};

/// What the kernel prints once it takes serial input (`kernel/src/serial/mod.rs`).
pub const READY: &str = "COM1 receives input";

/// The serial input of one boot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Input {
    /// No input.
    #[default]
    Nothing,
    /// The terminal `boot` runs in.
    Terminal,
    /// These bytes, then nothing more.
    Script(Vec<u8>),
}

impl Input {
    /// How QEMU's stdin must be set up.
    pub fn stdin(&self) -> Stdio {
        match self {
            Self::Nothing => Stdio::null(),
            Self::Terminal => Stdio::inherit(),
            Self::Script(_) => Stdio::piped(),
        }
    }

    /// Starts writing a script into `child`'s stdin once `ready` delivers (the
    /// kernel printed [`READY`]). The returned handle owns the pipe; joining it
    /// after QEMU exits closes it.
    pub fn feed(
        &self,
        child: &mut Child,
        ready: Receiver<()>,
    ) -> Option<JoinHandle<Option<ChildStdin>>> {
        let Self::Script(bytes) = self else {
            return None;
        };
        let bytes = bytes.clone();
        let mut stdin = child.stdin.take()?;
        Some(thread::spawn(move || {
            ready.recv().ok()?;
            stdin.write_all(&bytes).and_then(|()| stdin.flush()).ok()?;
            Some(stdin)
        }))
    }
}
