//! Interrupt registration for drivers: a dropped registration waits for its
//! handler running on another CPU, handlers get their driver's state as
//! context, a shared line asks every handler, a level-triggered line keeps
//! interrupting while a device (COM1's transmitter, routed level-triggered
//! for the test) holds it, and PCI lines are routed level-triggered.
//! Booted with 2 CPUs.
//!
//! Unused I/O APIC input 23 carries the tests that need no device: its
//! vector is sent as an IPI, which runs the same dispatch a device would.
#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use kernel::apic::io::{self, ACTIVE_LOW, LEVEL};
use kernel::apic::timer::delay_us;
use kernel::arch::percpu;
use kernel::arch::{lapic as local, DEVICE_VECTOR_BASE};
use kernel::irq::{self, Handled, IrqError, Line, Polarity, Trigger, MAX_SHARED, STORM};
use x86_64::instructions::port::Port;

kernel::test_kernel!(|boot_info| {
    kernel::testing::start_every_cpu(boot_info);
});

/// An input no device drives on QEMU's machines.
const IDLE_GSI: u32 = 23;
const IDLE: Line = Line {
    gsi: IDLE_GSI,
    trigger: Trigger::Level,
    polarity: Polarity::ActiveLow,
};

/// Raises `gsi`'s vector on the CPU with APIC id `apic_id`.
fn raise(gsi: u32, apic_id: u32) {
    local::send(apic_id, DEVICE_VECTOR_BASE + gsi as u8);
}

/// Spins until `done` says so; panics with `what` after `ms` milliseconds.
fn wait_for(ms: u64, what: &str, done: impl Fn() -> bool) {
    for _ in 0..ms * 10 {
        if done() {
            return;
        }
        delay_us(100);
    }
    panic!("{what} did not happen within {ms} ms");
}

/// A driver's state: what its handler saw.
#[derive(Default)]
struct Device {
    calls: AtomicU32,
    claims: bool,
    entered: AtomicBool,
    finished: AtomicBool,
}

fn count_call(device: &Device) -> Handled {
    device.calls.fetch_add(1, Ordering::Relaxed);
    match device.claims {
        true => Handled::Mine,
        false => Handled::NotMine,
    }
}

fn slow_handler(device: &Device) -> Handled {
    device.entered.store(true, Ordering::Release);
    delay_us(50_000);
    device.finished.store(true, Ordering::Release);
    Handled::Mine
}

#[test_case]
fn dropping_a_registration_waits_for_its_handler_on_another_cpu() {
    assert!(percpu::online() >= 2, "boot this test with 2 CPUs");
    let device = Arc::new(Device::default());
    let registration = irq::register(IDLE, device.clone(), slow_handler).expect("GSI 23");
    raise(IDLE_GSI, percpu::cpu(1).unwrap().apic_id());
    wait_for(5_000, "the handler on CPU 1", || {
        device.entered.load(Ordering::Acquire)
    });
    drop(registration);
    assert!(
        device.finished.load(Ordering::Acquire),
        "the registration was gone while its handler still ran on CPU 1"
    );
    assert_eq!(
        Arc::strong_count(&device),
        1,
        "the registration kept its context"
    );
}

#[test_case]
fn every_handler_on_a_shared_line_is_asked() {
    let others = Arc::new(Device::default());
    let ours = Arc::new(Device {
        claims: true,
        ..Device::default()
    });
    let registrations = [
        irq::register(IDLE, others.clone(), count_call).expect("first"),
        irq::register(IDLE, ours.clone(), count_call).expect("second, shared"),
    ];
    let (before, unhandled) = (irq::count(IDLE_GSI), irq::unhandled());
    raise(IDLE_GSI, local::id());
    wait_for(1_000, "the interrupt", || irq::count(IDLE_GSI) > before);
    assert_eq!(others.calls.load(Ordering::Relaxed), 1);
    assert_eq!(ours.calls.load(Ordering::Relaxed), 1);
    assert_eq!(irq::unhandled(), unhandled, "one handler claimed it");
    drop(registrations);
    let nobody = irq::register(IDLE, others.clone(), count_call).expect("again");
    raise(IDLE_GSI, local::id());
    wait_for(1_000, "the interrupt", || irq::count(IDLE_GSI) > before + 1);
    assert_eq!(irq::unhandled(), unhandled + 1, "nobody claimed it");
    assert_eq!(
        ours.calls.load(Ordering::Relaxed),
        1,
        "a dropped handler ran"
    );
    drop(nobody);
}

#[test_case]
fn bad_registrations_are_errors() {
    let device = Arc::new(Device::default());
    let held = irq::register(IDLE, device.clone(), count_call).expect("GSI 23");
    let edge = Line {
        trigger: Trigger::Edge,
        ..IDLE
    };
    let mismatch = irq::register(edge, device.clone(), count_call).unwrap_err();
    assert_eq!(mismatch, IrqError::Mismatch { gsi: IDLE_GSI });
    let more: Vec<_> = (1..MAX_SHARED)
        .map(|_| irq::register(IDLE, device.clone(), count_call).expect("room"))
        .collect();
    let full = irq::register(IDLE, device.clone(), count_call).unwrap_err();
    assert_eq!(full, IrqError::Full { gsi: IDLE_GSI });
    let beyond = Line { gsi: 24, ..IDLE };
    let no_such = irq::register(beyond, device.clone(), count_call).unwrap_err();
    assert_eq!(no_such, IrqError::NoSuchGsi(24));
    assert_eq!(irq::pci_line(255).unwrap_err(), IrqError::NotConnected);
    assert_eq!(irq::isa_line(16).unwrap_err(), IrqError::NoSuchLine(16));
    drop((held, more));
    assert_eq!(Arc::strong_count(&device), 1);
    assert_ne!(io::redirection(IDLE_GSI) & io::MASKED, 0, "masked again");
}

#[test_case]
fn pci_lines_are_level_triggered() {
    let routed = irq::pci_line(IDLE_GSI as u8).expect("a GSI");
    assert_eq!(routed, IDLE, "a GSI above 15: level, active-low");
    for legacy in [10, 11] {
        let line = irq::pci_line(legacy).expect("an ISA IRQ");
        assert_eq!(line.trigger, Trigger::Level, "IRQ {legacy} for PCI");
        assert_eq!(line.gsi, irq::isa_line(legacy).unwrap().gsi);
    }
    let device = Arc::new(Device::default());
    let registration = irq::register(routed, device, count_call).expect("GSI 23");
    let entry = io::redirection(IDLE_GSI);
    assert_eq!(
        entry & (LEVEL | ACTIVE_LOW | io::MASKED),
        LEVEL | ACTIVE_LOW
    );
    assert_eq!(entry & 0xff, u32::from(DEVICE_VECTOR_BASE) + IDLE_GSI);
    drop(registration);
}

#[test_case]
fn a_level_line_nobody_claims_is_masked_not_served_for_ever() {
    let device = Arc::new(Device::default());
    let registration = irq::register(IDLE, device.clone(), count_call).expect("GSI 23");
    let before = irq::count(IDLE_GSI);
    // Each IPI is one unclaimed interrupt, as a stuck level line would give
    // after every end of interrupt.
    let mut sent = 0;
    while io::redirection(IDLE_GSI) & io::MASKED == 0 {
        assert!(
            sent < 3 * STORM,
            "{sent} unclaimed interrupts and still unmasked"
        );
        raise(IDLE_GSI, local::id());
        sent += 1;
    }
    let taken = irq::count(IDLE_GSI) - before;
    assert!(taken >= u64::from(STORM), "masked after {taken} interrupts");
    drop(registration);
    let again = irq::register(IDLE, device, count_call).expect("GSI 23 again");
    assert_eq!(io::redirection(IDLE_GSI) & io::MASKED, 0, "routed anew");
    drop(again);
}

/// COM1's registers: interrupt enable, interrupt identification, line status.
const COM1_IER: u16 = 0x3f9;
const COM1_LSR: u16 = 0x3fd;
/// IER: interrupt when the transmit holding register is empty.
const THR_EMPTY: u8 = 1 << 1;
/// LSR: the transmit holding register is empty.
const LSR_THR_EMPTY: u8 = 1 << 5;
/// How many interrupts the test's transmitter driver lets pass before it
/// quiets its device.
const ASSERTED_FOR: u32 = 3;

/// A driver for COM1's transmitter: its interrupt is its own while the
/// "holding register empty" interrupt is enabled and the register is empty;
/// it turns the interrupt off only on its third call, so the line stays
/// asserted for three interrupts.
fn transmitter(device: &Device) -> Handled {
    let (mut ier, mut lsr) = (Port::<u8>::new(COM1_IER), Port::<u8>::new(COM1_LSR));
    // SAFETY: COM1's standard ports; reading IER and LSR has no side effect.
    let (enabled, status) = unsafe { (ier.read(), lsr.read()) };
    let mine = enabled & THR_EMPTY != 0 && status & LSR_THR_EMPTY != 0;
    if !mine {
        return Handled::NotMine;
    }
    if device.calls.fetch_add(1, Ordering::Relaxed) + 1 == ASSERTED_FOR {
        // SAFETY: turning the transmitter interrupt off deasserts the line.
        unsafe { ier.write(enabled & !THR_EMPTY) };
    }
    Handled::Mine
}

#[test_case]
fn a_level_triggered_shared_line_fires_until_its_device_is_quiet() {
    let com1 = irq::isa_line(4).expect("COM1's line");
    let level = Line {
        trigger: Trigger::Level,
        polarity: Polarity::ActiveHigh,
        ..com1
    };
    let bystander = Arc::new(Device::default());
    let driver = Arc::new(Device::default());
    let registrations = [
        irq::register(level, bystander.clone(), count_call).expect("a bystander"),
        irq::register(level, driver.clone(), transmitter).expect("the transmitter"),
    ];
    let (before, unhandled) = (irq::count(com1.gsi), irq::unhandled());
    // SAFETY: enabling the interrupt makes COM1 assert its line; the handler
    // turns it off again.
    unsafe {
        let mut ier = Port::<u8>::new(COM1_IER);
        let enabled = ier.read();
        ier.write(enabled | THR_EMPTY);
    }
    wait_for(2_000, "three interrupts", || {
        driver.calls.load(Ordering::Relaxed) >= ASSERTED_FOR
    });
    delay_us(20_000);
    drop(registrations);
    assert_eq!(
        irq::count(com1.gsi) - before,
        u64::from(ASSERTED_FOR),
        "one interrupt per end of interrupt while asserted, none after"
    );
    assert_eq!(driver.calls.load(Ordering::Relaxed), ASSERTED_FOR);
    assert_eq!(bystander.calls.load(Ordering::Relaxed), ASSERTED_FOR);
    assert_eq!(irq::unhandled(), unhandled);
}
