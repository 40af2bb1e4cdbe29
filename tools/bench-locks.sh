#!/usr/bin/env bash
# The in-kernel bench's parallel run at 1, 2 and 4 vCPUs with each lock kind (fair,
# unfair, and the kernel's own choice), in interleaved boots: ROUNDS rounds, each
# booting every (vCPUs, lock) pair once. Writes every figure to
# target/bench/locks.csv and prints the medians: operations per million cycles with
# every vCPU taking part, each lock's 4-vCPU figure over its 2-vCPU one, and the boot time.
#
#   tools/bench-locks.sh [ROUNDS]        (make bench-locks ROUNDS=n)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
boot=target/release/boot
kernel=target/x86_64-target/release/bench
out=target/bench
mkdir -p "$out"
csv=$out/locks.csv
echo "round,vcpus,lock,allocator,metric,value" > "$csv"
for round in $(seq "$rounds"); do
  for vcpus in 1 2 4; do
    for lock in fair unfair auto; do
      log=$out/locks-$lock-$vcpus.log
      flag=()
      [ "$lock" = auto ] || flag=(--lock "$lock")
      start=$(date +%s%N)
      "$boot" run --cpus "$vcpus" "${flag[@]}" --timeout 900 --serial-log "$log" "$kernel" >/dev/null
      millis=$(( ($(date +%s%N) - start) / 1000000 ))
      tr -d '\r' < "$log" | sed -n "s/^bench,parallel,$vcpus,\([a-z_]*\),ops_per_mcycle,/$round,$vcpus,$lock,\1,ops_per_mcycle,/p" >> "$csv"
      echo "$round,$vcpus,$lock,boot,millis,$millis" >> "$csv"
      echo "round $round: $vcpus vCPUs, $lock lock: ${millis} ms" >&2
    done
  done
done
# Medians per (vcpus, lock, allocator, metric).
tail -n +2 "$csv" | sort -t, -k2,2n -k3,3 -k4,4 -k5,5 -k6,6n | awk -F, '
  { key = $2 "," $3 "," $4 "," $5; values[key] = values[key] " " $6; order[key] = NR }
  END {
    for (key in values) {
      n = split(substr(values[key], 2), v, " ")
      median = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      print key "," median
    }
  }' | sort -t, -k1,1n -k2,2 -k3,3 > "$out/locks-medians.csv"
printf '%-6s %-7s %-15s %12s\n' vCPUs lock allocator median
awk -F, '{ printf "%-6s %-7s %-15s %12s %s\n", $1, $2, $3, $5, ($4 == "millis" ? "ms boot" : "ops/Mcycle") }' "$out/locks-medians.csv"
echo
echo "4 vCPUs over 2 vCPUs (ours_cached):"
for lock in fair unfair auto; do
  two=$(awk -F, -v l="$lock" '$1 == 2 && $2 == l && $3 == "ours_cached" { print $5 }' "$out/locks-medians.csv")
  four=$(awk -F, -v l="$lock" '$1 == 4 && $2 == l && $3 == "ours_cached" { print $5 }' "$out/locks-medians.csv")
  awk -v l="$lock" -v a="$two" -v b="$four" 'BEGIN { printf "  %-7s %s / %s = %.2f\n", l, b, a, (a > 0 ? b / a : 0) }'
done
