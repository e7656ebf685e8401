#!/usr/bin/env python3
"""Several short programs timed against the first, as tests/e2e/short_processes.py
times its pair (docs/benchmarks.md, "Short processes").

    scripts/short_pairs.py NAME=ENV:EXE [NAME=ENV:EXE ...]

ENV is a comma-separated list of VAR~VALUE (empty for none), e.g.
    plain=:./short.plain json=HOTPATH_OUTPUT_FORMAT~json,HOTPATH_OUTPUT_PATH~/tmp/d/r.%p.json:./short.instr
Each round runs a block of BLOCK (25) processes of each program in turn
(`sh -c 'while ...'`); ROUNDS (30) rounds. Prints, per program, the median
wall time per process and the median of its blocks' ratios to the first
program's block of the same round (quartiles), the same for the children's
CPU time (user + system), and the minor page faults per process (the
shell's share included). Run it under `chrt -f 50`.
"""
import os, subprocess, sys, time, statistics, resource
args = sys.argv[1:]
rounds = int(os.environ.get("ROUNDS", "30")); n = int(os.environ.get("BLOCK", "25"))
progs = []
for a in args:
    name, rest = a.split("=", 1)
    envspec, exe = rest.rsplit(":", 1)
    env = dict(os.environ)
    for kv in filter(None, envspec.split(",")):
        k, v = kv.split("~", 1); env[k] = v
    progs.append((name, exe, env))
t = {p[0]: [] for p in progs}; f = {p[0]: 0 for p in progs}; c = {p[0]: [] for p in progs}
for r in range(rounds):
    for name, exe, env in progs:
        loop = 'i=0; while [ $i -lt %d ]; do "%s" || exit 1; i=$((i+1)); done' % (n, exe)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN); f0 = r0.ru_minflt
        s = time.perf_counter(); subprocess.run(["sh", "-c", loop], env=env, check=True)
        t[name].append(time.perf_counter() - s)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        f[name] += r1.ru_minflt - f0
        c[name].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
base = progs[0][0]
for name, _, _ in progs:
    ratios = [a / b for a, b in zip(t[name], t[base])]
    cr = [a / b for a, b in zip(c[name], c[base])]
    print("%-12s median %.0f us/proc  ratio %.3f (q %.3f-%.3f)  cpu %.0f us/proc ratio %.3f (q %.3f-%.3f) faults %.1f" % (
        name, statistics.median(t[name]) / n * 1e6, statistics.median(ratios),
        *statistics.quantiles(ratios, n=4)[0:3:2], statistics.median(c[name]) / n * 1e6,
        statistics.median(cr), *statistics.quantiles(cr, n=4)[0:3:2], f[name] / rounds / n))
