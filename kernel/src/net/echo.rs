//! The echo services on port 7 (RFC 862): every UDP datagram goes back to its sender,
//! every byte of a TCP connection back down it. `smoltcp` runs them over the card; the
//! serving loop sleeps in `hlt` until the card's interrupt or the next timer tick.
//!
//! ```text
//!   loop: poll the interface (frames in ─► sockets ─► frames out)
//!         UDP: datagram ─► stack copy ─► send back (a "quit" datagram may end the loop)
//!         TCP: listening ─► accept ─► recv ─► send as much as the send buffer takes
//!              peer closed and all sent ─► close ─► listen again
//!         nothing received waiting? cli; check; sti; hlt (interrupt or 1 ms tick)
//! ```

use super::phy::Phy;
use super::services::{echo_datagrams, echo_stream, udp_socket};
use super::Nic;
use crate::arch::percpu;
use alloc::vec;
use smoltcp::iface::{Config, Interface, SocketSet};
use smoltcp::socket::tcp;
use smoltcp::time::Instant;
use smoltcp::wire::{EthernetAddress, IpAddress, IpCidr, Ipv4Address};
use x86_64::instructions::interrupts;

/// The echo port.
pub const PORT: u16 = 7;
/// The guest's address under QEMU's user networking.
pub const ADDRESS: Ipv4Address = Ipv4Address::new(10, 0, 2, 15);
/// QEMU's user-networking gateway.
pub const GATEWAY: Ipv4Address = Ipv4Address::new(10, 0, 2, 2);
/// The datagram that ends [`Until::Quit`] serving (echoed like any other).
pub const QUIT: &[u8] = b"quit";
/// Bytes of each TCP socket buffer and of the UDP payload buffers.
pub(super) const BUFFER_BYTES: usize = 16 << 10;

/// How long to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Until a [`QUIT`] datagram arrives.
    Quit,
    /// Forever.
    Never,
}

/// What the echo served.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    /// UDP datagrams echoed.
    pub datagrams: u64,
    /// UDP payload bytes echoed.
    pub udp_bytes: u64,
    /// TCP connections accepted.
    pub connections: u64,
    /// TCP bytes echoed.
    pub tcp_bytes: u64,
}

/// Milliseconds since boot, by the boot CPU's 1 kHz timer.
fn now() -> Instant {
    let ticks = percpu::cpu(0).map_or(0, |cpu| cpu.ticks());
    Instant::from_millis(ticks as i64)
}

/// Serves the UDP and TCP echo on [`PORT`] over `nic` at [`ADDRESS`] until `until`.
/// Needs interrupts on (the timer drives `smoltcp`'s clock).
pub fn serve(nic: &Nic, until: Until) -> Served {
    let mut phy = Phy(nic);
    let mut config = Config::new(EthernetAddress(nic.mac()).into());
    config.random_seed = crate::arch::tsc();
    let mut iface = Interface::new(config, &mut phy, now());
    iface.update_ip_addrs(|addrs| {
        addrs
            .push(IpCidr::new(IpAddress::Ipv4(ADDRESS), 24))
            .expect("a fresh interface has room for an address");
    });
    iface
        .routes_mut()
        .add_default_ipv4_route(GATEWAY)
        .expect("a fresh interface has room for a route");
    let mut sockets = SocketSet::new(vec![]);
    let udp = sockets.add(udp_socket());
    let tcp = sockets.add(tcp::Socket::new(
        tcp::SocketBuffer::new(vec![0; BUFFER_BYTES]),
        tcp::SocketBuffer::new(vec![0; BUFFER_BYTES]),
    ));
    let mut served = Served::default();
    let mut was_open = false;
    loop {
        iface.poll(now(), &mut phy, &mut sockets);
        let quit = echo_datagrams(sockets.get_mut(udp), &mut served);
        was_open = echo_stream(sockets.get_mut(tcp), was_open, &mut served);
        iface.poll(now(), &mut phy, &mut sockets);
        if quit && until == Until::Quit {
            return served;
        }
        wait_for_work(nic);
    }
}

/// Sleeps until the card's interrupt or the next timer tick, unless a frame waits already
/// (checked with interrupts off, so one arriving in between wakes the `hlt`). A polled
/// card is polled instead.
fn wait_for_work(nic: &Nic) {
    if !nic.interrupt_driven() {
        nic.poll_completions();
        return;
    }
    interrupts::disable();
    if nic.shared.rings.lock().has_received() {
        interrupts::enable();
    } else {
        interrupts::enable_and_hlt();
    }
}
