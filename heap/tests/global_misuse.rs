//! A misuse reported by a heap that is the program's `#[global_allocator]` stops the program
//! with the message: the check runs under the heap's lock, and the panic, which allocates
//! (its message, its payload), comes only once the lock is released. Before, the panic's own
//! allocation waited for the lock its free still held, and the program hung.
//!
//! The program runs itself as a child for each misuse (`CHILD_MODE` names which), over both
//! global heaps, a `LockedHeap` and a `CachedHeap` (the kernel's kind): the child must exit
//! abnormally with the message within the time limit, or it is killed and the test fails.
//! No test harness (`harness = false`): one `#[global_allocator]` dispatches to either heap.
//! Miri cannot start processes, so under Miri this program does nothing.

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tagheap::{ClaimOnFirstUse, Span, SpinCachedHeap, SpinLockedHeap, ThreadCpu};

/// Words of each heap's memory: 32 MiB, room for symbolizing a backtrace (untouched memory
/// of a `static` costs nothing).
const WORDS: usize = 1 << 22;

static mut LOCKED_ARENA: [u64; WORDS] = [0; WORDS];
static mut CACHED_ARENA: [u64; WORDS] = [0; WORDS];

/// `arena` as a span of bytes.
const fn span(arena: *mut [u64; WORDS]) -> Span {
    Span::from_slice(core::ptr::slice_from_raw_parts_mut(arena.cast(), WORDS * 8))
}

/// The global heap until a child chooses the cache.
static LOCKED: SpinLockedHeap<ClaimOnFirstUse> = SpinLockedHeap::new(
    // SAFETY: only this heap uses its arena.
    unsafe { ClaimOnFirstUse::new(span(&raw mut LOCKED_ARENA)) },
);
/// The global heap of a child that chooses it.
static CACHED: SpinCachedHeap<ClaimOnFirstUse, ThreadCpu, 4> = SpinCachedHeap::new(
    // SAFETY: only this heap uses its arena.
    unsafe { ClaimOnFirstUse::new(span(&raw mut CACHED_ARENA)) },
);

/// Whether new blocks come from `CACHED` (set once, by a child, before its misuse).
static USE_CACHE: AtomicBool = AtomicBool::new(false);

/// The global allocator: new blocks from the chosen heap; a block goes back to the heap
/// whose arena holds it (anything else, a foreign pointer, to the chosen heap).
struct Either;

impl Either {
    fn cached(ptr: *mut u8) -> bool {
        let cached = span(&raw mut CACHED_ARENA);
        let locked = span(&raw mut LOCKED_ARENA);
        cached.contains(ptr) || (!locked.contains(ptr) && USE_CACHE.load(Relaxed))
    }
}

#[global_allocator]
static GLOBAL: Either = Either;

// SAFETY: each block is served and taken back by the one heap it came from.
unsafe impl GlobalAlloc for Either {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe {
            match USE_CACHE.load(Relaxed) {
                true => CACHED.alloc(layout),
                false => LOCKED.alloc(layout),
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe {
            match Self::cached(ptr) {
                true => CACHED.dealloc(ptr, layout),
                false => LOCKED.dealloc(ptr, layout),
            }
        }
    }
}

/// The environment variable that makes this program a child doing one misuse.
const CHILD_MODE: &str = "GLOBAL_MISUSE_CHILD";
/// How long a child may take before it counts as hung.
const LIMIT: Duration = Duration::from_secs(60);

/// A misuse a child commits, and what its message must say.
struct Misuse {
    name: &'static str,
    cached: bool,
    expected: &'static str,
    /// Caught only by `debug-checks` (in builds with debug assertions).
    needs_checks: bool,
    run: unsafe fn(),
}

/// A cached layout, and one the cache leaves to its heap.
const SMALL: Layout = Layout::new::<[u64; 4]>();
const LARGE: Layout = Layout::new::<[u64; 256]>();

/// Frees a block twice.
unsafe fn double_free() {
    let layout = if USE_CACHE.load(Relaxed) {
        SMALL
    } else {
        LARGE
    };
    // SAFETY: deliberately wrong: the second free is a double free.
    unsafe {
        let block = std::alloc::alloc(layout);
        std::alloc::dealloc(block, layout);
        std::alloc::dealloc(block, layout);
    }
}

/// Frees a pointer to a local variable, in no arena, with a layout the cache leaves to the
/// heap (a cached layout's free is not checked without `debug-checks`).
unsafe fn foreign_free() {
    let mut local = [0u64; 256];
    // SAFETY: deliberately wrong: the heap never handed this pointer out.
    unsafe { std::alloc::dealloc(local.as_mut_ptr().cast(), LARGE) };
}

const MISUSES: [Misuse; 4] = [
    Misuse {
        name: "locked-double-free",
        cached: false,
        expected: "deallocate: double free or foreign pointer",
        needs_checks: true,
        run: double_free,
    },
    Misuse {
        name: "locked-foreign-free",
        cached: false,
        expected: "was never handed out by this heap",
        needs_checks: false,
        run: foreign_free,
    },
    Misuse {
        name: "cached-double-free",
        cached: true,
        expected: "deallocate: double free",
        needs_checks: true,
        run: double_free,
    },
    Misuse {
        name: "cached-foreign-free",
        cached: true,
        expected: "was never handed out by this heap",
        needs_checks: false,
        run: foreign_free,
    },
];

fn main() {
    if cfg!(miri) {
        return;
    }
    if let Ok(name) = std::env::var(CHILD_MODE) {
        let misuse = MISUSES.iter().find(|misuse| misuse.name == name).unwrap();
        USE_CACHE.store(misuse.cached, Relaxed);
        // SAFETY: not safe at all: the misuse is the point, and must stop the program.
        unsafe { (misuse.run)() };
        println!("{name}: the misuse went unnoticed");
        return;
    }
    let checks = cfg!(debug_assertions);
    for misuse in MISUSES
        .iter()
        .filter(|misuse| checks || !misuse.needs_checks)
    {
        let stderr = run_child(misuse.name);
        assert!(
            stderr.contains(misuse.expected),
            "{}: the child's message lacks {:?}:\n{stderr}",
            misuse.name,
            misuse.expected
        );
        println!("{}: stopped with the message", misuse.name);
    }
}

/// Runs this program as the child `name`; its standard error once it has exited abnormally.
fn run_child(name: &str) -> String {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(CHILD_MODE, name)
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{name}: the child hung (killed after {LIMIT:?})");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        !status.success(),
        "{name}: the child exited normally:\n{stderr}"
    );
    stderr
}
