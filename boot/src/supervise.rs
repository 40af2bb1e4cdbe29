//! Watching one QEMU process: its serial output streamed live, its exit or its deadline.
//!
//! ```text
//!   main thread:    spawn ─▶ poll try_wait every 20 ms ─▶ exit status ─────────▶ Verdict
//!                                  ├─ deadline passed ──────▶ kill, reap ─▶ TimedOut
//!                                  └─ KVM internal error ───▶ kill, reap ─▶ Unexpected
//!   serial thread:  QEMU stdout ─▶ stream::pump ─▶ stdout, log, last failure line,
//!                                  a guard-pool report's frames symbolized (`symbolize`)
//!   stderr thread:  QEMU stderr ─▶ stream::pump ─▶ stderr, watch for "KVM internal error"
//! ```
//!
//! On a KVM internal error QEMU stops the guest but does not exit, so it is ended here
//! rather than left to run into the deadline.

use crate::input::{self, Input};
use crate::qemu;
use crate::stream::{self, Evidence};
use crate::symbolize::LiveReport;
use crate::verdict::Verdict;
use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What QEMU prints on stderr when KVM fails to run the guest (it then pauses the guest).
const KVM_INTERNAL_ERROR: &str = "KVM internal error";

/// How a boot ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The judgement from QEMU's exit status (or the deadline).
    pub verdict: Verdict,
    /// The last `PANIC:` / `[failed]` line the kernel printed, if any.
    pub evidence: Option<String>,
}

/// Runs the QEMU `command` until it exits or `timeout_secs` pass, feeding its serial
/// port `input`, copying its serial output to stdout (and `log`), and judges how it ended.
/// The return addresses of a guard-pool report are looked up in `kernel` (its ELF).
pub fn supervise(
    mut command: Command,
    timeout_secs: Option<u64>,
    log: Option<File>,
    input: &Input,
    kernel: &Path,
) -> Result<Outcome> {
    let kernel = kernel.to_path_buf();
    let mut child = command
        .stdin(input.stdin())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", qemu::QEMU))?;
    let (ready, on_ready) = mpsc::channel();
    let feeder = input.feed(&mut child, on_ready);
    let serial = child
        .stdout
        .take()
        .context("QEMU's stdout was not captured")?;
    let reader = thread::spawn(move || {
        let mut evidence = Evidence::default();
        let mut report = LiveReport::new(kernel);
        let copied = stream::pump(serial, io::stdout(), log, |line| {
            evidence.observe(line);
            report.observe(line);
            if line.contains(input::READY) {
                // The feeder is gone if there is no script: nothing to tell.
                let _ = ready.send(());
            }
        });
        report.flush();
        copied.map(|()| evidence.into_line())
    });
    let diagnostics = child
        .stderr
        .take()
        .context("QEMU's stderr was not captured")?;
    let kvm_failed = Arc::new(AtomicBool::new(false));
    let kvm_flag = Arc::clone(&kvm_failed);
    let watcher = thread::spawn(move || {
        stream::pump(diagnostics, io::stderr(), None, |line| {
            if line.contains(KVM_INTERNAL_ERROR) {
                kvm_flag.store(true, Ordering::Relaxed);
            }
        })
    });
    let deadline = timeout_secs.map(|secs| (secs, Instant::now() + Duration::from_secs(secs)));
    let verdict = loop {
        if let Some(status) = child.try_wait().context("cannot wait for QEMU")? {
            break Verdict::from_exit_status(status);
        }
        if kvm_failed.load(Ordering::Relaxed) {
            stop(&mut child)?;
            break Verdict::Unexpected(format!(
                "{KVM_INTERNAL_ERROR}: KVM cannot run this guest here; BOOT_KVM=0 uses TCG"
            ));
        }
        if let Some((secs, at)) = deadline {
            if Instant::now() >= at {
                stop(&mut child)?;
                break Verdict::TimedOut(secs);
            }
        }
        thread::sleep(Duration::from_millis(20));
    };
    // The pipe stays open until QEMU is gone; now it may close.
    drop(feeder.map(JoinHandle::join));
    let evidence = match reader.join() {
        Ok(copied) => copied.context("cannot copy QEMU's serial output")?,
        Err(_) => bail!("the thread copying QEMU's serial output panicked"),
    };
    match watcher.join() {
        Ok(copied) => copied.context("cannot copy QEMU's diagnostics")?,
        Err(_) => bail!("the thread copying QEMU's diagnostics panicked"),
    }
    Ok(Outcome { verdict, evidence })
}

fn stop(child: &mut Child) -> Result<()> {
    child.kill().context("cannot kill QEMU")?;
    child.wait().context("cannot reap the killed QEMU")?;
    Ok(())
}
