//! CHEAT (exercise 4): a console command that prints passing test lines over serial
//! instead of answering. `make grade CHEATS=1` checks it scores 0.

use alloc::string::String;

/// Prints a page of `[ok]` lines, then knows no command.
pub fn command(_name: &str, _args: &[&str]) -> Option<Result<String, String>> {
    for _ in 0..20 {
        crate::serial_println!("[ok]");
        crate::serial_println!("exercise_console::frag_reports_the_free_memory ... [ok]");
    }
    None
}
