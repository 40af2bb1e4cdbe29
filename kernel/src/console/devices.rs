//! The console's device commands: `lspci` lists the PCI functions, `disk` drives the
//! virtio-blk disk (found on first use) and prints what a round trip cost, `disk SECTOR`
//! shows the start of one sector; `net` shows the virtio-net card's counters, `net serve`
//! serves the UDP and TCP echo until a `quit` datagram and prints what the heap did.

use crate::net::echo::{self, Until};
use crate::net::report::{Moment, Report};
use crate::net::{self, Nic};
use crate::pci;
use crate::serial_println;
use crate::virtio::blk::{self, Disk, SECTOR};
use crate::virtio::measure::{self, BufferKind};
use alloc::string::{String, ToString};
use alloc::vec;

/// Sectors the `disk` round trip writes and reads back (128 KiB).
const ROUND_TRIP_SECTORS: u64 = 256;

/// The devices the console drives.
#[derive(Default)]
pub struct Devices {
    disk: Option<Disk>,
    nic: Option<Nic>,
}

/// Prints every PCI function, `lspci` style.
pub fn lspci() {
    for device in pci::devices() {
        serial_println!("{device}");
    }
}

impl Devices {
    /// `disk`: a measured round trip over the first sectors; `disk SECTOR`: 32 bytes of it.
    pub fn disk(&mut self, sector: Option<u64>) -> Result<(), String> {
        let disk = self.find()?;
        match sector {
            None => {
                serial_println!(
                    "virtio-blk at {}: {} sectors ({} KiB)",
                    disk.function(),
                    disk.capacity(),
                    disk.capacity() / 2
                );
                let report =
                    measure::round_trip(disk, 0, ROUND_TRIP_SECTORS, 4096, BufferKind::Heap)
                        .map_err(|error| error.to_string())?;
                serial_println!("round trip passed: {report}");
            }
            Some(sector) => {
                let mut bytes = vec![0u8; SECTOR];
                disk.read(sector, &mut bytes)
                    .map_err(|error| error.to_string())?;
                serial_println!("sector {sector}: {:02x?}", &bytes[..32]);
            }
        }
        Ok(())
    }

    /// `net`: the card and its counters; `net serve`: the echo until a `quit` datagram,
    /// with the heap's figures per frame.
    pub fn net(&mut self, serve: bool) -> Result<(), String> {
        if self.nic.is_none() {
            self.nic = Some(net::probe(pci::devices()).map_err(|error| error.to_string())?);
        }
        let nic = self.nic.as_ref().expect("probed above");
        let [a, b, c, d, e, f] = nic.mac();
        serial_println!(
            "virtio-net at {}, MAC {a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{f:02x}, {} port {}",
            nic.function(),
            echo::ADDRESS,
            echo::PORT
        );
        if serve {
            serial_println!("serving the echo until a `quit` datagram");
            let start = Moment::now(nic);
            let served = echo::serve(nic, Until::Quit);
            serial_println!("served {served:?}");
            serial_println!("{}", Report::since(&start, nic));
        }
        serial_println!("counters: {:?}", nic.stats());
        Ok(())
    }

    /// The disk, probed on first use.
    fn find(&mut self) -> Result<&Disk, String> {
        if self.disk.is_none() {
            let disk = blk::probe(pci::devices()).map_err(|error| error.to_string())?;
            self.disk = Some(disk);
        }
        Ok(self.disk.as_ref().expect("probed above"))
    }
}
