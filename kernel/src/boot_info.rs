//! What the bootloader tells the kernel: its configuration and the memory map.

use bootloader_api::config::{BootloaderConfig, Mapping};
use bootloader_api::info::{MemoryRegionKind, MemoryRegions};

/// Start of the range where the bootloader may place what it maps dynamically
/// (the kernel image, its stack, the boot info, the physical-memory window).
pub const DYNAMIC_RANGE_START: u64 = 0xffff_8000_0000_0000;
/// End (inclusive) of the bootloader's dynamic range. The heap window lies
/// above it, in level-4 entries the bootloader never touches.
pub const DYNAMIC_RANGE_END: u64 = 0xffff_9fff_ffff_ffff;

const _: () = assert!(DYNAMIC_RANGE_START >= 0xffff_8000_0000_0000);
const _: () = assert!(DYNAMIC_RANGE_START < DYNAMIC_RANGE_END);

/// How the bootloader sets up the kernel: every kernel binary (the main one and
/// each test) boots with this configuration.
pub const BOOTLOADER_CONFIG: BootloaderConfig = {
    let mut config = BootloaderConfig::new_default();
    config.mappings.physical_memory = Some(Mapping::Dynamic);
    config.mappings.dynamic_range_start = Some(DYNAMIC_RANGE_START);
    config.mappings.dynamic_range_end = Some(DYNAMIC_RANGE_END);
    config.kernel_stack_size = 256 * 1024;
    config
};

/// A summary of the firmware's memory map.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemorySummary {
    /// Number of regions in the map.
    pub regions: usize,
    /// Number of regions the kernel may use freely.
    pub usable_regions: usize,
    /// Bytes in usable regions.
    pub usable_bytes: u64,
    /// Bytes the bootloader reports as its own (page tables, boot info, kernel).
    pub bootloader_bytes: u64,
    /// Highest physical address any region reaches.
    pub top: u64,
}

impl MemorySummary {
    /// Sums up `regions`.
    pub fn of(regions: &MemoryRegions) -> Self {
        let mut summary = Self {
            regions: regions.len(),
            ..Self::default()
        };
        for region in regions.iter() {
            let size = region.end - region.start;
            match region.kind {
                MemoryRegionKind::Usable => {
                    summary.usable_regions += 1;
                    summary.usable_bytes += size;
                }
                MemoryRegionKind::Bootloader => summary.bootloader_bytes += size,
                _ => {}
            }
            summary.top = summary.top.max(region.end);
        }
        summary
    }

    /// Logs the summary and, at debug level, every region.
    pub fn log(&self, regions: &MemoryRegions) {
        log::info!(
            "memory map: {} regions, {} usable ({} KiB usable), {} KiB used by the bootloader, top {:#x}",
            self.regions,
            self.usable_regions,
            self.usable_bytes / 1024,
            self.bootloader_bytes / 1024,
            self.top
        );
        for region in regions.iter() {
            log::debug!(
                "  {:#012x}..{:#012x} {:?}",
                region.start,
                region.end,
                region.kind
            );
        }
    }
}
