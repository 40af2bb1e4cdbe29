//! Allocators for a bare-metal kernel, usable by any `no_std` project.
#![no_std]
#![cfg_attr(feature = "nightly", feature(allocator_api))]
