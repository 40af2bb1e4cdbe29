#!/usr/bin/env bash
# Instructions per operation inside the allocators' own calls, counted by callgrind on the
# replay bench (`ONCE=1`: one replay of each whole committed trace; no running counters,
# as `make bench` builds it): `--toggle-collect` on the out-of-line call wrappers
# (heap/benches/replay/player.rs) counts the allocator alone, and the count is divided by
# the calls the replay made (callgrind may replay a trace a different number of times per
# allocator). Deterministic, so one run is enough. Writes target/bench/callgrind.csv and
# prints a table with each allocator's figure over talc's.
#
#   tools/bench-callgrind.sh [ALLOCATORS] [TRACES...]     (make bench-callgrind)
#   default ALLOCATORS: ours,ours+cache,talc   default TRACES: every committed trace
#   FEATURES=harden tools/bench-callgrind.sh ...   builds the heap with those features
#   (its CSV then goes to target/bench/callgrind-harden.csv)
set -euo pipefail
cd "$(dirname "$0")/.."
allocators=${1:-ours,ours+cache,talc}
shift || true
traces=("$@")
[ ${#traces[@]} -gt 0 ] || traces=(gawk gcc git gxx nginx perl python3 sqlite)
out=target/bench
mkdir -p "$out"
features=${FEATURES:-}
bench=$(cargo bench -p tagheap --no-default-features ${features:+--features "$features"} --bench replay --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*replay-[^"]*\)".*/\1/p' | tail -1)
[ -x "$bench" ] || { echo "could not build the replay bench" >&2; exit 1; }
suffix=${features:+-${features//,/-}}
csv=$out/callgrind$suffix.csv
echo "trace,allocator,instructions,operations,per_operation" > "$csv"
for trace in "${traces[@]}"; do
  for allocator in ${allocators//,/ }; do
    profile=$out/callgrind$suffix-$trace-${allocator//+/_}.out
    ONCE=1 ALLOCATORS=$allocator valgrind --tool=callgrind --callgrind-out-file="$profile" \
      --toggle-collect='*player::call_*' "$bench" --bench "$trace" >/dev/null 2>&1
    # Calls into player::call_* from outside them are the replay's operations.
    awk -v trace="$trace" -v allocator="$allocator" '
      match($0, /^c?fn=\([0-9]+\)/) {
        id = substr($0, index($0, "(") + 1, index($0, ")") - index($0, "(") - 1)
        rest = substr($0, RLENGTH + 2)
        if (rest != "") name[id] = rest
        if ($0 ~ /^fn=/) caller = name[id]; else callee = name[id]
        next
      }
      /^calls=/ {
        split(substr($0, 7), count, " ")
        if (callee ~ /player::call_/ && caller !~ /player::call_/) ops += count[1]
      }
      /^(summary|totals):/ { total = $2 }
      END { printf "%s,%s,%d,%d,%.1f\n", trace, allocator, total, ops, total / ops }
    ' "$profile" >> "$csv"
  done
done
awk -F, -v allocators="$allocators" '
  NR > 1 { figure[$1, $2] = $5; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
  END {
    count = split(allocators, names, ",")
    header = "| trace |"; rule = "|---|"
    for (i = 1; i <= count; i++) { header = header " " names[i] " |"; rule = rule "---|" }
    print header; print rule
    for (t = 1; t <= n; t++) {
      row = "| " order[t] " |"
      for (i = 1; i <= count; i++) {
        value = figure[order[t], names[i]]; talc = figure[order[t], "talc"]
        row = row " " value
        if (talc != "" && names[i] != "talc") row = row sprintf(" (%.2fx)", value / talc)
        row = row " |"
      }
      print row
    }
  }' "$csv"
