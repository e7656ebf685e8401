#!/usr/bin/env python3
"""`hotpath compare` on real runs of examples/compare.c (built with the GCC
plugin), 5 runs a side, in pairs (one run of each side), the order inside
each pair drawn at random: a change in the machine's load over time falls
on both sides alike, and so does anything that follows the position of a
run in the sequence. Strict alternation (base, head, base, head...) was
not enough in a CI run: 4 of 20 null comparisons under ASan had every
head run slower than every base run. On this 2-core machine one core can
run the same process 1.3-2x slower than the other for seconds at a time
(under ASan parse_numbers' p95 was 1.8 us on one core, 0.9 us on the
other, `taskset -c`); what tied the slow runs to one side's positions was
not found (--order alternate gives the old order; docs/compare.md).

  --mode gate       base `compare` against head `compare EXTRA` (checksum
                    does EXTRA% more work): checksum must be `slower`, the
                    other functions `no significant change`, exit status 1
  --mode null       the same build against itself, --repeat times: a
                    verdict other than `no significant change` is a false
                    alarm, and more than --max-alarms comparisons with one
                    fail the test; each comparison's exit status must be 1
                    exactly when it has a `slower`
  --mode sweep      (measuring, not a test) for each EXTRA in --extras, how
                    often the gate finds checksum slower in --repeat tries

Each mode passes --metric and any --compare-arg on to hotpath compare.
"""
import argparse
import csv
import glob
import io
import os
import random
import shutil
import subprocess
import sys

FUNCS = ["compare::checksum", "compare::sort_small", "compare::parse_numbers"]


def runs(exe, work, sides, n, rng):
    """n runs of each side (name -> argv tail), in n pairs, each pair in an
    order drawn from rng (None: always the given order); a folder each."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTPATH_")}
    env.update(HOTPATH_OUTPUT_FORMAT="json", HOTPATH_PERCENTILES="50,95,99")
    for name in sides:
        shutil.rmtree(os.path.join(work, name), ignore_errors=True)
        os.makedirs(os.path.join(work, name))
    for _ in range(n):
        pair = list(sides.items())
        if rng:
            rng.shuffle(pair)
        for name, tail in pair:
            env["HOTPATH_OUTPUT_PATH"] = os.path.join(work, name, "run.%p.json")
            subprocess.run([exe, *tail], env=env, check=True, timeout=60,
                           stdout=subprocess.DEVNULL)
    for name in sides:
        got = len(glob.glob(os.path.join(work, name, "*.json")))
        if got != n:
            sys.exit(f"compare_runs: {name}: {got} reports, expected {n}")


def compare(cli, work, args):
    p = subprocess.run([cli, "compare", "--format", "csv", *args,
                        os.path.join(work, "base"), os.path.join(work, "head")],
                       capture_output=True, text=True, timeout=60)
    verdicts = {r["function"]: r for r in csv.DictReader(io.StringIO(p.stdout))}
    return p.returncode, verdicts, p.stderr


def show(verdicts):
    return "; ".join(f"{n}: {r['verdict']} ({r['change_percent']}%, p={r['p']})"
                     for n, r in verdicts.items())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotpath", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", choices=["gate", "null", "sweep"], required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--extra", default="50")
    ap.add_argument("--extras", default="2,5,10,20")
    ap.add_argument("--metric", default="p50")
    ap.add_argument("--max-alarms", type=int, default=0)
    ap.add_argument("--compare-arg", action="append", default=[])
    ap.add_argument("--order", choices=["random", "alternate"], default="random")
    ap.add_argument("--seed", type=int, default=None,
                    help="seed of the random order (printed; default: drawn)")
    a = ap.parse_args()
    rng = None
    if a.order == "random":
        seed = a.seed if a.seed is not None else random.SystemRandom().randrange(2**32)
        print(f"order of each pair: random, --seed {seed}")
        rng = random.Random(seed)
    os.makedirs(a.work, exist_ok=True)
    cargs = ["--metric", a.metric, *a.compare_arg]

    if a.mode == "gate":
        bad = 0
        for i in range(a.repeat):
            runs(a.example, a.work, {"base": [], "head": [a.extra]}, a.runs, rng)
            rc, v, err = compare(a.hotpath, a.work, cargs)
            ok = (rc == 1 and set(v) == set(FUNCS) and v[FUNCS[0]]["verdict"] == "slower" and
                  all(v[f]["verdict"] == "no significant change" for f in FUNCS[1:]))
            print(f"{'ok  ' if ok else 'FAIL'} gate {i + 1}: exit {rc}; {show(v)} {err.strip()}")
            bad += not ok
        print(f"{bad} of {a.repeat} failed")
        return 1 if bad else 0

    if a.mode == "null":
        alarms = alarmed = verdicts = bad = 0
        for i in range(a.repeat):
            runs(a.example, a.work, {"base": [], "head": []}, a.runs, rng)
            rc, v, err = compare(a.hotpath, a.work, cargs)
            n = sum(r["verdict"] != "no significant change" for r in v.values())
            slower = any(r["verdict"] == "slower" for r in v.values())
            ok = set(v) == set(FUNCS) and rc == (1 if slower else 0)
            print(f"{'ok  ' if ok and not n else 'FAIL' if not ok else 'alarm'} null {i + 1}: "
                  f"exit {rc}; {show(v)} {err.strip()}")
            alarms += n
            alarmed += n > 0
            verdicts += len(v)
            bad += not ok
        # One slow stretch of the machine moves every function of a run
        # together, so the alarms of one comparison are not independent:
        # the bound is on comparisons with an alarm.
        print(f"{alarmed} of {a.repeat} comparisons with a false alarm, at most "
              f"{a.max_alarms} allowed ({alarms} of {verdicts} function verdicts); "
              f"{bad} comparisons malformed")
        return 1 if bad or alarmed > a.max_alarms else 0

    for extra in a.extras.split(","):
        found = 0
        for i in range(a.repeat):
            runs(a.example, a.work, {"base": [], "head": [extra]}, a.runs, rng)
            rc, v, err = compare(a.hotpath, a.work, cargs)
            found += v.get(FUNCS[0], {}).get("verdict") == "slower"
        print(f"extra work {extra}%: checksum found slower in {found} of {a.repeat}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
