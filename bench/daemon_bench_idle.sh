#!/usr/bin/env bash
# RSS and idle wakeups of `midimon run` (issue 10: RSS <= 20 MiB, no busy polling).
#   bench/daemon_bench_idle.sh [MIDIMON] [SECONDS]
# Starts the daemon on a small config: without any MIDI server (no JACK, the backend
# whatever `auto` finds), and on a private jackd (dummy driver, 48 kHz, 256 frames) with
# one JACK device and with no device table (every source). After the daemon reports "started" and 1 s to settle, it
# reads VmRSS from /proc/PID/status and sums voluntary + involuntary context switches over
# every thread (/proc/PID/task/*/status) across SECONDS (default 5): wakeups per second,
# in all and per thread (the daemon names its threads mm-*; the others are libraries').
# Every process started here is stopped by PID.
set -euo pipefail
midimon="${1:-build/release/src/tools/midimon}"
secs="${2:-5}"
work=$(mktemp -d /tmp/midimon-idle-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state"
export XDG_RUNTIME_DIR="$work/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY

switches() {  # total context switches of every thread of $1
  local total=0 n
  for s in /proc/"$1"/task/*/status; do
    n=$(awk '/^(voluntary|nonvoluntary)_ctxt_switches/ {t += $2} END {print t}' "$s" 2>/dev/null || echo 0)
    total=$((total + n))
  done
  echo "$total"
}

per_thread() {  # "TID NAME SWITCHES" for every thread of $1 (the daemon names its own: mm-*)
  for t in /proc/"$1"/task/*; do
    echo "$(basename "$t") $(cat "$t/comm" 2>/dev/null | tr ' ' '_') \
$(awk '/^(voluntary|nonvoluntary)_ctxt_switches/ {t += $2} END {print t}' "$t/status" 2>/dev/null || echo 0)"
  done
}

measure() {  # $1 label, $2 config file
  local log="$work/daemon-$1.log"
  "$midimon" run --config "$2" 2>"$log" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 200); do grep -q "started" "$log" && break; sleep 0.05; done
  grep -q "started" "$log" || { echo "$1: the daemon did not start:"; cat "$log"; return 1; }
  sleep 1
  local rss threads a b
  rss=$(awk '/^VmRSS/ {print $2}' /proc/"$pid"/status)
  # JACK clients map the server's shared memory (RssShmem); RssAnon is the daemon's own.
  local anon shm
  anon=$(awk '/^RssAnon/ {print $2}' /proc/"$pid"/status)
  shm=$(awk '/^RssShmem/ {print $2}' /proc/"$pid"/status)
  threads=$(ls /proc/"$pid"/task | wc -l)
  a=$(switches "$pid")
  per_thread "$pid" >"$work/before"
  sleep "$secs"
  b=$(switches "$pid")
  per_thread "$pid" >"$work/after"
  printf '%-28s RSS %6.1f MiB (anon %5.1f, shmem %5.1f)  threads %2d  wakeups %6.1f /s\n' "$1" \
    "$(echo "$rss / 1024" | bc -l)" "$(echo "$anon / 1024" | bc -l)" "$(echo "$shm / 1024" | bc -l)" \
    "$threads" "$(echo "($b - $a) / $secs" | bc -l)"
  # Which threads woke: the daemon's own (mm-*) apart from the libraries' (JACK's, ...).
  join "$work/before" "$work/after" | awk -v s="$secs" '{ d = ($5 - $3) / s; if (d > 0) printf "    %-16s %6.1f /s\n", $2, d }'

  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# The configs live in a directory of their own: the daemon watches its config's directory,
# and the files this script writes (logs, thread counts) must not wake that watcher.
mkdir -p "$work/cfg"
cat >"$work/cfg/plain.toml" <<'TOML'
[[modes]]
name = "Default"
[[modes.mappings]]
trigger = { type = "Note", note = 60 }
action = { type = "Keystroke", keys = "a" }
TOML
measure "no MIDI server" "$work/cfg/plain.toml"

if command -v jackd >/dev/null; then
  export JACK_DEFAULT_SERVER="midimon-idle-$$"
  jackd -r -n "$JACK_DEFAULT_SERVER" -d dummy -r 48000 -p 256 >"$work/jackd.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.05; done
  cat >"$work/cfg/jack.toml" <<'TOML'
[[devices]]
name = "pads"
port = "nothing-plugged-in"
backend = "jack"
[[modes]]
name = "Default"
[[modes.mappings]]
trigger = { type = "Note", note = 60 }
action = { type = "Keystroke", keys = "a" }
TOML
  measure "jackd dummy, 1 JACK device" "$work/cfg/jack.toml"
  # No device table: the daemon follows every source (the default since the hot-plug
  # pass also lists sources; nothing is plugged in here).
  measure "jackd dummy, every source" "$work/cfg/plain.toml"
fi
