#!/usr/bin/env python3
# Wall and CPU (user + system) medians of `midimon wasm run` per real workload for several
# midimon binaries, interleaved run by run (outputs are not checked: ../run does that).
#   times.py --dir D --scale 0.5 --work W --midimon BASE --also OTHER --reps 9
import sys, argparse, os, time, subprocess, statistics
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from realprog import add_options, runners, set_up
p = argparse.ArgumentParser(); add_options(p, 0.1); p.add_argument("--also", action="append", default=[])
p.add_argument("--reps", type=int, default=5)
o = p.parse_args()
work, chosen = set_up(o)
bins = [o.midimon] + [str(Path(b).resolve()) for b in o.also]
def timed(argv):
    t = time.perf_counter()
    pr = subprocess.Popen(argv, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, st, ru = os.wait4(pr.pid, 0)
    assert st == 0, argv
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime
for w in chosen:
    res = {b: ([], []) for b in bins}
    cmds = {}
    for b in bins:
        o.midimon = b
        cmds[b] = runners(o, work, node=False)["ours"](w.program, w.args, [])
    for _ in range(o.reps):
        for b in bins:
            wl, cpu = timed(cmds[b]); res[b][0].append(wl); res[b][1].append(cpu)
    med = [(statistics.median(res[b][0]), statistics.median(res[b][1])) for b in bins]
    print(f"{w.name:<18}" + "".join(f"  wall {m[0]:7.3f}s cpu {m[1]:7.3f}s" for m in med) +
          "".join(f"  wall {100*(m[0]/med[0][0]-1):+6.1f}% cpu {100*(m[1]/med[0][1]-1):+6.1f}%" for m in med[1:]), flush=True)
