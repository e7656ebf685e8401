#!/usr/bin/env python3
"""Compile-time overhead of a hotpath plugin (GCC or Clang) on a real C code base.

Replays the compile commands of a build (captured from a verbose make log:
libtool's "libtool: compile:" lines, or plain "gcc ... -c ..." lines) once per variant -- the plain
compiler, the compiler with the plugin loaded (nothing tagged), the
compiler with the plugin and include=.* (every function measured) -- each
file by each variant in turn, and prints the compiler's CPU time
(user+sys) per variant, best of ROUNDS per file.

The plugin is passed the way its compiler takes it:
    gcc    -fplugin=hotpath.so        -fplugin-arg-hotpath-include=.*
    clang  -fplugin=hotpath-clang.so  -Xclang -plugin-arg-hotpath -Xclang include=.*
(--style, default: clang when the plugin's file name starts with
"hotpath-clang"). --cc replaces the compiler of the logged commands (for
example clang-19 on a log written by clang 14).

`make bench` (scripts/bench.py) runs it on zlib's libz.a (Debian source
package zlib, ./configure --static, CFLAGS="-O2 -g", the log of make libz.a)
with each plugin, 2 rounds, --json for its table.

The numbers in docs/gcc-plugin.md, docs/clang-plugin.md and
docs/benchmarks.md come from binutils 2.40's bfd (57 C files), built once
per compiler so that each log holds that compiler's own configure results:
    apt-get install binutils-source
    tar xf /usr/src/binutils/binutils-2.40.tar.xz && mkdir b && cd b
    ../binutils-2.40/configure --disable-gdb --disable-gprofng --disable-werror \\
        --disable-nls CFLAGS="-O2 -g"          # and CC=clang CXX=clang++ for Clang
    make -j2 all-bfd && make -C bfd clean && make -C bfd -j2 V=1 > make-v.log 2>&1
    scripts/bench_compile_time.py --log make-v.log --dir bfd --plugin build/plugin-gcc/hotpath.so
    scripts/bench_compile_time.py --log make-v.log --dir bfd --plugin build/plugin-clang/hotpath-clang.so
    scripts/bench_compile_time.py --log make-v.log --dir bfd --cc clang-19 \\
        --plugin build/plugin-clang/hotpath-clang-19.so
"""
import argparse
import json
import os
import re
import resource
import shlex
import subprocess


def commands(log):
    out = []
    for line in open(log):
        if line.startswith("libtool: compile:"):
            line = line.split(":", 2)[2]
        else:  # a plain compile line of a make log: "gcc ... -c ... file.c"
            words = line.split()
            if not words or not re.fullmatch(r"(cc|gcc(-[0-9]+)?|clang(-[0-9]+)?)",
                                              os.path.basename(words[0])) or "-c" not in words:
                continue
        args, kept, skip = shlex.split(line), [], False
        for a in args:  # no dependency files; object to /dev/null
            if skip:
                skip = False
            elif a in ("-MT", "-MF", "-o"):
                skip = True
            elif a not in ("-MD", "-MP"):
                kept.append(a)
        out.append(kept + ["-o", os.devnull])
    return out


def plugin_args(style, plugin):
    if style == "gcc":
        load = ["-fplugin=" + plugin]
        return load, load + ["-fplugin-arg-hotpath-include=.*"]
    load = ["-fplugin=" + plugin]
    return load, load + ["-Xclang", "-plugin-arg-hotpath", "-Xclang", "include=.*"]


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--log", required=True, help="verbose make log of the build")
    ap.add_argument("--dir", required=True, help="directory the commands ran in")
    ap.add_argument("--plugin", required=True, help="path of hotpath.so or hotpath-clang*.so")
    ap.add_argument("--style", choices=("gcc", "clang"),
                    help="how to pass the plugin (default: from the plugin's file name)")
    ap.add_argument("--cc", help="compiler to run instead of the one in the log")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", help="also write the figures to this file (scripts/bench.py)")
    a = ap.parse_args()
    cmds = commands(a.log)
    if not cmds:
        ap.error("no 'libtool: compile:' lines in " + a.log)
    plugin = os.path.abspath(a.plugin)
    style = a.style or ("clang" if os.path.basename(plugin).startswith("hotpath-clang") else "gcc")
    if a.cc:
        cmds = [[a.cc] + c[1:] for c in cmds]
    cc = os.path.basename(cmds[0][0])
    load, include = plugin_args(style, plugin)
    variants = {cc: [], "plugin": load, "include=.*": include}
    best = {v: [float("inf")] * len(cmds) for v in variants}
    os.chdir(a.dir)
    for _ in range(a.rounds):
        for i, c in enumerate(cmds):
            for v, extra in variants.items():
                t0 = cpu()
                subprocess.run(c[:1] + extra + c[1:], check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                best[v][i] = min(best[v][i], cpu() - t0)
    base = sum(best[cc])
    print("%d files, best of %d rounds, compiler CPU seconds (user+sys):" % (len(cmds), a.rounds))
    print("  %s" % " ".join(shlex.quote(x) for x in [cc] + include))
    for v in variants:
        total = sum(best[v])
        print("  %-12s %8.2f s  %+5.1f%%" % (v, total, 100 * (total / base - 1)))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"files": len(cmds), "rounds": a.rounds, "cc": cc,
                       "plain_s": base, "plugin_s": sum(best["plugin"]),
                       "include_s": sum(best["include=.*"])}, f)


if __name__ == "__main__":
    main()
