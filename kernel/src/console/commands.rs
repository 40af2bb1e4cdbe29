//! The console's commands: parse a line, act on the heap, answer in a line or
//! a small table. Bad input gets a one-line `error:` and the console goes on.

use super::devices::{self, Devices};
use super::map;
use crate::allocator::HEAP;
use crate::arch::percpu;
use crate::memory::{self, MemoryReport};
use crate::qemu::{exit_qemu, ExitCode};
use crate::{allocator, irq, serial_println};
use alloc::vec::Vec;
use core::alloc::Layout;
use core::ptr::NonNull;

const HELP: &str = "\
commands:
  help                   this list
  stats                  heap and memory counters
  map                    the heap, a character per page
  alloc SIZE [ALIGN]     allocate a block; prints its id and address
  free ID                free block ID
  fill ID BYTE           write BYTE into every byte of block ID
  check                  check the heap's invariants
  trim                   give free memory back
  commit                 how much of the heap window is committed
  bench                  time 10000 allocate+free pairs
  irq                    interrupts per line
  cpus                   the CPUs: timer ticks, halts waiting for a lock
  lspci                  the PCI functions: ids, class, BARs, interrupt pin and line
  disk [SECTOR]          write and read back the virtio-blk disk's first 128 KiB, with
                         the figures; with SECTOR, show its first 32 bytes
  net [serve]            the virtio-net card's counters (make console NET=1); with
                         serve, the UDP and TCP echo until a `quit` datagram, and what
                         the heap did per frame
  exit                   leave QEMU (success)
  reboot                 reset the machine";

/// The blocks the person allocated, by id (ids start at 1 and are not reused).
#[derive(Default)]
pub struct Session {
    blocks: Vec<Option<(NonNull<u8>, Layout)>>,
    devices: Devices,
}

impl Session {
    /// Runs one command line.
    pub fn run(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        let Some(command) = words.next() else {
            return;
        };
        let args: Vec<&str> = words.collect();
        let answer = match (command, args.as_slice()) {
            ("help", []) => {
                serial_println!("{HELP}");
                Ok(())
            }
            ("stats", []) => {
                stats();
                Ok(())
            }
            ("map", []) => {
                map::print();
                Ok(())
            }
            ("alloc", [size]) => number(size).and_then(|size| self.alloc(size, 1)),
            ("alloc", [size, align]) => number(size)
                .and_then(|size| number(align).and_then(|align| self.alloc(size, align))),
            ("free", [id]) => number(id).and_then(|id| self.free(id)),
            ("fill", [id, byte]) => {
                number(id).and_then(|id| number(byte).and_then(|byte| self.fill(id, byte)))
            }
            ("check", []) => check(),
            ("trim", []) => {
                trim();
                Ok(())
            }
            ("commit", []) => {
                commit();
                Ok(())
            }
            ("bench", []) => {
                bench();
                Ok(())
            }
            ("irq", []) => {
                interrupts();
                Ok(())
            }
            ("cpus", []) => {
                cpus();
                Ok(())
            }
            ("lspci", []) => {
                devices::lspci();
                Ok(())
            }
            ("disk", []) => self.devices.disk(None),
            ("disk", [sector]) => {
                number(sector).and_then(|sector| self.devices.disk(Some(sector as u64)))
            }
            ("net", []) => self.devices.net(false),
            ("net", ["serve"]) => self.devices.net(true),
            ("exit", []) => {
                serial_println!("bye");
                exit_qemu(ExitCode::Success)
            }
            ("reboot", []) => reboot(),
            (
                "help" | "stats" | "map" | "check" | "trim" | "commit" | "bench" | "irq" | "cpus"
                | "exit" | "reboot" | "alloc" | "free" | "fill" | "lspci" | "disk" | "net",
                _,
            ) => Err(alloc::format!(
                "wrong arguments for `{command}` (see `help`)"
            )),
            _ => exercise(command, &args)
                .unwrap_or_else(|| Err(alloc::format!("unknown command `{command}` (see `help`)"))),
        };
        if let Err(error) = answer {
            serial_println!("error: {error}");
        }
    }

    fn alloc(&mut self, size: usize, align: usize) -> Result<(), alloc::string::String> {
        let layout = Layout::from_size_align(size, align).map_err(|_| {
            alloc::format!(
                "no block of {size} bytes aligned to {align} (align must be a power of two)"
            )
        })?;
        // SAFETY: the block is kept in the session and freed with this layout.
        let block = unsafe { HEAP.heap().lock().allocate(layout) }
            .map_err(|_| alloc::format!("the heap cannot give {size} bytes aligned to {align}"))?;
        self.blocks.push(Some((block, layout)));
        serial_println!(
            "block {}: {size} bytes at {:#x}",
            self.blocks.len(),
            block.as_ptr().addr()
        );
        Ok(())
    }

    fn free(&mut self, id: usize) -> Result<(), alloc::string::String> {
        let (block, layout) = self.take(id)?;
        // SAFETY: the block came from `alloc` with this layout and leaves the session now.
        unsafe { HEAP.heap().lock().deallocate(block, layout) };
        serial_println!("freed block {id}");
        Ok(())
    }

    fn fill(&mut self, id: usize, byte: usize) -> Result<(), alloc::string::String> {
        let byte =
            u8::try_from(byte).map_err(|_| alloc::format!("{byte} does not fit in a byte"))?;
        let &(block, layout) = self.block(id)?;
        // SAFETY: the block is live and `layout.size()` bytes long.
        unsafe { block.as_ptr().write_bytes(byte, layout.size()) };
        serial_println!("filled block {id} with {byte:#04x}");
        Ok(())
    }

    fn block(&self, id: usize) -> Result<&(NonNull<u8>, Layout), alloc::string::String> {
        id.checked_sub(1)
            .and_then(|index| self.blocks.get(index))
            .and_then(Option::as_ref)
            .ok_or_else(|| alloc::format!("no block {id}"))
    }

    fn take(&mut self, id: usize) -> Result<(NonNull<u8>, Layout), alloc::string::String> {
        self.block(id)?;
        Ok(self.blocks[id - 1].take().expect("checked above"))
    }
}

/// A command of the graded exercises (the `exercises` feature: `docs/11`), tried
/// before a command is called unknown; `None` if it is not one either.
#[cfg(feature = "exercises")]
fn exercise(command: &str, args: &[&str]) -> Option<Result<(), alloc::string::String>> {
    let answer = crate::exercises::console::command(command, args)?;
    Some(answer.map(|line| serial_println!("{line}")))
}

/// Without the `exercises` feature there are no exercise commands.
#[cfg(not(feature = "exercises"))]
fn exercise(_command: &str, _args: &[&str]) -> Option<Result<(), alloc::string::String>> {
    None
}

/// A decimal or `0x` hexadecimal number.
fn number(word: &str) -> Result<usize, alloc::string::String> {
    let parsed = match word.strip_prefix("0x") {
        Some(hex) => usize::from_str_radix(hex, 16),
        None => word.parse(),
    };
    parsed.map_err(|_| alloc::format!("`{word}` is not a number"))
}

fn stats() {
    crate::stats::print(&[("now", crate::stats::Snapshot::now())]);
}

fn check() -> Result<(), alloc::string::String> {
    HEAP.heap()
        .lock()
        .check()
        .map(|()| serial_println!("heap check passed"))
        .map_err(|error| alloc::format!("heap check failed: {error}"))
}

fn trim() {
    let trimmed = allocator::trim();
    serial_println!(
        "trim gave back {} pages ({} inside the heap, {} from its top)",
        trimmed.discarded_inside + trimmed.unmapped_top,
        trimmed.discarded_inside,
        trimmed.unmapped_top
    );
}

fn commit() {
    let report = MemoryReport::now();
    serial_println!(
        "committed {} KiB of the {} MiB heap window in {} extends; {} pages mapped",
        report.committed_bytes / 1024,
        memory::HEAP_WINDOW_SIZE >> 20,
        report.extends,
        report.mapped_pages
    );
}

fn bench() {
    const PAIRS: u64 = 10_000;
    let layout = Layout::from_size_align(64, 8).expect("a small layout");
    let start = crate::arch::tsc();
    for _ in 0..PAIRS {
        // SAFETY: the block is freed right away with its layout.
        unsafe {
            let block = HEAP.heap().lock().allocate(layout).expect("64 bytes");
            HEAP.heap().lock().deallocate(block, layout);
        }
    }
    let cycles = (crate::arch::tsc() - start) / PAIRS;
    serial_println!("{PAIRS} allocate+free pairs of 64 bytes: {cycles} TSC cycles each");
}

fn interrupts() {
    serial_println!("  line  interrupts");
    for gsi in (0..irq::GSIS as u32).filter(|&gsi| irq::count(gsi) > 0) {
        serial_println!("  {gsi:>4}  {:>10}", irq::count(gsi));
    }
    serial_println!(
        "  unhandled {}, spurious {}",
        irq::unhandled(),
        crate::interrupts::spurious()
    );
}

fn cpus() {
    serial_println!("  cpu  apic id  timer ticks  lock halts");
    for cpu in (0..percpu::online()).filter_map(percpu::cpu) {
        serial_println!(
            "  {:>3}  {:>7}  {:>11}  {:>10}",
            cpu.index(),
            cpu.apic_id(),
            cpu.ticks(),
            cpu.parks()
        );
    }
}

/// Resets the machine through the PCI reset control register.
fn reboot() -> Result<(), alloc::string::String> {
    serial_println!("rebooting");
    // SAFETY: port 0xcf9 is the chipset's reset control; writing 6 resets the
    // machine, which ends everything this kernel was doing, on purpose.
    unsafe { x86_64::instructions::port::Port::<u8>::new(0xcf9).write(6) };
    Err("the machine did not reset".into())
}
