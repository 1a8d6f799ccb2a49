#!/usr/bin/env bash
# `midimon wasm run --dir` with a C WASI guest (guests/files.c): reads a file from a
# read-only preopen, writes one into a read-write preopen, prints to stdout.
# usage: dir_test.sh MIDIMON FILES_WASM check   -- our behaviour, incl. the ro refusal
#        dir_test.sh MIDIMON FILES_WASM node    -- same stdout and file as node:wasi
#                                                  (exit 77 = skipped without node)
set -uo pipefail
midimon=$1 wasm=$2 mode=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

setup() {  # $1: directory holding ro/ and rw/
  mkdir -p "$1/ro" "$1/rw"
  printf 'hello from the host\n' > "$1/ro/input.txt"
}

if [ "$mode" = check ]; then
  setup "$work"
  out=$("$midimon" wasm run --dir "$work/ro::/ro:ro" --dir "$work/rw::/rw" --env FOO=bar \
        "$wasm" check-ro 2>"$work/err")
  rc=$?
  [ "$rc" = 0 ] || fail "exit code $rc; stdout: $out; stderr: $(cat "$work/err")"
  expected="argc 2
argv[1] check-ro
read 20 bytes: hello from the host
wrote /rw/out.txt
create in /ro: refused
FOO=bar"
  [ "$out" = "$expected" ] || fail "stdout differs:"$'\n'"$out"$'\n'"--- expected ---"$'\n'"$expected"
  [ "$(cat "$work/err")" = done ] || fail "stderr: $(cat "$work/err")"
  [ "$(cat "$work/rw/out.txt")" = "copied: hello from the host" ] || fail "rw/out.txt: $(cat "$work/rw/out.txt")"
  [ ! -e "$work/ro/evil.txt" ] || fail "the guest created a file in the read-only preopen"
  [ "$(ls "$work/ro")" = input.txt ] || fail "ro/ changed: $(ls "$work/ro")"
  # No preopen at all: the guest cannot even see /ro.
  "$midimon" wasm run "$wasm" > "$work/none" 2>&1
  rc=$?
  [ "$rc" = 10 ] || fail "without --dir: exit code $rc, expected 10"
  grep -q "cannot open /ro/input.txt" "$work/none" || fail "without --dir: $(cat "$work/none")"
  echo "ok"
  exit 0
fi

node=$(command -v node) || { echo "node not found: skipping the node:wasi comparison"; exit 77; }
setup "$work/ours"
setup "$work/node"
ours=$("$midimon" wasm run --dir "$work/ours/ro::/ro:ro" --dir "$work/ours/rw::/rw" --env FOO=bar \
       "$wasm" one two 2>/dev/null)
rc=$?
[ "$rc" = 0 ] || fail "midimon exit code $rc"
script="const {WASI}=require('node:wasi');const fs=require('fs');
const w=new WASI({version:'preview1',args:[process.argv[1],'one','two'],env:{FOO:'bar'},
preopens:{'/ro':process.argv[2],'/rw':process.argv[3]},returnOnExit:true});
WebAssembly.instantiate(fs.readFileSync(process.argv[1]),w.getImportObject())
.then(({instance})=>process.exit(w.start(instance)));"
theirs=$("$node" --no-warnings -e "$script" "$wasm" "$work/node/ro" "$work/node/rw" 2>/dev/null)
rc=$?
[ "$rc" = 0 ] || fail "node exit code $rc"
[ "$ours" = "$theirs" ] || fail "stdout differs from node:"$'\n'"$ours"$'\n'"--- node ---"$'\n'"$theirs"
cmp -s "$work/ours/rw/out.txt" "$work/node/rw/out.txt" || fail "rw/out.txt differs from node's"
echo "same stdout and file as node:wasi:"
echo "$ours"
