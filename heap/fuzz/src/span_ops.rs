//! `Span` arithmetic on raw addresses (no memory behind them), near `usize::MAX` included,
//! against the plain integer intervals it should describe.
//!
//! ```text
//!   [base, acme) empty when acme <= base; size, contains, overlaps, fit_within (∩),
//!   fit_over (the cover), align_inward, extend (saturating), from_base_size (saturating)
//! ```

use crate::input::RawSpan;
use std::ptr::without_provenance_mut;
use tagheap::Span;

fn ends(raw: RawSpan) -> (usize, usize) {
    let lift = |value: u64| {
        if raw.near_top {
            usize::MAX - (value as usize & 0xffff)
        } else {
            value as usize
        }
    };
    (lift(raw.base), lift(raw.acme))
}

fn span(base: usize, acme: usize) -> Span {
    Span::new(without_provenance_mut(base), without_provenance_mut(acme))
}

/// The interval `[base, acme)` as `(base, acme)`, or `None` when empty.
fn interval(span: Span) -> Option<(usize, usize)> {
    (!span.is_empty()).then(|| (span.base().addr(), span.acme().addr()))
}

pub fn check(a: RawSpan, b: RawSpan, align: u8, low: u16, high: u16) {
    let ((a_base, a_acme), (b_base, b_acme)) = (ends(a), ends(b));
    let (x, y) = (span(a_base, a_acme), span(b_base, b_acme));
    assert_eq!(x.size(), a_acme.saturating_sub(a_base));
    assert_eq!(x.is_empty(), a_acme <= a_base);
    let sliced = Span::from_slice(core::ptr::slice_from_raw_parts_mut(
        without_provenance_mut(a_base),
        a_acme,
    ));
    assert_eq!(
        sliced.size(),
        a_base.checked_add(a_acme).map_or(0, |_| a_acme),
        "from_slice"
    );
    let from_size = Span::from_base_size(without_provenance_mut(a_base), a_acme);
    assert_eq!(
        from_size.size(),
        a_acme.min(usize::MAX - a_base),
        "from_base_size saturates"
    );
    for probe in [b_base, b_acme, a_base, a_acme.wrapping_sub(1)] {
        assert_eq!(
            x.contains(without_provenance_mut(probe)),
            a_base <= probe && probe < a_acme
        );
    }
    let meet = (a_base.max(b_base), a_acme.min(b_acme));
    let meet = (meet.0 < meet.1).then_some(meet);
    assert_eq!(interval(x.fit_within(y)), meet, "fit_within");
    assert_eq!(x.overlaps(y), meet.is_some(), "overlaps");
    let cover = match (interval(x), interval(y)) {
        (Some(p), Some(q)) => Some((p.0.min(q.0), p.1.max(q.1))),
        (p, q) => p.or(q),
    };
    assert_eq!(interval(x.fit_over(y)), cover, "fit_over");
    assert_eq!(
        x.contains_span(y),
        y.is_empty() || (a_base <= b_base && b_acme <= a_acme && !x.is_empty())
    );
    let align = 1usize << (align % usize::BITS as u8);
    let inward = x.align_inward(align);
    assert!(x.contains_span(inward), "align_inward grew the span");
    if let Some((base, acme)) = interval(inward) {
        assert!(
            base % align == 0 && acme % align == 0,
            "align_inward left unaligned ends"
        );
    }
    let (low, high) = (usize::from(low), usize::from(high));
    let (base, acme) = (x.base().addr(), x.acme().addr());
    let moved = x.extend(low, high);
    assert_eq!(
        interval(moved),
        interval(span(base.saturating_sub(low), acme.saturating_add(high)))
    );
}
