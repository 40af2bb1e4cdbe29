//! EXERCISE 4: a console command. Add `frag` to the heap console (`make console` built with
//! the `exercises` feature): it answers, in one line,
//!
//! ```text
//!   free: F bytes in N chunks; largest: L bytes; external fragmentation: P %
//! ```
//!
//! where `F`, `N` and `L` are the heap's free bytes, free chunks and largest free chunk
//! (`Heap::counters`, under `HEAP.heap().lock()`), and `P = 100 * (F - L) / F` rounded down (0
//! when nothing is free): the share of the free memory that a single request can *not*
//! get. `frag` with arguments is an error: `Some(Err(..))`.
//!
//! The console asks [`command`] about every command it does not know itself; `None`
//! means "not mine either", and the console says `unknown command`.

use alloc::string::String;

/// The answer to `name` with `args`, if this module knows the command.
#[cfg(not(feature = "solutions"))]
pub fn command(_name: &str, _args: &[&str]) -> Option<Result<String, String>> {
    None
}

/// The answer to `name` with `args`, if this module knows the command.
#[cfg(feature = "solutions")]
pub fn command(name: &str, args: &[&str]) -> Option<Result<String, String>> {
    super::solutions::console_command(name, args)
}
