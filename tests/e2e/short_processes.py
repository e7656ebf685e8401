#!/usr/bin/env python3
"""The wall time hotpath adds to a suite of short processes (issue 18.3).

Builds one small program twice: instrumented (the GCC or Clang plugin, the
static runtime, a JSON report written to a file by every process) and plain
(no plugin, no runtime). Runs a suite of N processes of each, as shell
loops (`sh -c 'while ...; do ./prog; done'`) of --block processes, a
plain block and an instrumented block in turn, for several rounds: the
ratio of each instrumented block's time to the plain block just before it
cancels the drift of a machine whose load changes from second to second,
and the median of those ratios is the figure: the added wall time per
process against the plain suite's time, a ratio measured in this one run
(no absolute time is asserted). Every instrumented process must have written
its report (each round into a directory of its own; nothing is deleted until
the end: see below). Prints the figures and "N passed, N failed"; exits 1
when the ratio is above --max-ratio or the page faults added per process
above --max-added-faults.
"""
import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time

PROGRAM = r"""
static volatile unsigned sink;
__attribute__((annotate("hotpath"))) static void step(unsigned i) { sink += i; }
__attribute__((annotate("hotpath"))) static void run(void) {
    for (unsigned i = 0; i < 100; i++)
        step(i);
}
int main(void) {
    run();
    return 0;
}
"""


def block(exe, n, env, faults=None):
    """Seconds of wall time of n runs of exe; adds their minor page faults
    (the shell's included, the same for both programs) to faults[0]."""
    loop = 'i=0; while [ $i -lt %d ]; do "%s" || exit 1; i=$((i+1)); done' % (n, exe)
    f0 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
    t = time.perf_counter()
    subprocess.run(["sh", "-c", loop], env=env, check=True)
    t = time.perf_counter() - t
    if faults is not None:
        faults[0] += resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - f0
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--processes", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--block", type=int, default=25, help="processes per timed loop")
    ap.add_argument("--max-ratio", type=float, default=1.05)
    ap.add_argument("--max-added-faults", type=float,
                    help="fail above this many page faults added per process (a figure "
                         "that does not depend on the machine's load)")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    src = os.path.join(a.work, "short.c")
    with open(src, "w") as f:
        f.write(PROGRAM)
    instr, plain = os.path.join(a.work, "short.instr"), os.path.join(a.work, "short.plain")
    cc = shlex.split(a.cc)
    subprocess.run(cc + ["-O2"] + shlex.split(a.plugin_flags) + ["-I", a.include, src, a.lib,
                   "-lpthread", "-lm", "-o", instr], check=True)
    subprocess.run(cc + ["-O2", "-Wno-attributes", src, "-o", plain], check=True)
    # No file is deleted while the suites run: ext4 skips the inodes freed
    # in the last 60 s (360 s while their block is dirty) when it allocates
    # one (recently_deleted() in find_inode_bit), reading each from the
    # inode table, so deleting 200
    # reports before a round made every report of the next round cost more
    # than the rest of what hotpath adds (docs/benchmarks.md). An earlier
    # run's reports are moved aside (a rename frees no inode) and deleted
    # at the end; each round writes to a directory of its own.
    reports = os.path.join(a.work, "reports")
    old = None
    if os.path.exists(reports):
        old = reports + ".old.%d" % os.getpid()
        os.rename(reports, old)
    os.makedirs(reports)
    times = {"plain": [], "instr": []}
    faults = {"plain": [0], "instr": [0]}
    ratios = []
    errors = []
    nblocks = max(1, a.processes // a.block)
    for rnd in range(a.rounds):
        rdir = os.path.join(reports, "round%d" % rnd)
        os.makedirs(rdir)
        env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json",
                   HOTPATH_OUTPUT_PATH=os.path.join(rdir, "r.%p.json"))
        suite_t = {"plain": 0.0, "instr": 0.0}
        for _ in range(nblocks):
            pair = {}
            for name, exe in (("plain", plain), ("instr", instr)):
                pair[name] = block(exe, a.block, env, faults[name])
                suite_t[name] += pair[name]
            ratios.append(pair["instr"] / pair["plain"])
        for name in suite_t:
            times[name].append(suite_t[name])
        files = os.listdir(rdir)
        good = 0
        for f in files:
            with open(os.path.join(rdir, f)) as fh:
                r = json.load(fh)
            good += any(x["name"] == "short::step" and x["calls"] == 100
                        for x in r["functions"])
        if good != nblocks * a.block:
            errors.append("%d of %d processes wrote a report with short::step"
                          % (good, nblocks * a.block))
    shutil.rmtree(reports)
    if old:
        shutil.rmtree(old)
    p, i = statistics.median(times["plain"]), statistics.median(times["instr"])
    n = nblocks * a.block
    ratio = statistics.median(ratios)
    added_us = (ratio - 1) * p / n * 1e6
    q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratio, ratio, ratio]
    print("suite of %d processes (blocks of %d), %d rounds: plain %.3f s (%.0f us per process), "
          "instrumented %.3f s (medians); paired blocks: instrumented/plain median %.3f "
          "(quartiles %.3f-%.3f): added %.0f us per process, %.1f%% of the plain time"
          % (n, a.block, a.rounds, p, p / n * 1e6, i, ratio, q[0], q[2], added_us,
             (ratio - 1) * 100))
    print("rounds: plain %s; instrumented %s" % (["%.3f" % x for x in times["plain"]],
                                                 ["%.3f" % x for x in times["instr"]]))
    runs = n * a.rounds
    fp, fi = faults["plain"][0] / runs, faults["instr"][0] / runs
    print("page faults per process (getrusage of the children, the shell's share included): "
          "plain %.1f, instrumented %.1f, added %.1f" % (fp, fi, fi - fp))
    if a.max_added_faults is not None and fi - fp > a.max_added_faults:
        errors.append("%.1f page faults added per process, above %.0f" % (fi - fp, a.max_added_faults))
    if ratio > a.max_ratio:
        errors.append("instrumented/plain %.3f, above %.2f" % (ratio, a.max_ratio))
    for e in errors:
        print("FAIL", e)
    print("%d passed, %d failed" % (0 if errors else 1, 1 if errors else 0))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
