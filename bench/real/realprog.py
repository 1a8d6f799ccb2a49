"""The real programs' workloads and runners, shared by bench/real/run (timing),
bench/real/op-profile (which ops the interpreter runs) and bench/real/limits-overhead
(fuel and deadline costs). Programs come from bench/real/fetch-and-build."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORKLOADS = HERE / "workloads"


PROGRAMS = ("sqlite3", "lua", "zstd", "bzip2")


def fail(message):
    print(f"bench/real/{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    sys.exit(1)


# ---- generated inputs -------------------------------------------------------------------

class Lcg:
    """A fixed pseudo-random sequence (the same on every Python), for generated inputs."""

    def __init__(self, seed):
        self.state = seed

    def next(self, bound):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.state >> 33) % bound


def write_insert_sql(path, rows):
    """The insert-heavy SQL workload: one INSERT statement per row, so every row is parsed,
    planned and run; two indexes to maintain; a transaction per 5,000 rows."""
    rng = Lcg(1)
    tags = ["red", "green", "blue", "amber", "violet", "teal", "ochre", "slate"]
    words = ["pad", "knob", "fader", "note", "chord", "mode", "plugin", "encoder", "velocity",
             "bend", "sysex", "clock", "scene", "bank", "shift", "macro"]
    out = ["CREATE TABLE event(id INTEGER PRIMARY KEY, user TEXT NOT NULL, kind INTEGER,",
           "                  amount REAL, tag TEXT, note TEXT);",
           "CREATE INDEX event_user ON event(user);",
           "CREATE INDEX event_kind_amount ON event(kind, amount);"]
    for i in range(rows):
        if i % 5000 == 0:
            out.append("BEGIN;")
        note = " ".join(words[rng.next(len(words))] for _ in range(1 + rng.next(6)))
        out.append(f"INSERT INTO event(user, kind, amount, tag, note) VALUES("
                   f"'user{rng.next(5000):04d}', {rng.next(12)}, {rng.next(100000) / 100:.2f}, "
                   f"'{tags[rng.next(len(tags))]}', '{note}');")
        if i % 5000 == 4999 or i == rows - 1:
            out.append("COMMIT;")
    out += ["UPDATE event SET amount = amount * 1.5 WHERE kind = 3;",
            "DELETE FROM event WHERE id % 17 = 0;",
            "SELECT count(*), count(DISTINCT user), printf('%.2f', sum(amount)), "
            "sum(length(note)) FROM event;",
            "SELECT kind, count(*), printf('%.2f', avg(amount)) FROM event GROUP BY kind;",
            "SELECT tag, max(user) FROM event GROUP BY tag ORDER BY tag;"]
    path.write_text("\n".join(out) + "\n")


def write_text_data(path, size):
    """Compressor input: log-like text lines (words of skewed frequency, numbers,
    timestamps), which compresses like real text (zstd -3 3.5:1, bzip2 -9 6.3:1) rather
    than 100:1 or 1:1."""
    rng = Lcg(7)
    vocab = ["midi", "note", "on", "off", "velocity", "channel", "control", "change", "mode",
             "mapping", "action", "keystroke", "volume", "plugin", "execute", "fuel", "trap",
             "the", "a", "of", "to", "and", "in", "is", "for", "with", "from", "device",
             "port", "jack", "alsa", "reload", "config", "gesture", "long", "press", "double",
             "tap", "chord", "encoder", "clockwise", "pitch", "bend", "aftertouch", "sysex"]
    parts, total, line = [], 0, 0
    while total < size:
        n = 4 + rng.next(12)
        # a skewed choice: the first words are far more common, as in real text
        words = [vocab[min(rng.next(len(vocab)), rng.next(len(vocab)))] for _ in range(n)]
        text = (f"2026-11-{1 + line % 30:02d}T{line % 24:02d}:{line % 60:02d}:"
                f"{rng.next(60):02d}.{rng.next(1000):03d} [{rng.next(8)}] "
                f"{' '.join(words)} value={rng.next(128)} id={rng.next(1 << 20):x}\n")
        parts.append(text)
        total += len(text)
        line += 1
    path.write_bytes("".join(parts).encode()[:size])


def ensure(path, make, *args):
    """Generates a work file unless an identical one (same generator arguments) is there."""
    stamp = path.with_name(path.name + ".args")
    want = repr(args)
    if path.exists() and stamp.exists() and stamp.read_text() == want:
        return
    make(path, *args)
    stamp.write_text(want)


# ---- workloads --------------------------------------------------------------------------

class Workload:
    """One timed invocation: PROGRAM ARGS in the work directory. Its result is its stdout,
    or the file it writes (output_file)."""

    def __init__(self, name, program, args, expect_file=None, output_file=None,
                 trivial_args=None):
        self.name = name
        self.program = program
        self.args = args
        self.expect_file = expect_file  # the result must equal this file (else: native's)
        self.output_file = output_file
        self.trivial_args = trivial_args


def workloads(work, scale):
    def rows(n):
        return max(10, int(n * scale))

    ensure(work / "insert.sql", write_insert_sql, rows(60000))
    (work / "query.sql").write_text(
        (WORKLOADS / "query.sql").read_text().replace("@ROWS@", str(rows(50000))))
    shutil.copyfile(WORKLOADS / "bench.lua", work / "bench.lua")
    ensure(work / "zstd.in", write_text_data, rows(32 << 20))
    ensure(work / "bzip2.in", write_text_data, rows(4 << 20))
    (work / "empty").write_bytes(b"")
    (work / "empty.sql").write_text("")
    sql = ["-batch", "-init", "empty.sql", ":memory:"]
    return [
        Workload("sqlite3 insert", "sqlite3", sql + [".read insert.sql"],
                 trivial_args=sql + ["SELECT 1;"]),
        Workload("sqlite3 query", "sqlite3", sql + [".read query.sql"],
                 trivial_args=sql + ["SELECT 1;"]),
        Workload("lua", "lua", ["bench.lua", str(scale)], trivial_args=["empty"]),
        Workload("zstd compress", "zstd", ["-3", "-c", "zstd.in"], trivial_args=["-c", "empty"]),
        # decompresses what the native compressor wrote (the check made it the same for all)
        Workload("zstd decompress", "zstd", ["-d", "-c", "zstd.in.zst"], expect_file="zstd.in",
                 trivial_args=["-c", "empty"]),
        # to a file: our WASI host reports stdout as a terminal whatever it is (docs/wasi.md:
        # stdio are callbacks), and bzip2 will not write compressed data to a terminal
        Workload("bzip2 compress", "bzip2", ["-9", "-k", "-f", "bzip2.in"],
                 output_file="bzip2.in.bz2", trivial_args=["-k", "-f", "empty"]),
        Workload("bzip2 decompress", "bzip2", ["-d", "-c", "bzip2.in.bz2"], expect_file="bzip2.in",
                 trivial_args=["-k", "-f", "empty"]),
    ]


# The compressors' outputs, saved from the native check run for the decompress workloads.
SAVED_OUTPUT = {"zstd compress": "zstd.in.zst"}


# ---- runners ----------------------------------------------------------------------------

def runners(opts, work, node, node_flags=()):
    """native, node (when asked for, with node_flags before the script) and ours: each a
    function (program, args) -> argv."""
    progs = Path(opts.dir)
    result = {"native": lambda prog, args: [str(progs / "native" / prog)] + args}
    if node:
        node = shutil.which("node")
        if not node:
            fail("node is not on PATH (or pass --no-node)")
        result["node"] = lambda prog, args: [node, "--no-warnings", *node_flags,
                                             str(HERE / "node-wasi.mjs"),
                                             str(progs / "wasm" / f"{prog}.wasm")] + args
    # limits: extra options of `midimon wasm run` (--fuel, --timeout-ms)
    flags = getattr(opts, "midimon_flag", [])
    result["ours"] = lambda prog, args, limits=(): [opts.midimon, "wasm", "run", *flags, *limits, "--dir",
                                                   f"{work}::.", str(progs / "wasm" / f"{prog}.wasm"),
                                                   "--"] + args
    return result


def run_once(argv, work, stdout_path):
    """Runs argv in work with stdout to a file; returns (exit code, wall s, cpu s, stderr)."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=work, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.PIPE)
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stderr.close()
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime, err.decode(errors="replace")


# ---- the run ----------------------------------------------------------------------------

def check(work, w, name, argv, out_dir):
    """The untimed first run of one workload on one runner: exit 0 and the right output
    (the expected file, else what native printed; native runs first)."""
    stem = out_dir / w.name.replace(" ", "_")
    got = Path(f"{stem}.{name}.out")
    if w.output_file:
        (work / w.output_file).unlink(missing_ok=True)
    code, _, _, err = run_once(argv, work, got)
    if code != 0:
        fail(f"{w.name} on {name} exited with {code}: {' '.join(argv)}\n{err}")
    if w.output_file:
        if not (work / w.output_file).exists():
            fail(f"{w.name} on {name} did not write {w.output_file}: {' '.join(argv)}\n{err}")
        shutil.copyfile(work / w.output_file, got)
    if got.stat().st_size == 0:
        fail(f"{w.name} on {name} printed nothing: {' '.join(argv)}\n{err}")
    expect = work / w.expect_file if w.expect_file else Path(f"{stem}.native.out")
    if got != expect and got.read_bytes() != expect.read_bytes():
        fail(f"{w.name} on {name}: the output ({got}) differs from {expect}: wrong answer")
    if name == "native" and w.name in SAVED_OUTPUT:
        shutil.copyfile(got, work / SAVED_OUTPUT[w.name])


def with_inputs(chosen, all_workloads, work):
    """chosen, plus the compress workload before a decompress one whose input (what the
    native compressor wrote) is not in the work directory yet."""
    result = list(chosen)
    for w in chosen:
        dep = next((x for x in all_workloads
                    if x.name == w.name.replace("decompress", "compress") != w.name), None)
        if dep and dep not in result:
            made = SAVED_OUTPUT.get(dep.name) or dep.output_file
            if not (work / made).exists():
                result.insert(result.index(w), dep)
    return result


def select(all_workloads, only):
    """The workloads whose names start with one of `only` (all when it is empty)."""
    chosen = [w for w in all_workloads if not only or any(w.name.startswith(o) for o in only)]
    if not chosen:
        fail(f"no workload matches {only} (workloads: {[w.name for w in all_workloads]})")
    return chosen




# ---- options and set-up shared by the scripts --------------------------------------------

def add_options(parser, default_scale):
    parser.add_argument("--dir", default=str(REPO / "build" / "real"),
                        help="where fetch-and-build put the programs (default build/real)")
    parser.add_argument("--midimon", default=str(REPO / "build/release/src/tools/midimon"),
                        help="the midimon to measure (default build/release/src/tools/midimon)")
    parser.add_argument("--scale", type=float, default=default_scale,
                        help=f"workload size factor (default {default_scale:g})")
    parser.add_argument("--only", action="append", default=[],
                        help="only the workloads whose name starts with this (repeatable)")
    parser.add_argument("--work", help="work directory (default DIR/work-SCALE)")


def set_up(opts):
    """Checks the programs and midimon are there, makes the work directory and its
    inputs, and runs each chosen workload natively once (checking it works and writing
    what the decompress workloads read). Returns (work directory, chosen workloads)."""
    opts.dir = str(Path(opts.dir).resolve())
    opts.midimon = str(Path(opts.midimon).resolve())
    for prog in PROGRAMS:
        for f in (Path(opts.dir) / "native" / prog, Path(opts.dir) / "wasm" / f"{prog}.wasm"):
            if not f.exists():
                fail(f"{f} is missing: run bench/real/fetch-and-build --dir {opts.dir} first")
    if not os.access(opts.midimon, os.X_OK):
        fail(f"{opts.midimon} is not an executable (build the midimon target, or --midimon)")
    work = Path(opts.work or Path(opts.dir) / f"work-{opts.scale:g}").resolve()
    (work / "out").mkdir(parents=True, exist_ok=True)
    all_workloads = workloads(work, opts.scale)
    chosen = select(all_workloads, opts.only)
    native = runners(opts, work, node=False)["native"]
    for w in with_inputs(chosen, all_workloads, work):
        check(work, w, "native", native(w.program, w.args), work / "out")
    return work, chosen
