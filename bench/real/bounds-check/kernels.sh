#!/usr/bin/env bash
# Callgrind instructions per kernel (`wasm run --invoke run N` minus N = 0, the sizes of
# ../../limits_overhead_callgrind.sh) for each midimon binary given; after the first, the
# change against it.   WASM_DIR=build/release/bench/wasm kernels.sh BASE OTHER...
set -euo pipefail
wasm="${WASM_DIR:-build/release/bench/wasm}"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
declare -A n=([fib]=25 [hash]=1000000 [crc32]=6 [matmul]=100 [sieve]=300000 [quicksort]=30000 [nbody]=20000 [sha256]=6)
ins() { valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$1" wasm run "$wasm/$3.wasm" --invoke run "$2" >/dev/null 2>&1
  grep -E '^(summary|totals):' "$out/cg" | head -1 | awk '{print $2}'; }
for k in fib hash crc32 matmul sieve quicksort nbody sha256; do
  row="$k"; first=
  for b in "$@"; do v=$(( $(ins "$b" "${n[$k]}" "$k") - $(ins "$b" 0 "$k") )); row="$row $v"; [ -z "$first" ] && first=$v || row="$row $(awk -v a=$v -v b=$first 'BEGIN{printf "%+.1f%%", 100*(a/b-1)}')"; done
  echo "$row"
done
