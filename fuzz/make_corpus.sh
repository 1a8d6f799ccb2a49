#!/usr/bin/env bash
# Generates the seed corpora of the fuzz targets into build/fuzz/corpus/<target>/ (or
# $1/<target>/): every .wasm module wast2json writes for the spec suite (valid and
# invalid ones: both are useful seeds), and random valid modules from binaryen's
# translate-to-fuzz mode (wasm-opt -ttf) restricted to the features the engine has
# (WebAssembly 2.0, SIMD included).
# The -ttf input bytes come from awk's generator seeded with MIDIMON_CORPUS_SEED (default
# 1), so a CI smoke run sees the same seeds on every machine and a finding reproduces;
# set another seed for a different corpus. Generated files are never committed.
#   [MIDIMON_CORPUS_SEED=N] fuzz/make_corpus.sh [OUT_DIR] [NUM_TTF_MODULES]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build/fuzz/corpus}"
num_ttf="${2:-300}"
suite="${MIDIMON_WASM_TESTSUITE:-$root/../shared/wasm-testsuite}"
targets=(fuzz_read_validate fuzz_instantiate_run fuzz_differential)

corpus_seed="${MIDIMON_CORPUS_SEED:-1}"
[[ "$corpus_seed" =~ ^[0-9]+$ ]] || { echo "make_corpus: MIDIMON_CORPUS_SEED must be a number" >&2; exit 2; }
for tool in wast2json wasm-opt awk basenc; do
  command -v "$tool" >/dev/null || { echo "make_corpus: $tool not found" >&2; exit 1; }
done
[ -d "$suite" ] || { echo "make_corpus: no spec suite at $suite" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/spec" "$work/ttf"

# Spec suite: top-level .wast files only (proposals are not part of 2.0), SIMD ones
# included.
for wast in "$suite"/*.wast; do
  name="$(basename "$wast" .wast)"
  mkdir -p "$work/spec/$name"
  wast2json "$wast" -o "$work/spec/$name/$name.json" >/dev/null 2>&1 || true
done
spec_count=0
for f in "$work"/spec/*/*.wasm; do
  [ -e "$f" ] || continue
  cp "$f" "$work/ttf/../spec_$(basename "$(dirname "$f")")_$(basename "$f")"
  spec_count=$((spec_count + 1))
done

# Random valid modules. -ttf reads its random bytes from the input file.
features=(--mvp-features --enable-sign-ext --enable-nontrapping-float-to-int
          --enable-bulk-memory --enable-reference-types --enable-multivalue
          --enable-mutable-globals --enable-simd)
ttf_count=0
for i in $(seq 1 "$num_ttf"); do
  awk -v seed="$((corpus_seed * 100000 + i))" 'BEGIN {
         srand(seed); n = 512 + int(rand() * 4096)
         for (k = 0; k < n; k++) printf "%02X", int(rand() * 256) }' |
    basenc --base16 -d > "$work/ttf/in.bin"
  if wasm-opt -ttf "$work/ttf/in.bin" "${features[@]}" -o "$work/ttf/ttf_$i.wasm" \
       >/dev/null 2>&1; then
    ttf_count=$((ttf_count + 1))
  fi
done
rm -f "$work/ttf/in.bin"

for t in "${targets[@]}"; do
  mkdir -p "$out/$t"
  cp "$work"/spec_*.wasm "$out/$t/" 2>/dev/null || true
  cp "$work"/ttf/ttf_*.wasm "$out/$t/" 2>/dev/null || true
done
echo "make_corpus: $spec_count spec modules, $ttf_count wasm-opt -ttf modules -> $out/<target>/"
