#!/usr/bin/env bash
# Cost of fuel metering and deadline checks in executed instructions (valgrind callgrind),
# which, unlike wall-clock time, does not move with the machine's load. Each kernel runs
# through `midimon wasm run --invoke run N` three ways (plain, --fuel, --timeout-ms); the
# same command with N=0 is subtracted so module load and start-up do not dilute the ratio.
#   bench/limits_overhead_callgrind.sh [BUILD_DIR [ENGINE]]   (default build/release interpret)
# ENGINE: interpret (every mode in the interpreter, --interpret) or jit (the baseline
# compiler's machine code, the default of `midimon wasm run`).
set -euo pipefail
build="${1:-build/release}"
engine="${2:-interpret}"
case "$engine" in
  interpret) engine_opt=(--interpret); modes=(plain fuel deadline) ;;
  jit) engine_opt=(--jit); modes=(plain fuel deadline) ;;
  *) echo "unknown engine '$engine' (interpret or jit)" >&2; exit 2 ;;
esac
midimon="$build/src/tools/midimon"
wasm="$build/bench/wasm"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
declare -A n=([fib]=25 [hash]=1000000 [crc32]=6 [matmul]=100 [sieve]=300000 [quicksort]=30000
              [nbody]=20000 [sha256]=6)
instructions() {  # MODE N KERNEL -> total instructions of the run
  local opt=()
  case "$1" in fuel) opt=(--fuel 100000000000) ;; deadline) opt=(--timeout-ms 1000000) ;; esac
  # Machine code: valgrind must notice code written at run time.
  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file="$out/cg" \
    "$midimon" wasm run "${engine_opt[@]}" "${opt[@]}" \
    "$wasm/$3.wasm" --invoke run "$2" >/dev/null 2>&1
  callgrind_annotate "$out/cg" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}
printf '%-10s %14s %10s %10s\n' kernel "plain instr" fuel deadline
sum_f=0; sum_d=0; count=0
for k in fib hash crc32 matmul sieve quicksort nbody sha256; do
  declare -A ir=()
  for mode in "${modes[@]}"; do
    ir[$mode]=$(( $(instructions "$mode" "${n[$k]}" "$k") - $(instructions "$mode" 0 "$k") ))
  done
  f=$(awk -v a="${ir[fuel]}" -v b="${ir[plain]}" 'BEGIN {print log(a / b)}')
  d=$(awk -v a="${ir[deadline]}" -v b="${ir[plain]}" 'BEGIN {print log(a / b)}')
  sum_f=$(awk -v s="$sum_f" -v x="$f" 'BEGIN {print s + x}')
  sum_d=$(awk -v s="$sum_d" -v x="$d" 'BEGIN {print s + x}')
  count=$((count + 1))
  awk -v k="$k" -v p="${ir[plain]}" -v f="$f" -v d="$d" \
    'BEGIN {printf "%-10s %14d %+9.1f%% %+9.1f%%\n", k, p, (exp(f) - 1) * 100, (exp(d) - 1) * 100}'
done
awk -v f="$sum_f" -v d="$sum_d" -v c="$count" \
  'BEGIN {printf "%-10s %14s %+9.1f%% %+9.1f%%\n", "geomean", "", (exp(f / c) - 1) * 100, (exp(d / c) - 1) * 100}'
