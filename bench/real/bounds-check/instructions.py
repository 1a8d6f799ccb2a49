#!/usr/bin/env python3
# Net callgrind instructions (workload minus its program's trivial run) of each real
# workload, plain mode, for several midimon binaries on the same inputs; the method of
# ../limits-overhead. Used for docs/performance.md "Bounds checks: guard pages vs
# explicit checks" (the second binary: a build without bounds checks).
#   instructions.py --dir D --scale 0.1 --work W --midimon BASE --also OTHER
import sys, tempfile, argparse
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from realprog import add_options, runners, set_up
import subprocess
def instr(argv, cwd, out):
    r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + argv, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    for line in Path(out).read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
p = argparse.ArgumentParser(); add_options(p, 0.1); p.add_argument("--also", action="append", default=[])
o = p.parse_args()
work, chosen = set_up(o)
bins = [o.midimon] + [str(Path(b).resolve()) for b in o.also]
with tempfile.TemporaryDirectory() as tmp:
    out = Path(tmp) / "cg"
    for w in chosen:
        row = []
        for b in bins:
            o.midimon = b
            ours = runners(o, work, node=False)["ours"]
            row.append(instr(ours(w.program, w.args, []), work, out) - instr(ours(w.program, w.trivial_args, []), work, out))
        print(f"{w.name:<20}" + "".join(f"{x:>16,}" for x in row) + "".join(f"{100*(x/row[0]-1):>+9.1f}%" for x in row[1:]), flush=True)
