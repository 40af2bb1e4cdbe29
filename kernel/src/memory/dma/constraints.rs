//! Where a DMA buffer may lie in physical memory: below the highest address
//! the device can reach, at an alignment, and not across a boundary.
//!
//! ```text
//!   physical  0 ───────────── 64 KiB ───────────── 128 KiB ─────── limit
//!   boundary 64 KiB:  [ ok ]      [ crosses 64 KiB: refused ]  [ ok ]
//!   align 16 KiB:     buffers start at multiples of 16 KiB
//! ```
//!
//! ISA DMA controllers count addresses in 16-bit halves: a transfer cannot
//! cross a 64 KiB boundary and must lie below 16 MiB, so [`BELOW_16_MIB`]
//! carries both. Descriptor rings of PCI devices often want alignment.

use crate::memory::PAGE_SIZE;

/// Placement rules for a DMA buffer. Every buffer is page-aligned at least.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Constraints {
    limit: u64,
    align: u64,
    boundary: Option<u64>,
}

/// What ISA DMA controllers reach: below 16 MiB, within a 64 KiB block.
pub const BELOW_16_MIB: Constraints = Constraints::below(16 << 20).within(64 << 10);
/// What 32-bit PCI devices reach.
pub const BELOW_4_GIB: Constraints = Constraints::below(4 << 30);
/// What 64-bit devices (virtio) reach: any physical address.
pub const ANYWHERE: Constraints = Constraints::below(u64::MAX);

impl Constraints {
    /// Wholly below physical address `limit`, page-aligned, no boundary.
    pub const fn below(limit: u64) -> Self {
        Self {
            limit,
            align: PAGE_SIZE,
            boundary: None,
        }
    }

    /// Starting at a multiple of `align` (a power of two; less than a page
    /// changes nothing).
    pub const fn aligned(self, align: u64) -> Self {
        Self { align, ..self }
    }

    /// Never crossing a multiple of `boundary` (a power of two).
    pub const fn within(self, boundary: u64) -> Self {
        Self {
            boundary: Some(boundary),
            ..self
        }
    }

    /// The buffer ends at or below this physical address.
    pub const fn limit(&self) -> u64 {
        self.limit
    }

    /// The buffer's physical start is a multiple of this.
    pub const fn align(&self) -> u64 {
        self.align
    }

    /// The buffer never crosses a multiple of this.
    pub const fn boundary(&self) -> Option<u64> {
        self.boundary
    }

    /// Whether a buffer of `bytes` bytes can meet these rules at all.
    pub(super) fn admit(&self, bytes: u64) -> bool {
        let boundary_fits = match self.boundary {
            Some(boundary) => boundary.is_power_of_two() && bytes <= boundary,
            None => true,
        };
        self.align.is_power_of_two() && boundary_fits
    }

    /// Whether the physical run `start..start + bytes` meets these rules.
    pub fn admits(&self, start: u64, bytes: u64) -> bool {
        let end = start + bytes;
        let within = self
            .boundary
            .is_none_or(|boundary| start / boundary == (end - 1) / boundary);
        end <= self.limit && start.is_multiple_of(self.align) && within
    }
}
