#!/usr/bin/env python3
"""Turns a raw log of the shim (malloc_trace.so) into a replayable trace.

    raw record (40 bytes):  op, ptr, old, size, align           five little-endian u64
      op 0 malloc, 1 free, 2 realloc, 3 calloc, 4 memalign family
    trace record (16 bytes): op u8, align_log2 u8, pad u16, id u32, size u64
      op 0 allocate, 1 free, 2 realloc; ids are dense, in order of first allocation

Addresses become ids: an allocation maps its address to a new id, a free or realloc looks
the address up. Calls the trace cannot express are dropped and counted: a failed allocation
(null), free(NULL), and frees or reallocs of addresses the log never allocated (memory from
before the shim was loaded). realloc(NULL, n) is an allocation; realloc(p, 0), which glibc
answers by freeing p, is a free. malloc, calloc and realloc ask for 16-byte alignment (what
malloc guarantees); the memalign family asks for what it was given, at least 16.

usage: normalize.py RAW TRACE    (prints: ops blocks live_at_exit peak_live_bytes dropped)
"""
import struct
import sys

RAW = struct.Struct("<5Q")
TRACE = struct.Struct("<BBHIQ")
ALLOCATE, FREE, REALLOC = 0, 1, 2


def normalize(raw, out):
    ids, sizes = {}, {}
    next_id = ops = live_bytes = peak = 0
    dropped = {}
    records = bytearray()

    def drop(why):
        dropped[why] = dropped.get(why, 0) + 1

    def emit(op, align, block, size):
        nonlocal ops
        records.extend(TRACE.pack(op, max(align, 16).bit_length() - 1, 0, block, size))
        ops += 1

    for op, ptr, old, size, align in RAW.iter_unpack(raw):
        if op == 2 and old == 0:
            op = 0
        if op in (0, 3, 4):
            if ptr == 0:
                drop("failed allocation")
                continue
            ids[ptr], sizes[next_id] = next_id, size
            emit(ALLOCATE, align, next_id, size)
            next_id += 1
            live_bytes += size
        elif op == 1 or (op == 2 and size == 0):
            if old == 0:
                drop("free(NULL)")
                continue
            block = ids.pop(old, None)
            if block is None:
                drop("free of an unknown address")
                continue
            emit(FREE, 0, block, 0)
            live_bytes -= sizes.pop(block)
        elif op == 2:
            if ptr == 0:
                drop("failed realloc")
                continue
            block = ids.pop(old, None)
            if block is None:
                drop("realloc of an unknown address")
                continue
            ids[ptr] = block
            emit(REALLOC, 16, block, size)
            live_bytes += size - sizes[block]
            sizes[block] = size
        else:
            sys.exit(f"unknown op {op} in the raw log")
        peak = max(peak, live_bytes)
    out.write(records)
    return ops, next_id, len(ids), peak, dropped


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as raw, open(sys.argv[2], "wb") as out:
        ops, blocks, live, peak, dropped = normalize(raw.read(), out)
    print(ops, blocks, live, peak, sum(dropped.values()))
    for why, count in sorted(dropped.items()):
        print(f"  dropped {count}: {why}", file=sys.stderr)


if __name__ == "__main__":
    main()
