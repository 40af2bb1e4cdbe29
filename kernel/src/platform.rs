//! What the firmware's ACPI tables say about the machine: its CPUs (local APIC
//! ids, from the MADT) and its interrupt controllers (the local APIC's
//! address, the I/O APIC, and how ISA interrupt lines are wired to it).
//!
//! ```text
//!   BootInfo.rsdp_addr ─► RSDP ─► XSDT/RSDT ─► MADT ─┬─► processors: APIC ids, enabled?
//!                        (acpi crate, tables read     ├─► local APIC address
//!                         through the physical-       ├─► I/O APIC: address, first GSI
//!                         memory window)              └─► ISA overrides (IRQ 0 → GSI 2 …)
//! ```

use acpi::platform::interrupt::{InterruptModel, Polarity, TriggerMode};
use acpi::platform::ProcessorState;
use acpi::{AcpiHandler, AcpiTables, PhysicalMapping, PlatformInfo};
use alloc::vec::Vec;
use core::ptr::NonNull;
use spin::Once;
use x86_64::VirtAddr;

/// One ISA interrupt line as the I/O APIC sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsaLine {
    /// The I/O APIC input (global system interrupt).
    pub gsi: u32,
    /// Whether the line is active-low (ISA lines are active-high by default).
    pub active_low: bool,
    /// Whether the line is level-triggered (ISA lines are edge by default).
    pub level: bool,
    /// Whether the MADT overrides the ISA defaults for this line (firmware
    /// does for the IRQs it routes PCI interrupts to).
    pub overridden: bool,
}

/// The machine, as the MADT describes it.
#[derive(Debug)]
pub struct Platform {
    /// Physical address of the local APICs' registers.
    pub local_apic: u64,
    /// Local APIC ids of the usable CPUs, the boot CPU first.
    pub cpus: Vec<u32>,
    /// Physical address and first GSI of the (first) I/O APIC.
    pub io_apic: Option<(u64, u32)>,
    /// How each ISA line (IRQ 0-15) reaches the I/O APIC.
    pub isa: [IsaLine; 16],
}

static PLATFORM: Once<Platform> = Once::new();

/// The platform, read once from the tables at `rsdp` (physical), with all
/// physical memory mapped at `physical_memory`.
///
/// Panics if the tables cannot be read or describe no APIC: the kernel cannot
/// take interrupts without one.
pub fn discover(rsdp: u64, physical_memory: VirtAddr) -> &'static Platform {
    PLATFORM.call_once(|| {
        let handler = PhysicalWindow(physical_memory);
        // SAFETY: the bootloader hands over the RSDP's physical address.
        let tables =
            unsafe { AcpiTables::from_rsdp(handler, rsdp as usize) }.unwrap_or_else(|error| {
                panic!("reading the ACPI tables at {rsdp:#x} failed: {error:?}")
            });
        let info = PlatformInfo::new(&tables)
            .unwrap_or_else(|error| panic!("reading the MADT failed: {error:?}"));
        let InterruptModel::Apic(apic) = info.interrupt_model else {
            panic!("the MADT describes no APIC: this kernel needs one");
        };
        let mut cpus = Vec::new();
        if let Some(processors) = &info.processor_info {
            cpus.push(processors.boot_processor.local_apic_id);
            let usable = processors
                .application_processors
                .iter()
                .filter(|p| p.state != ProcessorState::Disabled);
            cpus.extend(usable.map(|p| p.local_apic_id));
        }
        let mut isa: [IsaLine; 16] = core::array::from_fn(|line| IsaLine {
            gsi: line as u32,
            active_low: false,
            level: false,
            overridden: false,
        });
        for source in apic.interrupt_source_overrides.iter() {
            if let Some(line) = isa.get_mut(usize::from(source.isa_source)) {
                *line = IsaLine {
                    gsi: source.global_system_interrupt,
                    active_low: source.polarity == Polarity::ActiveLow,
                    level: source.trigger_mode == TriggerMode::Level,
                    overridden: true,
                };
            }
        }
        Platform {
            local_apic: apic.local_apic_address,
            cpus,
            io_apic: apic
                .io_apics
                .iter()
                .next()
                .map(|io| (u64::from(io.address), io.global_system_interrupt_base)),
            isa,
        }
    })
}

/// The platform, if [`discover`] has run.
pub fn get() -> Option<&'static Platform> {
    PLATFORM.get()
}

/// Reads ACPI tables through the bootloader's mapping of all physical memory.
#[derive(Clone, Copy)]
struct PhysicalWindow(VirtAddr);

impl AcpiHandler for PhysicalWindow {
    unsafe fn map_physical_region<T>(
        &self,
        physical: usize,
        size: usize,
    ) -> PhysicalMapping<Self, T> {
        let virt = NonNull::new((self.0 + physical as u64).as_mut_ptr::<T>())
            .expect("the physical-memory window does not start at 0");
        // SAFETY: all physical memory is mapped at the window, so the region
        // is readable there for as long as the kernel runs.
        unsafe { PhysicalMapping::new(physical, virt, size, size, *self) }
    }

    fn unmap_physical_region<T>(_region: &PhysicalMapping<Self, T>) {}
}
