// Runs a WASI command module under node's V8, as `midimon wasm run` runs it on our
// engine: the current directory preopened as ".", argv = [FILE, ARGS...], an empty
// environment, the guest's exit code as node's. Used by bench/real/run.
// Usage: node node-wasi.mjs FILE.wasm [ARGS...]
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node node-wasi.mjs FILE.wasm [ARGS...]\n');
  process.exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: [file, ...args],
  env: {},
  preopens: { '.': '.' },
  returnOnExit: true,
});
const module = new WebAssembly.Module(readFileSync(file));
const instance = new WebAssembly.Instance(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
