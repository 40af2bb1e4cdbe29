//! Kernel tests that talk over the serial port: what the runner types into
//! them and what their answers must contain.
//!
//! ```text
//!   serial_echo         types "hello driver"         expects the kernel's echo of it
//!   console             types a session of commands  expects each command's answer
//!   failed_test_report  types nothing                expects a failure, reported
//!   kfence_*            types nothing                expects the guard pool's report,
//!                                                    its frames symbolized from the ELF
//! ```
//!
//! A scripted test passes when the kernel ends the way the script says
//! (success for most; failure for a test of how failures are reported) *and*
//! every expected line appears in its serial output.

use crate::input::Input;

/// One scripted kernel test.
struct Script {
    test: &'static str,
    input: &'static str,
    expected: &'static [&'static str],
    /// Whether the kernel must report failure instead of success.
    must_fail: bool,
}

const SCRIPTS: &[Script] = &[
    Script {
        test: "serial_echo",
        input: "hello driver\n",
        expected: &["echo: hello driver"],
        must_fail: false,
    },
    Script {
        test: "console",
        input: "help\nalloc 100\nalloc 5000 4096\nfill 1 171\ncheck\nfree 1\nfree 999\nbogus\n\
                alloc 12x\nalloc 16 3\nfree\nstats\nmap\ncommit\nbench\nirq\ncpus\nlspci\ndisk\n\
                disk 3\ndisk 99999999\nnet\ntrim\nexit\n",
        expected: &[
            "commands:",
            "block 1: 100 bytes at 0x",
            "block 2: 5000 bytes at 0x",
            "filled block 1 with 0xab",
            "heap check passed",
            "freed block 1",
            "error: no block 999",
            "error: unknown command `bogus`",
            "error: `12x` is not a number",
            "error: no block of 16 bytes aligned to 3",
            "error: wrong arguments for `free`",
            "allocated bytes",
            "heap arena 0x",
            "committed 64 KiB of the 1024 MiB heap window",
            "allocate+free pairs of 64 bytes",
            "line  interrupts",
            "cpu  apic id  timer ticks  lock halts",
            "00:00.0 8086:1237 host bridge",
            "1af4:1042 SCSI storage controller",
            "virtio-blk at 00:",
            "round trip passed: Heap buffers: 64 requests, 256 KiB",
            "sector 3: [",
            "error: the disk failed the request at sector 99999999: I/O error",
            "error: no virtio-net device on the PCI bus",
            "trim gave back",
            "bye",
        ],
        must_fail: false,
    },
    Script {
        test: "failed_test_report",
        input: "",
        expected: &[
            "failed_test_report::a_test_that_panics_while_printing ... ",
            "[failed]",
            "PANIC: panicked at",
            "Display impl exploded inside a test",
        ],
        must_fail: true,
    },
    Script {
        test: "kfence_overflow",
        input: "",
        expected: &[
            "KFENCE: out-of-bounds write at 0x",
            "1 byte(s) right of a 64-byte object",
            "kfence_overflow::driver_allocates_rx_buffer (",
        ],
        must_fail: false,
    },
    Script {
        test: "kfence_underflow",
        input: "",
        expected: &[
            "KFENCE: out-of-bounds read at 0x",
            "1 byte(s) left of a 48-byte object",
            "kfence_underflow::driver_allocates_descriptor (",
        ],
        must_fail: false,
    },
    Script {
        test: "kfence_use_after_free",
        input: "",
        expected: &[
            "KFENCE: use-after-free read at 0x",
            "KFENCE: the faulting access:",
            "kfence_use_after_free::must_panic_main (",
            "kfence_use_after_free::driver_submits_request (",
            "KFENCE: freed on CPU 0:",
            "kfence_use_after_free::driver_aborts_request (",
        ],
        must_fail: false,
    },
    Script {
        test: "kfence_double_free",
        input: "",
        expected: &[
            "KFENCE: invalid free at 0x",
            "kfence_double_free::driver_allocates_bounce_buffer (",
            "KFENCE: freed on CPU 0:",
            "KFENCE: the object was freed already: a double free",
            "KFENCE: freed (this time) on CPU 0:",
            "kfence_double_free::driver_frees_bounce_buffer (",
        ],
        must_fail: false,
    },
    Script {
        test: "kfence_middle_free",
        input: "",
        expected: &[
            "KFENCE: invalid free at 0x",
            "8 byte(s) into a 96-byte object",
            "KFENCE: not the object's start: an interior pointer",
            "kfence_middle_free::driver_allocates_packet (",
        ],
        must_fail: false,
    },
    Script {
        test: "kfence_canary",
        input: "",
        expected: &[
            "KFENCE: canary corrupted at 0x",
            "1 byte(s) right of a 32-byte object",
            "kfence_canary::driver_allocates_status_block (",
            "KFENCE: freed (this time) on CPU 0:",
        ],
        must_fail: false,
    },
    Script {
        test: "kfence_continue",
        input: "",
        expected: &[
            "KFENCE: out-of-bounds write at 0x",
            "KFENCE: use-after-free read at 0x",
            "KFENCE: the page is mapped now and the access goes on",
            "kfence_continue::driver_allocates_buffer (",
            "went on after the reports",
        ],
        must_fail: false,
    },
];

/// The input for the kernel test `test` (nothing for unscripted tests).
pub fn input(test: &str) -> Input {
    find(test).map_or(Input::Nothing, |script| {
        Input::Script(script.input.as_bytes().to_vec())
    })
}

/// Checks the serial output of `test`: `Err` names the first expected line missing.
pub fn judge(test: &str, transcript: &str) -> Result<(), String> {
    let Some(script) = find(test) else {
        return Ok(());
    };
    match script
        .expected
        .iter()
        .find(|line| !transcript.contains(*line))
    {
        Some(missing) => Err(format!("the kernel never printed `{missing}`")),
        None => Ok(()),
    }
}

/// Whether `test` must end with the kernel reporting failure.
pub fn must_fail(test: &str) -> bool {
    find(test).is_some_and(|script| script.must_fail)
}

/// Whether `test` is scripted (its output must be kept to be judged).
pub fn is_scripted(test: &str) -> bool {
    find(test).is_some()
}

fn find(test: &str) -> Option<&'static Script> {
    SCRIPTS.iter().find(|script| script.test == test)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scripted_test_needs_every_expected_line() {
        assert!(judge("serial_echo", "boot...\necho: hello driver\n").is_ok());
        let missing = judge("serial_echo", "boot...\n").unwrap_err();
        assert!(missing.contains("echo: hello driver"), "{missing}");
    }

    #[test]
    fn only_the_failure_report_test_must_fail() {
        assert!(must_fail("failed_test_report"));
        assert!(!must_fail("console"));
        assert!(!must_fail("trim"));
    }

    #[test]
    fn unscripted_tests_read_nothing_and_always_pass_judgement() {
        assert_eq!(input("trim"), Input::Nothing);
        assert!(judge("trim", "").is_ok());
        assert!(matches!(input("console"), Input::Script(bytes) if bytes.ends_with(b"exit\n")));
    }
}
