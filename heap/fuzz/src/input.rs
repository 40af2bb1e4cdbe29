//! The operations the fuzzer's bytes decode into (`arbitrary`), and how their fields become
//! sizes, alignments and spans, hostile ones included.
//!
//! ```text
//!   bytes ──► Op::arbitrary ──► lib.rs dispatches ──► heap_ops / arena_ops / bump_ops / span_ops
//!                                                      / cache_ops / mmap_ops / thread_ops
//! ```

use arbitrary::Arbitrary;
use tagheap::MAX_CACHED_SIZE;

/// A requested size: mostly small, sometimes large, sometimes beyond any memory.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Size {
    Tiny(u8),
    Small(u16),
    Large(u32),
    /// Within 64 KiB of `isize::MAX` (a valid `Layout` for small alignments, never memory).
    NearIsizeMax(u16),
    /// Within 64 KiB of `usize::MAX` (no valid `Layout`).
    NearUsizeMax(u16),
}

impl Size {
    pub fn bytes(self) -> usize {
        match self {
            Size::Tiny(size) => usize::from(size),
            Size::Small(size) => usize::from(size) % 4097,
            Size::Large(size) => size as usize % (1 << 17),
            Size::NearIsizeMax(below) => isize::MAX as usize - usize::from(below),
            Size::NearUsizeMax(below) => usize::MAX - usize::from(below),
        }
    }
}

/// An alignment from 1 to 1 GiB.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Align(u8);

impl Align {
    pub fn bytes(self) -> usize {
        let log = match self.0 % 8 {
            0..=5 => self.0 % 7,
            _ => self.0 % 31,
        };
        1 << log
    }
}

/// How a block is allocated.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum AllocVia {
    Heap,
    Global,
    GlobalZeroed,
    Allocator,
    AllocatorZeroed,
}

/// How a block is freed.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum FreeVia {
    Heap,
    Global,
    Allocator,
}

/// How a block is resized.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ResizeVia {
    HeapGrow,
    HeapGrowInPlace,
    HeapShrink,
    HeapRealloc,
    GlobalRealloc,
    AllocatorGrow,
    AllocatorGrowZeroed,
    AllocatorShrink,
}

/// A span to claim: inside the fuzz room, or hostile (each hostile kind must be refused).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ClaimSpan {
    InRoom { offset: u32, size: u32 },
    Empty,
    NullPage { base: u16, size: u16 },
    NearTop { size: u8 },
}

/// How `extend` is called on an arena.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum ExtendKind {
    /// OutOfMemory by the given bytes (unaligned) at each end, kept inside the room.
    OutOfMemory { below: u16, above: u16 },
    /// A span that is not an arena.
    Stranger { shift: u8 },
    /// A new span that does not contain the arena.
    Smaller { cut: u16 },
    /// Down into the null page.
    NullPage { base: u16 },
    /// Up to the top of the address space, over another arena.
    NearTop,
}

/// How `truncate` is called on an arena.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum TruncateKind {
    /// Keep `[base + from, base + from + len)` (clamped to the arena, unaligned).
    Keep { from: u32, len: u32 },
    /// Keep nothing: release the arena if nothing in it is allocated.
    Release,
    /// A span reaching outside the arena.
    Outside { by: u16 },
    /// A span that is not an arena.
    Stranger { shift: u8 },
    /// Exactly the allocated span (what the kernel's trim does).
    ToAllocated,
}

/// What the out-of-memory hook does on its next calls.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum HookMode {
    Refuse,
    OkWithoutChange,
    Claim { offset: u32, size: u32 },
    Extend { pick: u8, bytes: u16 },
}

/// Which level `Bump::alloc_at` is asked for (levels cannot be made up, only observed).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum LevelChoice {
    Current,
    /// A level observed this many steps ago.
    Earlier(u8),
}

/// One operation on a `Bump`.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum BumpOp {
    Alloc {
        size: Size,
        align: Align,
    },
    AllocAt {
        size: Size,
        align: Align,
        level: LevelChoice,
    },
    Dealloc {
        pick: u16,
    },
    Realloc {
        pick: u16,
        size: Size,
    },
    Leak(u64),
    LeakAt {
        value: u64,
        level: LevelChoice,
    },
    Reset,
    TakePage,
}

/// A request size for the cached heap: any class, the sizes around its cut-off, or any
/// `Size` (beyond the classes, beyond its memory, beyond any `Layout`).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum CacheSize {
    /// 0 to 255 bytes: every class, size 0 included.
    Cached(u8),
    /// Within 8 bytes of the cut-off, `MAX_CACHED_SIZE`.
    NearCutOff(u8),
    Any(Size),
}

impl CacheSize {
    /// The size in bytes.
    pub fn bytes(self) -> usize {
        match self {
            CacheSize::Cached(size) => usize::from(size),
            CacheSize::NearCutOff(step) => MAX_CACHED_SIZE - 8 + usize::from(step) % 17,
            CacheSize::Any(size) => size.bytes(),
        }
    }
}

/// How many times an operation on the cached heap is repeated: 1 to 16, so that one step can
/// fill or empty a CPU's magazines and reach the depot.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Count(u8);

impl Count {
    /// How many times to run the operation.
    pub fn times(self) -> usize {
        1 + usize::from(self.0) % 16
    }
}

/// One operation on the cached heap (`cache_ops.rs`). `global`: through its `GlobalAlloc`
/// impl rather than its own methods.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum CacheOp {
    Allocate {
        size: CacheSize,
        align: Align,
        count: Count,
        global: bool,
    },
    Free {
        pick: u16,
        count: Count,
        global: bool,
    },
    /// Allocate `magazines` magazines' worth of blocks of one class (3 to 10), free them in a
    /// row and allocate them again: full magazines go to the depot and come back.
    Cycle {
        size: u8,
        magazines: u8,
    },
    /// Allocate `TEARDOWN_FREES + 16` blocks of one layout (or until the cache runs out).
    Build {
        size: CacheSize,
        align: Align,
    },
    /// Free every live block on the current CPU, in a row (a teardown, if there are enough).
    FreeAll,
    Realloc {
        pick: u16,
        size: CacheSize,
        global: bool,
    },
    /// Play another CPU from now on (one of `cache_ops::PLAYED`, chosen modulo its length).
    SwitchCpu(u8),
    Flush,
    FlushAll,
}

/// One operation on the heap over an `MmapGrow` reservation (`mmap_ops.rs`).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum MmapOp {
    /// Up to 3 MiB, at most 64 KiB aligned.
    Allocate {
        size: u32,
        align: u8,
    },
    Free {
        pick: u16,
    },
    /// Truncate the arena to its allocated span (a release when nothing is allocated).
    Truncate,
}

/// A step of the cache whose CPUs are threads (`thread_ops.rs`): a new thread allocates
/// `count` blocks of a class and frees all but `kept` of them, which this thread frees.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct ThreadStep {
    pub size: u8,
    pub count: Count,
    pub kept: u8,
    pub flush: bool,
}

/// Raw span ends for the `Span` arithmetic (no memory behind them).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct RawSpan {
    pub base: u64,
    pub acme: u64,
    pub near_top: bool,
}

/// One fuzzed step.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Op {
    Allocate {
        size: Size,
        align: Align,
        via: AllocVia,
    },
    Free {
        pick: u16,
        via: FreeVia,
    },
    Resize {
        pick: u16,
        size: Size,
        align: Align,
        via: ResizeVia,
    },
    Claim(ClaimSpan),
    Extend {
        pick: u8,
        kind: ExtendKind,
    },
    Truncate {
        pick: u8,
        kind: TruncateKind,
    },
    AllocatedSpan {
        pick: u8,
        stranger: bool,
    },
    Hook(HookMode),
    Bump(BumpOp),
    Spans {
        a: RawSpan,
        b: RawSpan,
        align: u8,
        low: u16,
        high: u16,
    },
    FirstUse {
        size: u16,
        free: bool,
    },
    Cache(CacheOp),
    Mmap(MmapOp),
    Thread(ThreadStep),
}
