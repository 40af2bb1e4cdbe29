//! The host half of the net kernel test: talks to the kernel's echo through QEMU's
//! forwarded ports on 127.0.0.1 (no other address), checks every byte that comes back,
//! and ends by itself: a bounded number of datagrams, a bounded stream, a deadline.
//!
//! ```text
//!   wait   "probe" datagrams every 500 ms until one comes back (the kernel is up)
//!   UDP    DATAGRAMS datagrams of 8..1400 bytes, one at a time: each echo must match
//!          (a lost one is sent again, up to RETRIES times)
//!   TCP    STREAM_BYTES through one connection, written by a thread while this one reads
//!          and compares; then half-close, and the kernel must close too
//!   quit   a "quit" datagram: the kernel prints its figures and ends the test
//! ```

use crate::net::Forwarding;
use anyhow::{bail, ensure, Context, Result};
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Datagrams sent through the UDP echo.
pub const DATAGRAMS: u32 = 200;
/// Bytes sent through the TCP echo.
pub const STREAM_BYTES: usize = 256 << 10;
/// Times a lost datagram is sent again.
const RETRIES: u32 = 3;
/// How long an echo may take before its datagram counts as lost.
const ECHO_WAIT: Duration = Duration::from_millis(1000);
/// What the peer sends until the kernel answers.
const PROBE: &[u8] = b"probe";
/// What ends the kernel's serving.
const QUIT: &[u8] = b"quit";

/// What the check measured (wall-clock times on the host).
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// Datagrams echoed, and their payload bytes.
    pub datagrams: u32,
    /// Payload bytes of those datagrams.
    pub udp_bytes: usize,
    /// Datagrams sent again after a lost echo.
    pub resent: u32,
    /// The time the datagrams took.
    pub udp_time: Duration,
    /// The time the stream took.
    pub tcp_time: Duration,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let udp = self.udp_time.as_secs_f64().max(1e-6);
        let tcp = self.tcp_time.as_secs_f64().max(1e-6);
        write!(
            f,
            "UDP {} datagrams ({} bytes) echoed in {:.2} s: {:.0} datagrams/s, {:.3} MB/s \
             ({} resent); TCP {} bytes echoed in {:.2} s: {:.3} MB/s",
            self.datagrams,
            self.udp_bytes,
            udp,
            f64::from(self.datagrams) / udp,
            self.udp_bytes as f64 / udp / 1e6,
            self.resent,
            STREAM_BYTES,
            tcp,
            STREAM_BYTES as f64 / tcp / 1e6
        )
    }
}

/// Runs the check against `ports` until done, `deadline`, or `stop` (QEMU is gone).
pub fn check(ports: Forwarding, deadline: Instant, stop: &AtomicBool) -> Result<Figures> {
    let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    socket.connect(ports.udp_address())?;
    socket.set_read_timeout(Some(Duration::from_millis(500)))?;
    let mut reply = vec![0; 2048];
    loop {
        ensure!(
            !stop.load(Ordering::Relaxed),
            "QEMU ended before the echo answered"
        );
        ensure!(Instant::now() < deadline, "the echo never answered a probe");
        socket.send(PROBE)?;
        if matches!(socket.recv(&mut reply), Ok(len) if &reply[..len] == PROBE) {
            break;
        }
    }
    let started = Instant::now();
    let (mut udp_bytes, mut resent) = (0, 0);
    for index in 0..DATAGRAMS {
        let datagram = datagram(index);
        resent += echo_one(&socket, &datagram, &mut reply)
            .with_context(|| format!("datagram {index} ({} bytes)", datagram.len()))?;
        udp_bytes += datagram.len();
    }
    let udp_time = started.elapsed();
    let started = Instant::now();
    let streamed = stream(ports, deadline);
    let tcp_time = started.elapsed();
    // Sent whatever the stream did, so the kernel ends now rather than at the timeout.
    let quit = echo_one(&socket, QUIT, &mut reply).context("the quit datagram");
    streamed?;
    quit?;
    Ok(Figures {
        datagrams: DATAGRAMS,
        udp_bytes,
        resent,
        udp_time,
        tcp_time,
    })
}

/// Datagram `index`: its number, then a pattern; 8 to 1407 bytes.
fn datagram(index: u32) -> Vec<u8> {
    let len = 8 + (index as usize * 397) % 1400;
    let mut bytes: Vec<u8> = (0..len).map(|at| pattern(at + index as usize)).collect();
    bytes[..4].copy_from_slice(&index.to_le_bytes());
    bytes
}

/// Sends `datagram` until its echo comes back (at most `RETRIES` more times); returns how
/// many times it was sent again. Late echoes of probes and earlier datagrams are skipped; any other echo fails.
fn echo_one(socket: &UdpSocket, datagram: &[u8], reply: &mut [u8]) -> Result<u32> {
    for attempt in 0..=RETRIES {
        socket.send(datagram)?;
        let sent = Instant::now();
        while sent.elapsed() < ECHO_WAIT {
            match socket.recv(reply) {
                Ok(len) if &reply[..len] == datagram => return Ok(attempt),
                Ok(len) if &reply[..len] == PROBE => continue,
                Ok(len) if is_stale(&reply[..len], datagram) => continue,
                Ok(len) => bail!("the echo differs: {} bytes came back", len),
                Err(error) if is_timeout(&error) => continue,
                Err(error) => return Err(error.into()),
            }
        }
    }
    bail!("no echo after {} sends", RETRIES + 1)
}

/// Whether `reply` is the late echo of a datagram sent before `datagram`.
fn is_stale(reply: &[u8], datagram: &[u8]) -> bool {
    let number = |bytes: &[u8]| Some(u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?));
    match (number(reply), number(datagram)) {
        (Some(earlier), Some(now)) => earlier < now && reply == self::datagram(earlier),
        _ => false,
    }
}

/// Sends `STREAM_BYTES` down one connection while reading the echo back and comparing it.
fn stream(ports: Forwarding, deadline: Instant) -> Result<()> {
    let address = ports.tcp_address().into();
    let mut connection = TcpStream::connect_timeout(&address, Duration::from_secs(10))
        .context("cannot connect to the TCP echo")?;
    let left = deadline.saturating_duration_since(Instant::now());
    ensure!(!left.is_zero(), "no time left for the TCP echo");
    connection.set_read_timeout(Some(left))?;
    connection.set_write_timeout(Some(left))?;
    let mut writer = connection.try_clone()?;
    let sender = thread::spawn(move || -> std::io::Result<()> {
        let bytes: Vec<u8> = (0..STREAM_BYTES).map(pattern).collect();
        for chunk in bytes.chunks(4096) {
            writer.write_all(chunk)?;
        }
        writer.shutdown(std::net::Shutdown::Write)
    });
    let mut received = 0;
    let mut buffer = vec![0; 8192];
    while received < STREAM_BYTES {
        let len = connection
            .read(&mut buffer)
            .with_context(|| format!("the TCP echo stalled after {received} bytes"))?;
        ensure!(
            len > 0,
            "the kernel closed the TCP echo after {received} bytes"
        );
        if let Some(at) = (0..len).find(|&at| buffer[at] != pattern(received + at)) {
            bail!("TCP byte {} differs", received + at);
        }
        received += len;
    }
    match sender.join() {
        Ok(sent) => sent.context("sending the TCP stream failed")?,
        Err(_) => bail!("the TCP sender panicked"),
    }
    let extra = connection
        .read(&mut buffer)
        .context("the kernel did not close its end")?;
    ensure!(
        extra == 0,
        "the TCP echo sent {extra} bytes more than it got"
    );
    Ok(())
}

/// The byte at `offset` of the stream (or of a datagram): not periodic in 256.
fn pattern(offset: usize) -> u8 {
    (offset ^ (offset >> 8) ^ (offset >> 16)) as u8
}

fn is_timeout(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, UdpSocket};

    /// A stand-in for the kernel on 127.0.0.1: echoes datagrams until "quit" and one TCP
    /// connection until its end, flipping one bit at `corrupt_at` of the stream if asked.
    fn echo_server(corrupt_at: Option<usize>) -> Forwarding {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let tcp = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let ports = Forwarding {
            udp: udp.local_addr().unwrap().port(),
            tcp: tcp.local_addr().unwrap().port(),
        };
        thread::spawn(move || {
            let mut buffer = [0; 2048];
            while let Ok((len, from)) = udp.recv_from(&mut buffer) {
                udp.send_to(&buffer[..len], from).unwrap();
                if &buffer[..len] == QUIT {
                    break;
                }
            }
        });
        thread::spawn(move || {
            let (mut connection, _) = tcp.accept().unwrap();
            let mut buffer = [0; 4096];
            let mut offset = 0;
            while let Ok(len @ 1..) = connection.read(&mut buffer) {
                if let Some(at) = corrupt_at.filter(|at| (offset..offset + len).contains(at)) {
                    buffer[at - offset] ^= 1;
                }
                if connection.write_all(&buffer[..len]).is_err() {
                    break;
                }
                offset += len;
            }
        });
        ports
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    #[test]
    fn a_faithful_echo_passes_with_every_datagram_and_byte() {
        let figures = check(echo_server(None), soon(), &AtomicBool::new(false)).unwrap();
        assert_eq!(figures.datagrams, DATAGRAMS);
        assert_eq!(figures.resent, 0);
        assert!(figures.udp_bytes > DATAGRAMS as usize * 8);
    }

    #[test]
    fn one_flipped_bit_in_the_stream_fails_the_check() {
        let error = check(echo_server(Some(70_000)), soon(), &AtomicBool::new(false))
            .unwrap_err()
            .to_string();
        assert!(error.contains("TCP byte 70000 differs"), "{error}");
    }

    #[test]
    fn the_check_gives_up_once_qemu_is_gone() {
        let silent = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let ports = Forwarding {
            udp: silent.local_addr().unwrap().port(),
            tcp: 1,
        };
        let error = check(ports, soon(), &AtomicBool::new(true)).unwrap_err();
        assert!(error.to_string().contains("QEMU ended"), "{error}");
    }

    #[test]
    fn only_late_echoes_of_earlier_datagrams_are_stale() {
        assert!(is_stale(&datagram(3), &datagram(4)));
        assert!(!is_stale(&datagram(5), &datagram(4)));
        let mut damaged = datagram(3);
        damaged[10] ^= 1;
        assert!(!is_stale(&damaged, &datagram(4)));
        assert!((0..DATAGRAMS).all(|index| (8..1408).contains(&datagram(index).len())));
    }
}
