//! The two echoes on their sockets, one pass each per poll: UDP sends every datagram back
//! to its sender, TCP sends back what it received as far as the send buffer takes it.
//!
//! ```text
//!   UDP: recv_slice ─► stack copy (one datagram) ─► send_slice to the sender
//!   TCP: closed ─► listen; open ─► recv up to the send buffer's room (2 KiB stack chunk)
//!        ─► send; peer closed (CloseWait) and all sent ─► close ─► listen again
//! ```

use super::echo::{Served, BUFFER_BYTES, PORT, QUIT};
use alloc::vec;
use smoltcp::socket::{tcp, udp};

/// Datagrams the UDP socket queues each way.
const DATAGRAMS: usize = 16;

/// A UDP socket bound to the echo port, its buffers on the heap.
pub(super) fn udp_socket() -> udp::Socket<'static> {
    let buffer = || {
        udp::PacketBuffer::new(
            vec![udp::PacketMetadata::EMPTY; DATAGRAMS],
            vec![0; BUFFER_BYTES],
        )
    };
    let mut socket = udp::Socket::new(buffer(), buffer());
    socket.bind(PORT).expect("a fresh socket binds");
    socket
}

/// Echoes every waiting datagram; whether one of them was [`QUIT`].
pub(super) fn echo_datagrams(socket: &mut udp::Socket, served: &mut Served) -> bool {
    let mut quit = false;
    let mut datagram = [0; 1500];
    while socket.can_send() {
        let Ok((len, meta)) = socket.recv_slice(&mut datagram) else {
            break;
        };
        quit |= &datagram[..len] == QUIT;
        if socket.send_slice(&datagram[..len], meta.endpoint).is_ok() {
            served.datagrams += 1;
            served.udp_bytes += len as u64;
        }
    }
    quit
}

/// Echoes what the connection received, as far as its send buffer takes it; listens again
/// once a connection is over. Returns whether a connection is open.
pub(super) fn echo_stream(socket: &mut tcp::Socket, was_open: bool, served: &mut Served) -> bool {
    if !socket.is_open() {
        socket.listen(PORT).expect("a closed socket listens");
        return false;
    }
    if socket.is_active() && !was_open {
        served.connections += 1;
    }
    let room = socket.send_capacity() - socket.send_queue();
    if socket.can_recv() && room > 0 {
        let mut chunk = [0; 2048];
        let want = room.min(chunk.len());
        if let Ok(len) = socket.recv_slice(&mut chunk[..want]) {
            let sent = socket.send_slice(&chunk[..len]).unwrap_or(0);
            debug_assert_eq!(sent, len, "the send buffer had room");
            served.tcp_bytes += sent as u64;
        }
    }
    if socket.state() == tcp::State::CloseWait && socket.send_queue() == 0 {
        socket.close();
    }
    socket.is_active()
}
