// Times the benchmark kernels under node's V8, for midimon_bench's baseline column.
// Usage: node node_runner.mjs REPEAT NAME=FILE.wasm:N ...
// Prints one JSON object on stdout:
//   {"kernels":[{"name":"fib","checksum":9227465,"ms":[31.2,30.9,...]}, ...]}
// Each kernel is instantiated once; `run(N)` is then timed REPEAT times. V8 compiles
// with its baseline compiler first and tiers up later, so the caller takes the best.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [repeatArg, ...specs] = process.argv.slice(2);
const repeat = Number.parseInt(repeatArg, 10);
if (!(repeat > 0) || specs.length === 0) {
  process.stderr.write('usage: node node_runner.mjs REPEAT NAME=FILE.wasm:N ...\n');
  process.exit(2);
}

const kernels = [];
for (const spec of specs) {
  const m = /^([^=]+)=(.+):(-?\d+)$/.exec(spec);
  if (!m) {
    process.stderr.write(`node_runner: bad kernel spec "${spec}"\n`);
    process.exit(2);
  }
  const [, name, file, nText] = m;
  const n = Number.parseInt(nText, 10);
  const module = new WebAssembly.Module(readFileSync(file));
  const instance = new WebAssembly.Instance(module, {});
  const run = instance.exports.run;
  let checksum = 0;
  const ms = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    checksum = run(n);
    ms.push(performance.now() - t0);
  }
  kernels.push({ name, checksum: checksum | 0, ms });
}
process.stdout.write(JSON.stringify({ kernels }) + '\n');
