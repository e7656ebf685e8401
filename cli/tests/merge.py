#!/usr/bin/env python3
"""Merging per-process reports: a forking program writes three reports
(HOTPATH_OUTPUT_PATH=r.%p.json), `hotpath report --format json` merges them,
and the merge must hold exactly the sums of what the three files hold
(calls, total, self, sum_ns, histogram counts; allocation calls, bytes and
allocs), the extremes of min and max, and the calls, bytes and allocation
counts of a single-process run of the same work (cli/tests/forker.c).
Also: --by-process keeps three reports apart, and one file read alone gives
back its own figures (percentiles as the runtime computed them when the
file carries histograms)."""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run_program(exe, mode, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTPATH_")}
    env.update(HOTPATH_OUTPUT_FORMAT="json", HOTPATH_ALLOC="1",
               HOTPATH_OUTPUT_PATH=os.path.join(work, "r.%p.json"))
    subprocess.run([exe, mode], env=env, check=True, timeout=60)
    files = sorted(glob.glob(os.path.join(work, "r.*.json")))
    return files, [json.load(open(f)) for f in files]


def hotpath(cli, *args):
    p = subprocess.run([cli, *args], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        print(p.stderr)
    return p


def rows(report, key="functions"):
    return {r["name"]: r for r in report.get(key, [])}


def hist_total(row, key):
    return sum(c for _, c in row.get(key, []))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotpath", required=True)
    ap.add_argument("--forker", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--sanitizer", default="",
                    help="the build's HOTPATH_SANITIZE: allocation tracking then steps aside")
    a = ap.parse_args()

    files, reports = run_program(a.forker, "fork", os.path.join(a.work, "fork"))
    check(len(files) == 3, f"the forking run wrote 3 reports (got {len(files)})")
    p = hotpath(a.hotpath, "report", "--format", "json", *files)
    check(p.returncode == 0, "hotpath report merges them (exit 0)")
    merged = json.loads(p.stdout)
    check(merged["merged_reports"] == 3, "the merge says 3 reports")
    check(merged["total_ns"] == sum(r["total_ns"] for r in reports), "total_ns: the sum of the files'")
    schema2 = all(r["schema"] >= 2 for r in reports)
    names = set().union(*(rows(r).keys() for r in reports))
    for name in sorted(names):
        m = rows(merged)[name]
        parts = [rows(r)[name] for r in reports if name in rows(r)]
        for f in ("calls", "total_ns", "self_ns") + (("sum_ns",) if schema2 else ()):
            want = sum(x[f] for x in parts)
            check(m[f] == want, f"{name} {f}: merged {m[f]} == sum of the files' {want}")
        check(m["min_ns"] == min(x["min_ns"] for x in parts), f"{name} min_ns: the smallest")
        check(m["max_ns"] == max(x["max_ns"] for x in parts), f"{name} max_ns: the largest")
        if schema2:
            check(hist_total(m, "histogram") == m["calls"],
                  f"{name}: the merged histogram counts add up to the calls")
            check(m["avg_ns"] == round(m["sum_ns"] / m["calls"]), f"{name} avg_ns from sum_ns")
    anames = set().union(*(rows(r, "allocations").keys() for r in reports))
    if a.sanitizer:  # the runtime leaves the sanitizer's allocator alone: no figures
        check(len(anames) == 0, f"-fsanitize={a.sanitizer}: tracking steps aside, no allocation rows")
    else:
        check(len(anames) > 0, "the reports have allocation rows")
    for name in sorted(anames):
        m = rows(merged, "allocations")[name]
        parts = [rows(r, "allocations")[name] for r in reports if name in rows(r, "allocations")]
        for f in ("calls", "bytes_total", "allocs"):
            want = sum(x[f] for x in parts)
            check(m[f] == want, f"alloc {name} {f}: merged {m[f]} == sum {want}")

    # The same work in one process: the calls, bytes and allocation counts.
    sfiles, single = run_program(a.forker, "single", os.path.join(a.work, "single"))
    check(len(sfiles) == 1, "the single-process run wrote 1 report")
    for name, s in rows(single[0]).items():
        check(name in rows(merged) and rows(merged)[name]["calls"] == s["calls"],
              f"{name} calls: merged == single-process run ({s['calls']})")
    for name, s in rows(single[0], "allocations").items():
        m = rows(merged, "allocations").get(name, {})
        for f in ("calls", "bytes_total", "allocs"):
            check(m.get(f) == s[f], f"alloc {name} {f}: merged {m.get(f)} == single run {s[f]}")

    # --by-process: three reports, each its file's own figures.
    p = hotpath(a.hotpath, "report", "--by-process", "--format", "json", *files)
    apart = json.loads(p.stdout) if p.returncode == 0 else []
    check(len(apart) == 3, "--by-process gives 3 reports")
    for one, orig in zip(apart, reports):
        for name, r in rows(orig).items():
            o = rows(one).get(name, {})
            same = all(o.get(f) == r[f] for f in ("calls", "min_ns", "max_ns", "avg_ns",
                                                   "total_ns", "self_ns", "percentiles_ns"))
            check(same, f"--by-process {name}: the file's own figures and percentiles")

    # The table: the runtime's layout, merged calls in it.
    p = hotpath(a.hotpath, "report", *files)
    lines = p.stdout.splitlines()
    check(p.returncode == 0 and lines[0].startswith("[hotpath] Performance Summary from ")
          and "3 reports merged" in lines[0], "the table's title names the merge")
    head = [c.strip() for c in lines[2].strip("|").split("|")]
    check(head[:5] == ["Function", "Calls", "Min", "Max", "Avg"] and
          head[-3:] == ["Total", "Self", "% Total"], f"the table's columns: {head}")
    for name in names:
        line = next((l for l in lines if l.startswith(f"| {name} ")), "")
        cells = [c.strip() for c in line.strip("|").split("|")]
        check(len(cells) > 1 and cells[1] == str(rows(merged)[name]["calls"]),
              f"table row {name}: calls {rows(merged)[name]['calls']}")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
