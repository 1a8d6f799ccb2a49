#!/usr/bin/env bash
# Makes sure the seed corpora under CORPUS_ROOT exist: runs make_corpus.sh when a wasm
# target's corpus directory is missing or empty (generated corpora are kept between runs).
#   fuzz/ensure_corpus.sh CORPUS_ROOT [TARGET_NAME]
set -euo pipefail
corpus_root="$1"
name="${2:-fuzz_read_validate}"
seeds="$corpus_root/$name"
if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
  "$(dirname "$0")/make_corpus.sh" "$corpus_root" >&2
fi
