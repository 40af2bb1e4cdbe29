//! The reference solutions (feature `solutions`): what `make grade SOLUTIONS=1` grades.
//! A course hands out the crate without this directory (or keeps it on a branch).

mod fit;
mod malloc;
mod size_classes;

pub(crate) use fit::{best_fit, next_fit};
pub(crate) use size_classes::SizeClassesSolution;

/// The malloc lab's reference solution.
pub(crate) type MallocSolution = malloc::Segregated;
