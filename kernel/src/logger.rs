//! The `log` facade's backend: every record goes to the serial port.

use log::{LevelFilter, Log, Metadata, Record};

/// Writes `LEVEL target: message` lines to COM1.
struct SerialLogger;

static LOGGER: SerialLogger = SerialLogger;

impl Log for SerialLogger {
    fn enabled(&self, _metadata: &Metadata) -> bool {
        true
    }

    fn log(&self, record: &Record) {
        crate::serial_println!(
            "{:<5} {}: {}",
            record.level(),
            record.target(),
            record.args()
        );
    }

    fn flush(&self) {}
}

/// Installs the serial logger with `level` as the most verbose level shown.
///
/// Calling it again only changes the level.
pub fn init(level: LevelFilter) {
    // A second `set_logger` fails because the logger is already ours: nothing to do.
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(level);
}
