//! Where an allocation or a free happened: the CPU and the return addresses,
//! kept with each slot for its report.
//!
//! ```text
//!   GlobalAlloc::alloc ─ this_frame ─► [ __rust_alloc | … | the driver's function | … ]
//!   (the pool's own frames lie below the allocator's entry: never recorded)
//! ```

use crate::arch::{backtrace, percpu};

/// Return addresses kept per trace.
pub(super) const DEPTH: usize = 20;

/// Where an allocation or a free happened: the CPU and the call stack.
#[derive(Clone, Copy)]
pub(super) struct Trace {
    pub cpu: usize,
    pub frames: [u64; DEPTH],
    pub len: usize,
}

impl Trace {
    /// No trace yet.
    pub(super) const EMPTY: Self = Self {
        cpu: 0,
        frames: [0; DEPTH],
        len: 0,
    };

    /// The running CPU and its call stack from `frame` (the allocator
    /// entry's `backtrace::this_frame`, so the pool's own frames are left out).
    pub fn from_frame(frame: u64) -> Self {
        let mut trace = Self {
            cpu: percpu::current().index(),
            ..Self::EMPTY
        };
        trace.len = backtrace::return_addresses(frame, &mut trace.frames);
        trace
    }
}
