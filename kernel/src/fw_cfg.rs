//! QEMU's firmware configuration device: named files the runner hands the
//! kernel (`-fw_cfg name=opt/kernel/lock,string=fair`), this kernel's
//! command line.
//!
//! ```text
//!   port 0x510 (16 bit)  select an item       item 0x0000  "QEMU" signature
//!   port 0x511 (8 bit)   read its next byte    item 0x0019  file directory:
//!                                               count (BE u32), then per file
//!                                               size (BE u32), item (BE u16),
//!                                               2 reserved, name (56 bytes)
//! ```
//!
//! On a machine without the device the signature does not match, and every
//! file reads as absent.

use x86_64::instructions::port::Port;

const SELECTOR: u16 = 0x510;
const DATA: u16 = 0x511;
const SIGNATURE_ITEM: u16 = 0x0000;
const DIRECTORY_ITEM: u16 = 0x0019;
const NAME_BYTES: usize = 56;

/// Selects `item`; the next reads of [`read`] return its bytes from the start.
fn select(item: u16) {
    // SAFETY: writing the fw_cfg selector only chooses what the data port
    // returns; on a machine without the device the port is unused.
    unsafe { Port::<u16>::new(SELECTOR).write(item) }
}

/// Reads the selected item's next `buffer.len()` bytes.
fn read(buffer: &mut [u8]) {
    let mut data = Port::<u8>::new(DATA);
    for byte in buffer {
        // SAFETY: reading the fw_cfg data port has no effect beyond moving on
        // in the selected item.
        *byte = unsafe { data.read() };
    }
}

fn read_u32_be() -> u32 {
    let mut bytes = [0; 4];
    read(&mut bytes);
    u32::from_be_bytes(bytes)
}

/// Whether QEMU's fw_cfg device answers.
fn present() -> bool {
    select(SIGNATURE_ITEM);
    let mut signature = [0; 4];
    read(&mut signature);
    &signature == b"QEMU"
}

/// Reads the file `name` into `buffer`; its length, or `None` if there is no
/// such file (or no device). A file longer than `buffer` is cut short.
pub fn read_file(name: &str, buffer: &mut [u8]) -> Option<usize> {
    if !present() {
        return None;
    }
    select(DIRECTORY_ITEM);
    let count = read_u32_be();
    for _ in 0..count {
        let size = read_u32_be() as usize;
        let mut item = [0; 2];
        read(&mut item);
        read(&mut [0; 2]);
        let mut entry_name = [0; NAME_BYTES];
        read(&mut entry_name);
        let len = entry_name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(NAME_BYTES);
        if &entry_name[..len] == name.as_bytes() {
            select(u16::from_be_bytes(item));
            let len = size.min(buffer.len());
            read(&mut buffer[..len]);
            return Some(len);
        }
    }
    None
}
