#!/usr/bin/env python3
"""Compile-time overhead of the hotpath GCC plugin on a real C code base.

Replays the compile commands of a build (captured from a verbose make log,
libtool's "libtool: compile:" lines) once per variant -- plain gcc, gcc
with the plugin loaded, gcc with the plugin and include=.* -- each file by
each variant in turn, and prints the compiler's CPU time (user+sys) per
variant, best of ROUNDS per file.

The numbers in docs/gcc-plugin.md come from binutils 2.40's bfd:
    apt-get install binutils-source
    tar xf /usr/src/binutils/binutils-2.40.tar.xz && mkdir b && cd b
    ../binutils-2.40/configure --disable-gdb --disable-gprofng --disable-werror \\
        --disable-nls CFLAGS="-O2 -g"
    make -j2 all-bfd && make -C bfd clean && make -C bfd -j2 V=1 > make-v.log 2>&1
    bench_compile_time.py --log make-v.log --dir bfd --plugin build/plugin-gcc/hotpath.so
"""
import argparse
import os
import resource
import shlex
import subprocess


def commands(log):
    out = []
    for line in open(log):
        if not line.startswith("libtool: compile:"):
            continue
        args, kept, skip = shlex.split(line.split(":", 2)[2]), [], False
        for a in args:  # no dependency files; object to /dev/null
            if skip:
                skip = False
            elif a in ("-MT", "-MF", "-o"):
                skip = True
            elif a not in ("-MD", "-MP"):
                kept.append(a)
        out.append(kept + ["-o", os.devnull])
    return out


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True, help="verbose make log of the build")
    ap.add_argument("--dir", required=True, help="directory the commands ran in")
    ap.add_argument("--plugin", required=True, help="path of hotpath.so")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    cmds = commands(a.log)
    plugin = "-fplugin=" + os.path.abspath(a.plugin)
    variants = {"gcc": [], "plugin": [plugin],
                "include=.*": [plugin, "-fplugin-arg-hotpath-include=.*"]}
    best = {v: [float("inf")] * len(cmds) for v in variants}
    os.chdir(a.dir)
    for _ in range(a.rounds):
        for i, c in enumerate(cmds):
            for v, extra in variants.items():
                t0 = cpu()
                subprocess.run(c[:1] + extra + c[1:], check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                best[v][i] = min(best[v][i], cpu() - t0)
    base = sum(best["gcc"])
    print("%d files, best of %d rounds, compiler CPU seconds (user+sys):" % (len(cmds), a.rounds))
    for v in variants:
        total = sum(best[v])
        print("  %-12s %8.2f s  %+5.1f%%" % (v, total, 100 * (total / base - 1)))


if __name__ == "__main__":
    main()
