//! virtio-net and `smoltcp` with the runner at the other end (`boot/src/echo_peer.rs`):
//! the kernel serves the UDP and TCP echo until the runner's "quit" datagram, after the
//! runner has sent its datagrams and its stream and checked every byte that came back;
//! then the kernel's side must have seen all of it, the heap must have served only the
//! set-up, and the figures are printed.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use kernel::net::echo::{self, Until};
use kernel::net::report::{Moment, Report};
use kernel::{net, pci, serial_println};

kernel::test_kernel!(|_boot_info| {
    // Interrupts on: the card's completions and the stack's clock come by interrupt.
    kernel::timer::start();
});

/// What the runner sends (`echo_peer::DATAGRAMS`, `echo_peer::STREAM_BYTES`).
const DATAGRAMS: u64 = 200;
const STREAM_BYTES: u64 = 256 << 10;

#[test_case]
fn the_echo_serves_the_runner_until_it_quits() {
    let nic = net::probe(pci::devices()).unwrap_or_else(|error| panic!("{error}"));
    assert!(
        nic.interrupt_driven(),
        "the card's INTx line was not registered"
    );
    let start = Moment::now(&nic);
    let served = echo::serve(&nic, Until::Quit);
    let report = Report::since(&start, &nic);
    serial_println!("net: served {served:?}");
    serial_println!("net: {report}");
    // The probes before the kernel was up, the datagrams, the quit.
    assert!(served.datagrams > DATAGRAMS, "{served:?}");
    assert_eq!(served.connections, 1, "{served:?}");
    assert_eq!(served.tcp_bytes, STREAM_BYTES, "{served:?}");
    assert!(report.nic.interrupts > 0, "{report}");
    assert_eq!(report.nic.receive_errors, 0, "{report}");
    // The heap serves smoltcp's set-up only, all of it given back when serving ends: the
    // frames themselves live in DMA pool blocks, one each.
    assert!(report.allocations <= SET_UP_ALLOCATIONS, "{report}");
    assert_eq!(report.allocations, report.frees, "{report}");
    assert_eq!(report.pool_allocations, report.frames, "{report}");
}

/// The heap allocations of `echo::serve`'s set-up, at most: the interface, the socket set,
/// the sockets' buffers.
const SET_UP_ALLOCATIONS: u64 = 16;
