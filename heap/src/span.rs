//! `Span`: a half-open byte range `[base, acme)` described by two raw pointers.
//!
//! ```text
//!   base                         acme
//!    |<---------- size ---------->|
//!    [ b  b  b  b  b  b  b  b  b )      acme is one past the last byte
//! ```
//!
//! A span whose `acme` is not above its `base` is empty; every empty span compares equal
//! to [`Span::empty`] once normalised by the operations here. Spans only describe memory:
//! building one is safe, and so is every helper, because none of them dereferences.

use core::fmt;

/// A half-open byte range `[base, acme)`; empty when `acme <= base`.
///
/// ```
/// use tagheap::Span;
///
/// let mut bytes = [0u8; 64];
/// let span = Span::from_slice(&mut bytes[..]);
/// let low = Span::from_base_size(span.base(), 40);
/// let high = Span::new(span.base().wrapping_add(32), span.acme());
///
/// assert_eq!((span.size(), low.size(), high.size()), (64, 40, 32));
/// assert!(span.contains_span(low) && !low.contains(low.acme()), "acme is one past the end");
/// assert_eq!(low.fit_within(high).size(), 8, "they share bytes 32..40");
/// assert_eq!(low.fit_over(high), span);
/// assert!(Span::new(span.acme(), span.base()).is_empty());
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Span {
    base: *mut u8,
    acme: *mut u8,
}

// SAFETY: a span is an inert description of addresses; every access through it is
// `unsafe` elsewhere and carries its own contract.
unsafe impl Send for Span {}
// SAFETY: as above; sharing a description of addresses shares no memory.
unsafe impl Sync for Span {}

impl Span {
    /// The empty span (both ends null).
    pub const fn empty() -> Self {
        Self {
            base: core::ptr::null_mut(),
            acme: core::ptr::null_mut(),
        }
    }

    /// The span `[base, acme)`; [`Span::empty`] if `acme <= base`. Never panics.
    pub fn new(base: *mut u8, acme: *mut u8) -> Self {
        if acme.addr() > base.addr() {
            Self { base, acme }
        } else {
            Self::empty()
        }
    }

    /// The span of `size` bytes starting at `base` (keeps `base`'s provenance for both ends).
    /// A size that would run past the top of the address space stops at `usize::MAX`; a zero
    /// size gives [`Span::empty`]. Never panics.
    pub fn from_base_size(base: *mut u8, size: usize) -> Self {
        match base.addr().checked_add(size) {
            Some(acme) => Self::new(base, base.with_addr(acme)),
            None => Self::new(base, base.with_addr(usize::MAX)),
        }
    }

    /// The span covering a raw slice; `const`, so a `static` heap's hook can hold one.
    ///
    /// A slice that would wrap around the top of the address space gives a span whose `acme`
    /// lies below its `base`: empty, like every span with `acme <= base`.
    pub const fn from_slice(slice: *mut [u8]) -> Self {
        let base = slice.cast::<u8>();
        Self {
            base,
            acme: base.wrapping_add(slice.len()),
        }
    }

    /// The first byte (null for [`Span::empty`] and every span normalised to it).
    pub fn base(self) -> *mut u8 {
        self.base
    }

    /// One past the last byte (null for [`Span::empty`] and every span normalised to it).
    pub fn acme(self) -> *mut u8 {
        self.acme
    }

    /// Number of bytes covered: 0 for an empty span, including one whose `acme` lies below
    /// its `base` (a `from_slice` that wrapped around the address space).
    pub fn size(self) -> usize {
        self.acme.addr().saturating_sub(self.base.addr())
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.acme.addr() <= self.base.addr()
    }

    /// Whether the byte at `ptr` lies inside the span (never, for an empty span).
    pub fn contains(self, ptr: *mut u8) -> bool {
        self.base.addr() <= ptr.addr() && ptr.addr() < self.acme.addr()
    }

    /// Whether every byte of `other` lies inside this span (an empty `other` always does).
    pub fn contains_span(self, other: Span) -> bool {
        other.is_empty()
            || (self.base.addr() <= other.base.addr() && other.acme.addr() <= self.acme.addr())
    }

    /// Whether the two spans share at least one byte.
    pub fn overlaps(self, other: Span) -> bool {
        !self.fit_within(other).is_empty()
    }

    /// The largest span inside this one whose ends are multiples of `align` (empty if there
    /// is none).
    ///
    /// # Panics
    /// If `align` is not a power of two (zero included).
    pub fn align_inward(self, align: usize) -> Self {
        assert!(
            align.is_power_of_two(),
            "Span::align_inward: the alignment {align} is not a power of two"
        );
        let base = self
            .base
            .addr()
            .checked_add(align - 1)
            .map(|a| a & !(align - 1));
        match base {
            Some(base) => Self::new(
                self.base.with_addr(base),
                self.acme.map_addr(|a| a & !(align - 1)),
            ),
            None => Self::empty(),
        }
    }

    /// The largest span inside this one whose ends are word-aligned (empty if there is none).
    /// Never panics.
    pub fn word_align_inward(self) -> Self {
        self.align_inward(core::mem::size_of::<usize>())
    }

    /// The part of this span that lies within `other` (their intersection; empty if they
    /// share no byte, or either is empty).
    pub fn fit_within(self, other: Span) -> Self {
        let base = if other.base.addr() > self.base.addr() {
            other.base
        } else {
            self.base
        };
        let acme = if other.acme.addr() < self.acme.addr() {
            other.acme
        } else {
            self.acme
        };
        Self::new(base, acme)
    }

    /// The smallest span covering both this span and `other` (an empty side is ignored).
    pub fn fit_over(self, other: Span) -> Self {
        if self.is_empty() {
            return other;
        }
        if other.is_empty() {
            return self;
        }
        let base = if other.base.addr() < self.base.addr() {
            other.base
        } else {
            self.base
        };
        let acme = if other.acme.addr() > self.acme.addr() {
            other.acme
        } else {
            self.acme
        };
        Self::new(base, acme)
    }

    /// This span moved out by `low` bytes below and `high` bytes above, stopping at address 0
    /// and `usize::MAX` instead of wrapping. Never panics. (Moving an empty span's null ends
    /// gives `[0, high)`.)
    pub fn extend(self, low: usize, high: usize) -> Self {
        Self::new(
            self.base.with_addr(self.base.addr().saturating_sub(low)),
            self.acme.with_addr(self.acme.addr().saturating_add(high)),
        )
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{:#x}, {:#x})", self.base.addr(), self.acme.addr())
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
