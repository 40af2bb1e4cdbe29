//! The graded exercises: what the student writes, what checks it, and what the checks
//! stand on (files the student must leave as handed out).

/// Where an exercise's checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// An integration test of the `exercises` crate.
    Host(&'static str),
    /// An integration test of the `exercises` crate built in release (it times things).
    HostRelease(&'static str),
    /// A kernel test, booted in QEMU with this many CPUs.
    Kernel(&'static str, u32),
}

/// One graded exercise.
#[derive(Debug)]
pub struct Exercise {
    /// Its number in `docs/11-graded-exercises.md` (`make grade EX=…`).
    pub number: &'static str,
    /// Its title.
    pub title: &'static str,
    /// The file the student writes.
    pub file: &'static str,
    /// The most it can score.
    pub points: u32,
    /// Its checks.
    pub checks: Checks,
    /// Files its checks stand on, in groups; a copy that differs from the handed-out one
    /// scores 0.
    pub guarded: &'static [&'static [&'static str]],
    /// Names the student's file must not use (the helpers the exercise forbids).
    pub forbidden: &'static [&'static str],
}

/// Files every exercise of one kind stands on: the manifests, the shared check code, the
/// kernel's test runner and the exercise modules the student does not write.
const HOST_BASE: &[&str] = &[
    "exercises/Cargo.toml",
    "exercises/src/lib.rs",
    "exercises/src/trace.rs",
    "exercises/tests/common/mod.rs",
];
const FIT: &[&str] = &["exercises/src/fit/mod.rs", "exercises/src/fit/simulate.rs"];
const MALLOC: &[&str] = &[
    "exercises/src/malloc/mod.rs",
    "exercises/src/malloc/arena.rs",
    "exercises/src/malloc/replay.rs",
    "exercises/src/malloc/verify.rs",
    "exercises/src/malloc/reference.rs",
    "exercises/src/malloc/first_fit.rs",
];
const BUDDY: &[&str] = &[
    "exercises/buddy/Cargo.toml",
    "exercises/buddy/src/lib.rs",
    "exercises/buddy/src/blocks.rs",
];
/// The kernel's frame pools: what makes it boot on the student's buddy allocator.
const FRAME_POOLS: &[&str] = &[
    "kernel/src/memory/frames/mod.rs",
    "kernel/src/memory/frames/pool.rs",
    "kernel/src/memory/frames/buddy.rs",
    "kernel/src/lib.rs",
];
const KERNEL_BASE: &[&str] = &[
    "kernel/Cargo.toml",
    "kernel/src/testing.rs",
    "kernel/src/exercises/mod.rs",
];

/// The exercises, in the book's order.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        number: "1a",
        title: "best fit",
        file: "exercises/src/fit/best.rs",
        points: 10,
        checks: Checks::Host("best_fit"),
        guarded: &[&["exercises/tests/best_fit.rs"], HOST_BASE, FIT],
        forbidden: &[],
    },
    Exercise {
        number: "1b",
        title: "next fit",
        file: "exercises/src/fit/next.rs",
        points: 10,
        checks: Checks::Host("next_fit"),
        guarded: &[&["exercises/tests/next_fit.rs"], HOST_BASE, FIT],
        forbidden: &[],
    },
    Exercise {
        number: "2",
        title: "a size-class front end",
        file: "exercises/src/size_classes.rs",
        points: 20,
        checks: Checks::Host("size_classes"),
        guarded: &[&["exercises/tests/size_classes.rs"], HOST_BASE],
        forbidden: &[],
    },
    Exercise {
        number: "3",
        title: "a page-table walk by hand",
        file: "kernel/src/exercises/walk.rs",
        points: 20,
        checks: Checks::Kernel("exercise_page_walk", 1),
        guarded: &[&["kernel/tests/exercise_page_walk.rs"], KERNEL_BASE],
        forbidden: &[
            "page_walk",
            "translate",
            "OffsetPageTable",
            "MappedPageTable",
            "RecursivePageTable",
            "Translate",
            "Mapper",
        ],
    },
    Exercise {
        number: "4",
        title: "a console command",
        file: "kernel/src/exercises/console.rs",
        points: 10,
        checks: Checks::Kernel("exercise_console", 1),
        guarded: &[&["kernel/tests/exercise_console.rs"], KERNEL_BASE],
        forbidden: &[],
    },
    Exercise {
        number: "5",
        title: "per-CPU caches flushed on trim",
        file: "kernel/src/exercises/trim.rs",
        points: 10,
        checks: Checks::Kernel("exercise_cpu_cache", 4),
        guarded: &[
            &["kernel/tests/exercise_cpu_cache.rs"],
            KERNEL_BASE,
            &["kernel/src/exercises/cpu_cache.rs"],
        ],
        forbidden: &[],
    },
    Exercise {
        number: "6",
        title: "a malloc lab",
        file: "exercises/src/malloc/student.rs",
        points: 20,
        checks: Checks::HostRelease("malloc_lab"),
        guarded: &[&["exercises/tests/malloc_lab.rs"], HOST_BASE, MALLOC],
        forbidden: &[
            "heap",
            "linked_list_allocator",
            "OurHeap",
            "FirstFit",
            "reference",
            "first_fit",
            "alloc",
            "System",
            "GlobalAlloc",
            "Vec",
            "Box",
            "HashMap",
            "BTreeMap",
            "String",
        ],
    },
    Exercise {
        number: "7a",
        title: "a buddy allocator: split and merge",
        file: "exercises/buddy/src/student.rs",
        points: 10,
        checks: Checks::Host("buddy"),
        guarded: &[&["exercises/tests/buddy.rs"], HOST_BASE, BUDDY],
        forbidden: &[],
    },
    Exercise {
        number: "7b",
        title: "the kernel boots on your buddy allocator",
        file: "exercises/buddy/src/student.rs",
        points: 10,
        checks: Checks::Kernel("exercise_buddy", 1),
        guarded: &[
            &["kernel/tests/exercise_buddy.rs"],
            KERNEL_BASE,
            BUDDY,
            FRAME_POOLS,
        ],
        forbidden: &[],
    },
    Exercise {
        number: "8",
        title: "the page-fault rule that grows the heap",
        file: "kernel/src/exercises/grow.rs",
        points: 10,
        checks: Checks::Kernel("exercise_grow", 1),
        guarded: &[
            &["kernel/tests/exercise_grow.rs"],
            KERNEL_BASE,
            &[
                "kernel/src/memory/fault.rs",
                "kernel/src/memory/fault_rule.rs",
                "kernel/src/interrupts.rs",
            ],
        ],
        forbidden: &["heap_rule", "classify", "map_on_demand", "fault_rule"],
    },
];

impl Exercise {
    /// Every file its checks stand on.
    pub fn guarded_files(&self) -> impl Iterator<Item = &'static str> {
        self.guarded.iter().flat_map(|group| group.iter().copied())
    }
}

/// The exercise numbered `number`, or an error listing the numbers there are.
pub fn find(number: &str) -> Result<&'static Exercise, String> {
    EXERCISES
        .iter()
        .find(|exercise| exercise.number == number)
        .ok_or_else(|| {
            let numbers: Vec<&str> = EXERCISES.iter().map(|e| e.number).collect();
            format!(
                "no exercise {number:?}: the exercises are {}",
                numbers.join(", ")
            )
        })
}
