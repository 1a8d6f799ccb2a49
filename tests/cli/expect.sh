#!/usr/bin/env bash
# Runs a command and checks its exit code, stdout and stderr.
# usage: expect.sh --exit N [--stdout TEXT] [--stdout-regex RE] [--stderr-regex RE]
#                  [--stdout-empty] [--stderr-empty] -- COMMAND [ARGS...]
# --stdout compares exactly (TEXT may contain \n escapes; a final newline is implied
# unless TEXT is empty). Regexes are grep -E patterns matched against the whole output.
set -uo pipefail
exit_want="" ; stdout_want=""; have_stdout=0; stdout_re=""; stderr_re=""; stderr_empty=0
while [ $# -gt 0 ]; do
  case "$1" in
    --exit) exit_want="$2"; shift 2 ;;
    --stdout) stdout_want="$2"; have_stdout=1; shift 2 ;;
    --stdout-empty) stdout_want=""; have_stdout=1; shift ;;
    --stdout-regex) stdout_re="$2"; shift 2 ;;
    --stderr-regex) stderr_re="$2"; shift 2 ;;
    --stderr-empty) stderr_empty=1; shift ;;
    --) shift; break ;;
    *) echo "expect.sh: unknown option $1" >&2; exit 99 ;;
  esac
done
[ -n "$exit_want" ] || { echo "expect.sh: --exit is required" >&2; exit 99; }

out_file=$(mktemp) err_file=$(mktemp)
trap 'rm -f "$out_file" "$err_file"' EXIT
"$@" >"$out_file" 2>"$err_file"
rc=$?
fail=0
report() { echo "FAIL: $*"; fail=1; }

[ "$rc" = "$exit_want" ] || report "exit code $rc, expected $exit_want"
if [ "$have_stdout" = 1 ]; then
  if [ -z "$stdout_want" ]; then expected=""; else expected=$(printf '%b\n' "$stdout_want"); fi
  actual=$(cat "$out_file"; echo x); actual=${actual%x}
  [ -z "$expected" ] || expected="$expected"$'\n'
  [ "$actual" = "$expected" ] || report "stdout differs; expected:"$'\n'"$expected"
fi
if [ -n "$stdout_re" ] && ! grep -Eq -- "$stdout_re" "$out_file"; then report "stdout does not match /$stdout_re/"; fi
if [ -n "$stderr_re" ] && ! grep -Eq -- "$stderr_re" "$err_file"; then report "stderr does not match /$stderr_re/"; fi
if [ "$stderr_empty" = 1 ] && [ -s "$err_file" ]; then report "stderr is not empty"; fi

if [ "$fail" = 1 ]; then
  echo "command: $*"
  echo "--- stdout ---"; cat "$out_file"
  echo "--- stderr ---"; cat "$err_file"
  exit 1
fi
exit 0
