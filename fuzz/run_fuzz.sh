#!/usr/bin/env bash
# Runs one fuzz target for SECONDS on its seed corpus CORPUS_ROOT/<target>/ (generated
# with make_corpus.sh if missing). New inputs go to a scratch directory so the seeds stay
# as generated; crash/timeout reproducers land in ARTIFACT_DIR (default: the scratch
# directory, kept on a finding). Exit status: libFuzzer's (non-zero = finding).
#   fuzz/run_fuzz.sh TARGET_BINARY CORPUS_ROOT SECONDS [ARTIFACT_DIR] [extra libFuzzer flags...]
set -euo pipefail
bin="$1"; corpus_root="$2"; seconds="$3"; shift 3
artifacts="${1:-}"; [ $# -gt 0 ] && shift
here="$(cd "$(dirname "$0")" && pwd)"
name="$(basename "$bin")"
seeds="$corpus_root/$name"
"$here/ensure_corpus.sh" "$corpus_root" "$name"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/midimon-$name-XXXXXX")"
[ -n "$artifacts" ] || artifacts="$scratch/artifacts"
mkdir -p "$artifacts" "$scratch/new"
echo "run_fuzz: $name for ${seconds}s; new inputs in $scratch/new, artifacts in $artifacts" >&2
# -timeout: an input running longer than 10 s is a hang finding (fuel bounds every call).
status=0
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" "$scratch/new" "$seeds" || status=$?
if [ "$status" -eq 0 ]; then
  rm -rf "$scratch"  # nothing found: the new inputs are not worth keeping
else
  echo "run_fuzz: $name found something (exit $status); reproducers in $artifacts" >&2
fi
exit "$status"
