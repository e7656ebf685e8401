#!/usr/bin/env python3
"""The tables and the chart of `make bench`, from its results.json.

    bench_docs.py RESULTS.json --doc docs/benchmarks.md --svg docs/bench-overhead.svg

Each table goes between the markers <!-- make bench: NAME --> and
<!-- /make bench: NAME --> of the document, replaced in place (a document
without the markers, or a new file, gets every table appended). The chart
is drawn by gnuplot (Debian's gnuplot-nox): one bar per tool, the median ns
added per call on a log scale, the min-max of the rounds as error bars;
without gnuplot there is no chart and a note says so.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def rng(s, f="%.1f", scale=1.0):
    if not s:
        return "—"
    m, lo, hi = (s[k] * scale for k in ("median", "min", "max"))
    if s.get("n", 1) == 1:
        return f % m
    return (f + " (" + f + "–" + f + ")") % (m, lo, hi)


def pct(s):
    if not s:
        return "—"
    if s.get("n", 1) == 1:
        return "%+.1f%%" % (100 * s["median"])
    return "%+.1f%% (%+.1f…%+.1f)" % (100 * s["median"], 100 * s["min"], 100 * s["max"])


def t_machine(r):
    m = r["machine"]
    rows = [("CPU", "%s (%s), %s logical CPUs" % (m["cpu"], m["family_model"], m["cpus"])),
            ("TSC flags", "`%s`%s" % (m["tsc_flags"], " (no `rdtscp`: XRay falls back to "
                                       "`clock_gettime`)" if m.get("no_rdtscp") else "")),
            ("kernel, clock source", "%s, %s" % (m["kernel"], m["clocksource"])),
            ("compilers", "GCC %s; %s; %s" % (m["gcc"], m["clang14"], m["clang19"])),
            ("tools", "%s; %s" % (m["uftrace"], m["valgrind"])),
            ("load average (1 min) before, after", "%.1f, %.1f" % (m["load_before"], m.get("load_after", 0))),
            ("priority", "`chrt -f 50` (real-time)" if r["rt"] else "normal"),
            ("date, duration", "%s, %.0f s" % (m["date"], r["seconds"])),
            ("command", "`make bench` = `%s`" % r["command"])]
    return "| | |\n|---|---|\n" + "".join("| %s | %s |\n" % x for x in rows)


def t_percall(r):
    p = r["percall"]
    out = ["%d rounds, interleaved; %s calls per process (%s for the tools that take "
           "microseconds a call: uftrace, XRay's logging modes); in this run the plain call "
           "took %s ns and two bare `rdtsc` %s ns (median, min–max over the rounds)." % (
               p["rounds"], format(p["calls"], ","), format(p["calls_slow"], ","),
               rng(p["plain_ns"], "%.2f"), rng(p["floor_ns"], "%.1f")), "",
           "| tool | ns added per call, median (min–max) | × two `rdtsc` | instructions added per call (callgrind) |",
           "|---|---|---|---|"]
    for t in p["tools"]:
        if t["key"] == "plain":
            out.append("| %s | 0 (the call: %s ns) | — | 0 (the call and the loop: %s) |" % (
                t["label"], rng(p["plain_ns"], "%.2f"),
                "%.1f" % t["instructions"] if t.get("instructions") is not None else "—"))
            out.append("| two bare `rdtsc` (the floor) | %s | 1.00 | %d `rdtsc` |" % (
                rng(p["floor_ns"]), p["floor_instructions"]))
            continue
        if "skip" in t:
            out.append("| %s | not measured: %s | | |" % (t["label"], t["skip"]))
            continue
        ins = ("%.1f" % t["instructions_added"] if t.get("instructions_added") is not None
               else "— (%s)" % t.get("instructions_note", "?"))
        label = t["label"] + (" (wrote no log)" if t.get("log_written") is False else "")
        out.append("| %s | %s | %s | %s |" % (label, rng(t["added_ns"]), rng(t["ratio"], "%.2f"), ins))
    return "\n".join(out) + "\n"


def t_workload(r):
    w = r["workload"]
    tp = w["truth_per_call_ns"]
    out = ["%s steps (%s for uftrace and XRay's logging modes), %d rounds interleaved; plain run "
           "%s s, %.0f measured calls per ms; true cost per call: `workload_short` %s ns, "
           "`workload_long` %s µs, `workload_step` %s µs." % (
               format(w["steps"], ","), format(w["steps_slow"], ","), w["rounds"],
               rng(w["plain_work_s"], "%.2f"), w["calls_per_ms"], rng(tp["workload_short"], "%.1f"),
               rng(tp["workload_long"], "%.1f", 1e-3), rng(tp["workload_step"], "%.1f", 1e-3)), "",
           "| tool | slowdown of the work | of the process (start-up, write-out) | "
           "Total error: step | short (~50 ns) | long (~50 µs) | calls exact |",
           "|---|---|---|---|---|---|---|"]
    for t in w["tools"]:
        if t["key"] == "plain":
            continue
        if "skip" in t:
            out.append("| %s | not measured: %s | | | | | |" % (t["label"], t["skip"]))
            continue
        e = t.get("total_err")
        if t.get("log_written") is False:
            cells = ["wrote no log file"] + [""] * 3
        elif e is None:
            cells = ["no per-function totals"] + [""] * 3
        else:
            cells = [pct(e.get("workload_step")), pct(e.get("workload_short")),
                     pct(e.get("workload_long")), "yes" if t.get("calls_exact") else "no"]
        out.append("| %s | %s× | %s× | %s |" % (t["label"], rng(t["slowdown"], "%.2f"),
                                                 rng(t["slowdown_process"], "%.2f"), " | ".join(cells)))
    return "\n".join(out) + "\n"


def t_scaling(r):
    s = r["scaling"]
    if "skip" in s:
        return "Not measured: %s\n" % s["skip"]
    out = ["%s calls per thread after one warm-up pass over every site, %d rounds; measured "
           "through `hotpath_enter`/`hotpath_exit` (GCC -O2, `libhotpath.a`) against the same "
           "program built without them." % (format(s["calls_per_thread"], ","), s["rounds"]), "",
           "| sites | threads | ns added per call | peak RSS delta | bytes per (site, thread) | "
           "bytes per site added by the 2nd thread |",
           "|---|---|---|---|---|---|"]
    one = {row["sites"]: row for row in s["rows"] if row["threads"] == 1}
    for row in s["rows"]:
        extra = ""
        if row["threads"] == 2 and row["sites"] in one:
            extra = format(round((row["rss_delta"]["median"] - one[row["sites"]]["rss_delta"]["median"])
                                 / row["sites"]), ",")
        out.append("| %s | %d | %s | %s MB | %s | %s |" % (
            format(row["sites"], ","), row["threads"], rng(row["added_ns"]),
            rng(row["rss_delta"], "%.1f", 1e-6), format(round(row["bytes_per_site_thread"]), ","), extra))
    return "\n".join(out) + "\n"


def t_alloc(r):
    a = r["alloc"]
    out = ["%d runs of each binary (each the best of 15 interleaved rounds inside the process); "
           "instructions per pair from callgrind (`--only=VARIANT N` less `--only=VARIANT 0`)." % a["rounds"], "",
           "| runtime | variant | ns per pair | × glibc | instructions per pair |", "|---|---|---|---|---|"]
    for row in a["rows"]:
        if "skip" in row:
            out.append("| %s | not measured: %s | | | |" % (row["form"], row["skip"]))
            continue
        ins = row.get("instructions", {})
        for v, s in row["variants"].items():
            k = ("glibc" if v.startswith("glibc") else ("new-" if "new" in v else "malloc-")
                 + ("on" if " on" in v or v.endswith("on") else "off"))
            out.append("| %s | %s | %s | %s | %s |" % (row["form"], v, rng(s["ns"], "%.2f"),
                                                       rng(s["x_glibc"], "%.2f"),
                                                       "%.1f" % ins[k] if k in ins else "—"))
    return "\n".join(out) + "\n"


def t_compile(r):
    c = r["compile"]
    out = ["Code base: %s%s; compiler CPU time (user+sys), best of the rounds per file "
           "(`scripts/bench_compile_time.py`)." % (c["code_base"], " (%s)" % c["note"] if c.get("note") else ""),
           "", "| compiler | files | plain | plugin loaded, nothing tagged | plugin + `include=.*` |",
           "|---|---|---|---|---|"]
    for row in c["rows"]:
        if "skip" in row:
            out.append("| %s | not measured: %s | | | |" % (row["compiler"], row["skip"]))
            continue
        b = row["plain_s"]
        out.append("| %s (`%s`) | %d | %.2f s | %.2f s (%+.1f%%) | %.2f s (%+.1f%%) |" % (
            row["compiler"], row["cc"], row["files"], b, row["plugin_s"], 100 * (row["plugin_s"] / b - 1),
            row["include_s"], 100 * (row["include_s"] / b - 1)))
    return "\n".join(out) + "\n"


TABLES = (("machine", t_machine), ("percall", t_percall), ("workload", t_workload),
          ("scaling", t_scaling), ("alloc", t_alloc), ("compile", t_compile))


def svg(r, path):
    gp = shutil.which("gnuplot")
    if not gp:
        print("bench_docs: gnuplot not installed (apt-get install gnuplot-nox): no chart", file=sys.stderr)
        return False
    rows = [t for t in r["percall"]["tools"] if t.get("added_ns")]
    fl = r["percall"]["floor_ns"]
    data = tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False)
    data.write('"two bare rdtsc (floor)" %g %g %g %g\n' % (fl["median"], fl["min"], fl["max"], fl["median"]))
    top = fl["max"]
    for t in rows:
        s = t["added_ns"]
        label = t["label"] + (" (wrote no log)" if t.get("log_written") is False else "")
        data.write('"%s" %g %g %g %g\n' % (label.replace('"', "'"), max(s["median"], 0.1),
                                            max(s["min"], 0.1), max(s["max"], 0.1), s["median"]))
        top = max(top, s["max"])
    data.close()
    m = r["machine"]
    script = """
set terminal svg size 1000,%d dynamic noenhanced font "sans,11" background "#ffffff"
set output '%s'
set title "ns added per call, empty noinline function, -O2\\nmedian of %d rounds, whiskers min-max\\n%s, %s"
set style fill solid 0.7 border -1
set boxwidth 0.7
set logscale x
set xlabel "ns added per call (log scale)"
set grid xtics
unset key
set yrange [-0.7:%d]
set ytics nomirror
set xrange [0.1:%g]
set rmargin 4
plot '%s' using (1):0:(0.1):2:($0-0.35):($0+0.35):ytic(1) with boxxyerror fc rgb "#4a7ebb", \\
     '' using 2:0:3:4 with xerrorbars pt 0 lc rgb "#222222", \\
     '' using (1.0*$2):0:(sprintf(" %%.1f", $5)) with labels left offset 0.5,0 font "sans,9"
""" % (140 + 28 * (len(rows) + 1), path, r["percall"]["rounds"], m["cpu"], m["date"],
       len(rows) + 1 - 0.3, top * 8, data.name)
    if path.endswith(".png"):  # for a look at the chart where no SVG viewer is
        script = script.replace("set terminal svg", "set terminal png").replace(" dynamic", "")
    subprocess.run([gp], input=script, text=True, check=True)
    os.unlink(data.name)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results")
    ap.add_argument("--doc", required=True)
    ap.add_argument("--svg", required=True)
    a = ap.parse_args()
    r = json.load(open(a.results))
    text = open(a.doc).read() if os.path.exists(a.doc) else "# make bench\n"
    for name, fn in TABLES:
        if name != "machine" and name not in r:
            continue
        body = fn(r)
        begin, end = "<!-- make bench: %s -->" % name, "<!-- /make bench: %s -->" % name
        block = begin + "\n" + body + end
        if begin in text and end in text:
            text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
        else:
            text += "\n" + block + "\n"
    if "percall" in r:
        svg(r, a.svg)
    with open(a.doc, "w") as f:
        f.write(text)
    print("bench_docs: wrote %s and %s" % (a.doc, a.svg))


if __name__ == "__main__":
    main()
