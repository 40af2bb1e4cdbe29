//! Arenas: giving the heap memory (`claim`), growing an arena at either end (`extend`), and
//! giving its free top back (`truncate`).

pub(crate) mod claim;
pub(crate) mod extend;
pub(crate) mod truncate;
