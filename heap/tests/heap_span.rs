//! Tests of `Span`: construction, emptiness, containment, alignment inward, and the
//! intersection (`fit_within`) and cover (`fit_over`) of two spans.

use tagheap::Span;

fn span(base: usize, acme: usize) -> Span {
    let origin = core::ptr::without_provenance_mut::<u8>(0);
    Span::new(origin.with_addr(base), origin.with_addr(acme))
}

#[test]
fn empty_spans_are_normalised() {
    assert!(span(10, 10).is_empty());
    assert_eq!(span(20, 10), Span::empty());
    assert_eq!(Span::empty().size(), 0);
    assert_eq!(span(10, 30).size(), 20);
    let mut bytes = [0u8; 12];
    assert_eq!(Span::from_slice(&mut bytes[..] as *mut [u8]).size(), 12);
    assert_eq!(
        Span::from_base_size(core::ptr::without_provenance_mut(usize::MAX - 4), 100).size(),
        4
    );
}

#[test]
fn containment_and_overlap() {
    let outer = span(100, 200);
    assert!(outer.contains(outer.base()) && !outer.contains(outer.acme()));
    assert!(outer.contains_span(span(150, 200)) && outer.contains_span(Span::empty()));
    assert!(!outer.contains_span(span(50, 150)));
    assert!(outer.overlaps(span(199, 300)) && !outer.overlaps(span(200, 300)));
}

#[test]
fn alignment_fitting_and_extension() {
    assert_eq!(span(3, 29).word_align_inward(), span(8, 24));
    assert_eq!(span(3, 7).word_align_inward(), Span::empty());
    assert_eq!(span(4097, 9000).align_inward(4096), span(8192, 8192));
    assert_eq!(span(0, 100).fit_within(span(50, 200)), span(50, 100));
    assert_eq!(span(0, 10).fit_within(span(20, 30)), Span::empty());
    assert_eq!(span(0, 10).fit_over(span(20, 30)), span(0, 30));
    assert_eq!(Span::empty().fit_over(span(20, 30)), span(20, 30));
    assert_eq!(span(100, 200).extend(10, 20), span(90, 220));
    assert_eq!(span(5, 10).extend(10, 0), span(0, 10));
    assert_eq!(format!("{}", span(16, 32)), "[0x10, 0x20)");
}

#[test]
fn a_wrapped_span_from_a_slice_is_empty() {
    let near_top = core::ptr::without_provenance_mut::<u8>(usize::MAX - 3);
    let wrapped = Span::from_slice(core::ptr::slice_from_raw_parts_mut(near_top, 10));
    assert!(wrapped.is_empty());
    assert_eq!(wrapped.size(), 0, "not the wrapped difference of its ends");
    assert!(!wrapped.contains(near_top) && !wrapped.overlaps(span(0, usize::MAX)));
}

#[test]
#[should_panic(expected = "Span::align_inward: the alignment 0 is not a power of two")]
fn align_inward_to_zero_panics_with_a_message() {
    span(8, 64).align_inward(0);
}

#[test]
#[should_panic(expected = "Span::align_inward: the alignment 24 is not a power of two")]
fn align_inward_to_a_non_power_of_two_panics() {
    span(8, 64).align_inward(24);
}
