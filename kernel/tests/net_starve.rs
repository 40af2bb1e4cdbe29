//! A starved DMA pool costs received frames, never the kernel: with every pool block taken,
//! the frames that arrive are dropped and counted (their own buffers posted again), and
//! once blocks are free again frames are received as before. Booted with a network card
//! and no peer: the frames are QEMU's answers to the kernel's own ARP requests.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::vec::Vec;
use kernel::memory::dma_buf::DmaBuf;
use kernel::memory::dma_pool::POOL;
use kernel::net::stats::NicStats;
use kernel::net::{self, Nic};
use kernel::pci;
use x86_64::instructions::interrupts;

kernel::test_kernel!(|_boot_info| {
    kernel::timer::start();
});

/// ARP requests sent per round.
const REQUESTS: usize = 8;
/// How long to wait for the answers, in timer ticks (ms).
const WAIT_TICKS: u64 = 5000;

/// An ARP request from the card for QEMU's gateway (10.0.2.2), which QEMU answers.
fn arp_request(mac: [u8; 6]) -> [u8; 42] {
    let mut frame = [0; 42];
    frame[..6].fill(0xff);
    frame[6..12].copy_from_slice(&mac);
    frame[12..14].copy_from_slice(&[0x08, 0x06]);
    frame[14..22].copy_from_slice(&[0, 1, 8, 0, 6, 4, 0, 1]);
    frame[22..28].copy_from_slice(&mac);
    frame[28..32].copy_from_slice(&[10, 0, 2, 15]);
    frame[38..42].copy_from_slice(&[10, 0, 2, 2]);
    frame
}

/// Sends a round of ARP requests.
fn ask(nic: &Nic) {
    for _ in 0..REQUESTS {
        nic.send(&arp_request(nic.mac()))
            .unwrap_or_else(|error| panic!("{error}"));
    }
}

/// Sleeps until `done` holds for the card's counters; panics past `WAIT_TICKS`.
fn wait_until(nic: &Nic, what: &str, done: impl Fn(&NicStats) -> bool) -> NicStats {
    let until = kernel::timer::ticks() + WAIT_TICKS;
    loop {
        let stats = nic.stats();
        if done(&stats) {
            return stats;
        }
        assert!(kernel::timer::ticks() < until, "{what}: {stats:?}");
        interrupts::enable_and_hlt();
    }
}

/// Every block the pool can give, held.
fn take_the_whole_pool() -> Vec<DmaBuf<'static>> {
    let mut hoard = Vec::new();
    while let Ok(block) = DmaBuf::zeroed(&POOL, 64) {
        hoard.push(block);
    }
    hoard
}

#[test_case]
fn a_starved_pool_drops_and_counts_frames_then_recovers() {
    let nic = net::probe(pci::devices()).unwrap_or_else(|error| panic!("{error}"));
    ask(&nic);
    let before = wait_until(&nic, "no ARP answer", |stats| stats.received > 0);
    // The handler cannot refill between the requests and the hoarding.
    interrupts::disable();
    ask(&nic);
    let hoard = take_the_whole_pool();
    interrupts::enable();
    let starved = wait_until(&nic, "no refill failed while starved", |stats| {
        stats.refill_failures > before.refill_failures
    });
    assert_eq!(starved.receive_errors, 0, "{starved:?}");
    drop(hoard);
    ask(&nic);
    wait_until(
        &nic,
        "no frame received after the pool recovered",
        |stats| stats.received > starved.received,
    );
}
