//! The guest's network card: QEMU's user networking with the guest's echo port (7) forwarded
//! from two free host ports on 127.0.0.1 — the loopback address only, never another.
//!
//! ```text
//!   Network::None        no card
//!   Network::Forwarded   `boot run --net`: the card, and where to connect is printed
//!   Network::EchoCheck   the net kernel test: the card, and the runner's echo peer
//!                        (`echo_peer`) talks to it while the kernel runs
//!
//!   QEMU: -netdev user,id=net0,hostfwd=udp:127.0.0.1:U-:7,hostfwd=tcp:127.0.0.1:T-:7
//!         -device virtio-net-pci,netdev=net0,disable-legacy=on
//! ```

use anyhow::{Context, Result};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, UdpSocket};

/// The guest's echo port.
pub const GUEST_PORT: u16 = 7;

/// Whether and how a boot gets a network card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// No card.
    None,
    /// A card with the echo port forwarded from the host.
    Forwarded,
    /// A card, and the runner checks the kernel's echo over it.
    EchoCheck,
}

/// The host ports forwarded to the guest's echo port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forwarding {
    /// The host's UDP port.
    pub udp: u16,
    /// The host's TCP port.
    pub tcp: u16,
}

impl Forwarding {
    /// Two ports free on 127.0.0.1 now (the system picks them; QEMU binds them next).
    pub fn free_ports() -> Result<Self> {
        let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let udp = UdpSocket::bind(loopback).context("no free UDP port on 127.0.0.1")?;
        let tcp = TcpListener::bind(loopback).context("no free TCP port on 127.0.0.1")?;
        Ok(Self {
            udp: udp.local_addr()?.port(),
            tcp: tcp.local_addr()?.port(),
        })
    }

    /// Where the host reaches the guest's UDP echo.
    pub fn udp_address(&self) -> SocketAddrV4 {
        SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.udp)
    }

    /// Where the host reaches the guest's TCP echo.
    pub fn tcp_address(&self) -> SocketAddrV4 {
        SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.tcp)
    }

    /// The QEMU arguments of the card and its forwarding.
    pub fn qemu_args(&self) -> [String; 4] {
        [
            "-netdev".into(),
            format!(
                "user,id=net0,hostfwd=udp:127.0.0.1:{}-:{GUEST_PORT},\
                 hostfwd=tcp:127.0.0.1:{}-:{GUEST_PORT}",
                self.udp, self.tcp
            ),
            "-device".into(),
            "virtio-net-pci,netdev=net0,disable-legacy=on".into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarding_binds_loopback_only() {
        let ports = Forwarding {
            udp: 4000,
            tcp: 4001,
        };
        let [netdev, user, device, card] = ports.qemu_args();
        assert_eq!(netdev, "-netdev");
        assert_eq!(
            user,
            "user,id=net0,hostfwd=udp:127.0.0.1:4000-:7,hostfwd=tcp:127.0.0.1:4001-:7"
        );
        assert_eq!(
            (device.as_str(), card.as_str()),
            ("-device", "virtio-net-pci,netdev=net0,disable-legacy=on")
        );
        assert!(ports.udp_address().ip().is_loopback() && ports.tcp_address().ip().is_loopback());
    }

    #[test]
    fn free_ports_are_distinct_from_zero() {
        let ports = Forwarding::free_ports().unwrap();
        assert!(ports.udp != 0 && ports.tcp != 0);
    }
}
