#!/usr/bin/env bash
# Instructions per plugin `execute` round trip (request JSON, copy, the guest's code, the
# limits), counted by valgrind callgrind: unlike wall-clock or CPU time it does not move
# with the machine's load. Each plugin/action runs through bench/plugin_bench_calls with
# 1 and 101 calls; the difference / 100 is one call (loading and init cancel out).
# fuel/call is the guest's own share: the WebAssembly instructions it executed. The last
# line is one load of each plugin: load_wasm_plugin's instructions (validate, compile,
# instantiate), from a run with no call.
#   bench/plugin_bench_callgrind.sh [BUILD_DIR]     (default build/release)
set -euo pipefail
build="${1:-build/release}"
calls="$build/bench/plugin_bench_calls"
plugins="$build/plugins"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
instructions() {  # NAME ACTION N -> total instructions of the run
  valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$calls" "$plugins" "$1" "$2" "$3" \
    >/dev/null 2>"$out/err" || { cat "$out/err" >&2; return 1; }
  callgrind_annotate "$out/cg" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}
printf '%-22s %12s %12s\n' "plugin action" "instr/call" "fuel/call"
for case in "minimal hello" "template hello" "template greet" "template describe"; do
  read -r name action <<<"$case"
  one=$(instructions "$name" "$action" 1)
  many=$(instructions "$name" "$action" 101)
  fuel=$("$calls" "$plugins" "$name" "$action" 2 | sed -n 's/^fuel_used=//p')  # the second call: steady state
  printf '%-22s %12d %12d\n' "$case" $(( (many - one) / 100 )) "$fuel"
done
for name in minimal template; do
  valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$calls" "$plugins" "$name" hello 0 >/dev/null 2>&1
  load=$(callgrind_annotate --inclusive=yes "$out/cg" | awk '!seen && /load_wasm_plugin/ {gsub(",", "", $1); print $1; seen = 1}')
  printf '%-22s %12d %12s\n' "$name load" "$load" "-"
done
