//! The parser against well-formed logs and against each way a log can break the format.

use super::*;

const GOOD: &str = "\
INFO  kernel: workload grew the heap to 36 MiB
heapmap begin grown
heapmap arena 0xffffa00000000000 0xffffa00000000060
heapmap chunk 0xffffa00000000000 24 used
heapmap chunk 0xffffa00000000018 48 free
heapmap mapped 0xffffa00000000000 0xffffa00000001000
heapmap end
INFO  kernel: freed 812 random blocks
heapmap begin trimmed\r
heapmap arena 4096 4144\r
heapmap chunk 4096 24 free\r
heapmap end\r
";

/// The error `parse` gives for `log`.
fn error(log: &str) -> FormatError {
    parse(log).expect_err("the log should be refused")
}

#[test]
fn reads_every_map_and_skips_the_rest_of_the_log() {
    let maps = parse(GOOD).unwrap();
    assert_eq!(maps.len(), 2);
    assert_eq!(maps[0].label, "grown");
    let arena = &maps[0].arenas[0];
    assert_eq!(
        (arena.base, arena.acme),
        (0xffff_a000_0000_0000, 0xffff_a000_0000_0060)
    );
    assert_eq!(
        arena.chunks,
        [
            Chunk {
                base: 0xffff_a000_0000_0000,
                size: 24,
                used: true
            },
            Chunk {
                base: 0xffff_a000_0000_0018,
                size: 48,
                used: false
            },
        ]
    );
    assert_eq!(
        arena.mapped,
        [(0xffff_a000_0000_0000, 0xffff_a000_0000_1000)]
    );
    assert_eq!(maps[1].label, "trimmed");
    assert_eq!(
        maps[1].arenas[0].mapped,
        [],
        "a map may have no mapped pages"
    );
    assert_eq!(
        maps[1].arenas[0].chunks,
        [Chunk {
            base: 4096,
            size: 24,
            used: false
        }]
    );
    assert_eq!(parse("no maps here\n").unwrap(), []);
}

#[test]
fn records_outside_a_map_and_unclosed_maps_are_refused() {
    let stray = error("heapmap chunk 0x1000 24 used\n");
    assert_eq!(stray.line, 1);
    assert!(stray.problem.contains("outside a map"), "{stray}");
    let unclosed = error("heapmap begin a\nheapmap arena 4096 4144\n");
    assert_eq!(unclosed.line, 3);
    assert!(
        unclosed.problem.contains("ends inside map `a`"),
        "{unclosed}"
    );
    let nested = error("heapmap begin a\nheapmap begin b\n");
    assert_eq!(nested.line, 2);
    assert!(nested.problem.contains("has no `heapmap end`"), "{nested}");
}

#[test]
fn labels_must_be_plain_words_used_once() {
    assert!(error("heapmap begin ../etc\n")
        .problem
        .contains("letters, digits"));
    let twice = error("heapmap begin a\nheapmap end\nheapmap begin a\nheapmap end\n");
    assert_eq!(
        (twice.line, twice.problem.as_str()),
        (3, "label `a` is used twice")
    );
}

#[test]
fn chunks_must_continue_their_arena() {
    let open = "heapmap begin a\nheapmap arena 0x1000 0x1030\n";
    let gap = error(&format!(
        "{open}heapmap chunk 0x1008 24 used\nheapmap end\n"
    ));
    assert_eq!(gap.line, 3);
    assert!(gap.problem.contains("should start at 0x1000"), "{gap}");
    let beyond = error(&format!("{open}heapmap chunk 0x1000 64 used\n"));
    assert!(beyond.problem.contains("does not fit in arena"), "{beyond}");
    let orphan = error("heapmap begin a\nheapmap chunk 0x1000 24 used\n");
    assert!(orphan.problem.contains("before any arena"), "{orphan}");
}

#[test]
fn malformed_fields_are_named() {
    let open = "heapmap begin a\nheapmap arena 0x1000 0x1030\n";
    let state = error(&format!("{open}heapmap chunk 0x1000 24 busy\n"));
    assert!(state.problem.contains("`busy` is neither"), "{state}");
    let number = error(&format!("{open}heapmap chunk 0x10zz 24 used\n"));
    assert!(
        number.problem.contains("`0x10zz` is not a number"),
        "{number}"
    );
    let empty = error("heapmap begin a\nheapmap arena 0x2000 0x1000\n");
    assert!(empty.problem.contains("is empty"), "{empty}");
    let short = error(&format!("{open}heapmap chunk 0x1000 24\n"));
    assert_eq!(short.problem, "malformed record `chunk 0x1000 24`");
}

#[test]
fn mapped_runs_are_whole_pages_of_the_arena_in_order() {
    let open = "heapmap begin a\nheapmap arena 0x10000 0x13000\nheapmap chunk 0x10000 24 used\n";
    let maps = parse(&format!(
        "{open}heapmap mapped 0x10000 0x11000\nheapmap mapped 0x12000 0x13000\nheapmap end\n"
    ))
    .unwrap();
    assert_eq!(
        maps[0].arenas[0].mapped,
        [(0x10000, 0x11000), (0x12000, 0x13000)]
    );
    let ragged = error(&format!("{open}heapmap mapped 0x10000 0x10800\n"));
    assert!(
        ragged.problem.contains("not a run of whole pages"),
        "{ragged}"
    );
    let outside = error(&format!("{open}heapmap mapped 0x12000 0x14000\n"));
    assert!(
        outside.problem.contains("should lie in 0x10000..0x13000"),
        "{outside}"
    );
    let backwards = error(&format!(
        "{open}heapmap mapped 0x12000 0x13000\nheapmap mapped 0x10000 0x11000\n"
    ));
    assert_eq!(backwards.line, 5);
    assert!(
        backwards.problem.contains("after the previous run"),
        "{backwards}"
    );
}
