//! A failing assertion must reach the panic handler: this test passes only if
//! the kernel panics with the assertion's message, and fails if the code after
//! the assertion runs.
#![no_std]
#![no_main]

kernel::must_panic!(
    "should_panic::failing_assertion",
    "the assertion that must fail",
    {
        assert_eq!(1, 2, "the assertion that must fail");
    }
);
