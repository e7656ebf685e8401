#!/usr/bin/env python3
"""Compile every program of the shared corpus with a compiler plugin, run it,
and check the JSON report against the EXPECT lines in its source.

Each corpus program is built twice: with the plugin (instrumented) and
without it (reference). Both must print the same stdout and exit with the
same status: instrumentation must not change behaviour. The instrumented run
writes its report as JSON (HOTPATH_OUTPUT_FORMAT=json), which is checked
against the program's own expectations, written in its comments:

    // ARGS: -std=c2x                  extra compile flags for this program
    // LANGS: c++17                    (informational)
    // EXPECT row NAME calls=100       a row named NAME whose calls == 100
    // EXPECT row NAME avg_ns>=1000000 comparisons: = != >= <= > <
    // EXPECT row NAME total_ns<=$window   $window: the report's total_ns
    // EXPECT row NAME self_ns<=NAME2.total_ns   another row's field
    // EXPECT row NAME !sample_period  the row has no field sample_period
    // EXPECT norow NAME               no row named NAME
    // EXPECT row NAME total_ns<2*NAME.avg_ns   a right side may be scaled: N*token
    // EXPECT alloc NAME bytes_total=$stderr.usable   the N of the last line
                                       "usable=N" the instrumented run wrote
                                       to stderr (figures only the program
                                       knows, such as malloc_usable_size)
    // EXPECT stderr REGEX             a line of the instrumented run's stderr
                                       matches REGEX (re.search, multi-line:
                                       what only the program can see)
    // EXPECT main NAME                the report's "main" is NAME ("null": none)
    // EXPECT percentiles 50,95,99.9   the report's percentiles, in order
    // EXPECT rows N                   exactly N rows
    // EXPECT dropped N                the report's "dropped" (measurements lost) is N
    // EXPECT report compensation.on=1   a top-level field of the report (dotted
                                       path); $report.PATH on a right side
    // EXPECT-IF-SANITIZER: thread row NAME calls<=N   an EXPECT checked only
                                       when --sanitizer has one of the words
                                       before the EXPECT (comma-separated)
    // EXPECT-UNLESS-SANITIZER: thread row NAME calls=N   an EXPECT checked
                                       only when it has none of them
    // EXPECT row NAME calls>=$stderr.n-$report.dropped   a right side may be
                                       a difference of two tokens: A-B (B a
                                       $token or another row's field)
    // SKIP-IF-OPT: -O0                not built at these levels (reason after)
    // SKIP-IF-CC: clang               not built when the compiler's name contains
                                       one of these words (e.g. GNU C extensions)
    // PLUGIN-ARGS: include=REGEX      plugin arguments, each passed as
                                       --plugin-arg-format with {} replaced
                                       (default -fplugin-arg-hotpath-{})
    // LINK: -ldl                      extra link flags
    // ENV: HOTPATH_ALLOC=1            environment of the instrumented run
    // EXPECT alloc NAME bytes_total=1000   a row of the allocation table
                                       (fields as in the JSON "allocations")
    // EXPECT alloc_mode cumulative     the allocation mode: exclusive,
                                       cumulative or off (no tracking)
    // EXPECT children 1               the number of reports written by other
                                       processes than the one started (forked
                                       children: the report path has a %p)
    // EXPECT child alloc NAME allocs=1   any EXPECT, checked against each of
                                       the children's reports
    // SANITIZER-ENV: VAR=VALUE (reason)  with --sanitizer only: the
                                       environment of both runs (the words
                                       before the parenthesis); a value for
                                       ASAN_OPTIONS, UBSAN_OPTIONS or
                                       TSAN_OPTIONS is added to the suite's
                                       options; a run may take 3 times as
                                       long as without (360 s, not 120)

With --sanitizer=LIST (the build's HOTPATH_SANITIZE: both builds of each
program are then sanitized by the compiler wrappers, and so is the runtime
they link) the runtime's allocation tracking steps aside (docs/usage.md),
so every EXPECT on allocation figures (alloc, alloc_mode, child alloc) is
checked as "tracking off" instead: alloc_mode off, no allocation table, and
the runtime's one line saying so on stderr when the program asked for
tracking. Each program that had such lines says how many, on its "ok"
line. Under ThreadSanitizer only the programs that start threads (or fork)
are run: see THREADED.

Prints one line per program and a closing "N passed, N failed" line; exits 1
if anything failed.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

OPS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}
# What makes a corpus program one of the threaded ones (run under TSan).
THREADED = re.compile(r"pthread_create|std::thread|std::jthread|std::async|omp parallel|\bfork\(")
STEP_ASIDE = "hotpath: allocation tracking is off: the program runs under"
COND = re.compile(r"^([A-Za-z_0-9.]+)(>=|<=|!=|=|>|<)(\S+)$")


def directives(src):
    out = []
    for line in open(src, encoding="utf-8"):
        m = re.search(r"//\s*(ARGS|EXPECT|EXPECT-IF-SANITIZER|EXPECT-UNLESS-SANITIZER|SKIP-IF-OPT|SKIP-IF-CC|"
                      r"PLUGIN-ARGS|LINK|ENV|SANITIZER-ENV):\s?(.*)$",
                      line) or re.search(
            r"//\s*(EXPECT)\s+(.*)$", line)
        if m:
            out.append((m.group(1), m.group(2).strip()))
    return out


def sanitizer_expects(d, sanitizer):
    """d with each EXPECT-IF-SANITIZER / EXPECT-UNLESS-SANITIZER line made a
    plain EXPECT or left out, by the sanitizers of this build."""
    have = set(sanitizer.split(",")) - {""}
    out = []
    for k, v in d:
        if k in ("EXPECT-IF-SANITIZER", "EXPECT-UNLESS-SANITIZER"):
            words, _, expect = v.partition(" ")
            hit = bool(have & set(words.split(",")))
            if hit == (k == "EXPECT-IF-SANITIZER"):
                out.append(("EXPECT", expect.strip()))
        else:
            out.append((k, v))
    return out


def is_alloc_expect(v):
    w = v.split()
    return bool(w) and (w[0] in ("alloc", "alloc_mode") or w[:2] == ["child", "alloc"])


def sanitized_expects(d, sanitizer):
    """The directives d as they are checked under -fsanitize=sanitizer: the
    runtime's allocation tracking steps aside, so the EXPECTs on allocation
    figures are replaced by "tracking off" (alloc_mode off, no allocation
    table). Returns them and how many figures were replaced (0: the program
    asks for no tracking, so no line saying it is off is expected)."""
    if not sanitizer:
        return d, 0
    n = sum(1 for k, v in d if k == "EXPECT" and is_alloc_expect(v) and v != "alloc_mode off")
    kept = [(k, v) for k, v in d if not (k == "EXPECT" and is_alloc_expect(v))]
    return kept + [("EXPECT", "alloc_mode off"), ("EXPECT", "no_alloc_table")], n


def field(row, name):
    if name.startswith("percentiles_ns."):
        return row["percentiles_ns"][name.split(".", 1)[1]]
    return row[name]


def report_field(report, path):
    v = report
    for key in path.split("."):
        v = v[key]
    return v


def value_of(token, report, rows, stderr=""):
    scale = re.fullmatch(r"(\d+(?:\.\d+)?)\*(\S+)", token)
    if scale:
        return float(scale.group(1)) * value_of(scale.group(2), report, rows, stderr)
    diff = re.fullmatch(r"(\S+?)-((?:\$|[A-Za-z_])\S*)", token)
    if diff:
        return value_of(diff.group(1), report, rows, stderr) - value_of(diff.group(2), report, rows, stderr)
    if token == "$window":
        return report["total_ns"]
    if token.startswith("$report."):
        return report_field(report, token.split(".", 1)[1])
    if token.startswith("$stderr."):
        key = token.split(".", 1)[1]
        found = re.findall(r"^%s=(-?\d+)$" % re.escape(key), stderr, re.M)
        if not found:
            raise ValueError("the program wrote no %s=N line to stderr" % key)
        return int(found[-1])
    if re.fullmatch(r"-?\d+(\.\d+)?", token):
        return float(token) if "." in token else int(token)
    name, _, fld = token.rpartition(".")
    if name in rows:
        return field(rows[name], fld)
    raise ValueError("cannot evaluate %r" % token)


def check(expect, report, stderr=""):
    rows = {r["name"]: r for r in report["functions"]}
    parts = expect.split()
    kind = parts[0]
    if kind == "stderr":
        regex = expect.split(None, 1)[1]
        return None if re.search(regex, stderr, re.M) else \
            "stderr has no line matching %r: %r" % (regex, stderr[-300:])
    if kind == "main":
        want = None if parts[1] == "null" else parts[1]
        return None if report["main"] == want else "main is %r, expected %r" % (report["main"], want)
    if kind == "percentiles":
        want = [float(x) for x in parts[1].split(",")] if len(parts) > 1 else []
        got = [float(x) for x in report.get("percentiles", [])]
        return None if got == want else "percentiles are %s, expected %s" % (got, want)
    if kind == "alloc_mode":
        got = report.get("alloc_mode", "off")
        return None if got == parts[1] else "alloc_mode is %r, expected %r" % (got, parts[1])
    if kind == "no_alloc_table":
        n = len(report.get("allocations") or [])
        return "an allocation table of %d rows, though tracking is off" % n if n else None
    if kind == "dropped":
        got = report.get("dropped", 0)
        return None if got == int(parts[1]) else "dropped is %s, expected %s" % (got, parts[1])
    if kind == "rows":
        n = len(report["functions"])
        return None if n == int(parts[1]) else "%d rows, expected %s" % (n, parts[1])
    if kind == "report":
        for cond in parts[1:]:
            m = COND.match(cond)
            if not m:
                return "bad condition %r" % cond
            try:
                lhs = report_field(report, m.group(1))
                rhs = value_of(m.group(3), report, rows, stderr)
            except (KeyError, ValueError) as e:
                return "report: %s" % e
            if not OPS[m.group(2)](lhs, rhs):
                return "report: %s is %s, expected %s %s" % (m.group(1), lhs, m.group(2), rhs)
        return None
    if kind == "norow":
        return "row %s present" % parts[1] if parts[1] in rows else None
    if kind in ("row", "alloc"):
        if kind == "alloc":
            rows = {r["name"]: r for r in report.get("allocations", [])}
        name = parts[1]
        if name not in rows:
            return "no %s row %s (rows: %s)" % (kind, name, ", ".join(sorted(rows)))
        for cond in parts[2:]:
            if re.fullmatch(r"![A-Za-z_0-9]+", cond):
                if cond[1:] in rows[name]:
                    return "%s: has %s=%s, expected none" % (name, cond[1:], rows[name][cond[1:]])
                continue
            m = COND.match(cond)
            if not m:
                return "bad condition %r" % cond
            try:
                lhs = field(rows[name], m.group(1))
            except KeyError:
                return "%s: no field %s (fields: %s)" % (name, m.group(1), ", ".join(sorted(rows[name])))
            try:
                rhs = value_of(m.group(3), report, rows, stderr)
            except ValueError as e:
                return "%s: %s" % (name, e)
            if not OPS[m.group(2)](lhs, rhs):
                return "%s: %s is %s, expected %s %s" % (name, m.group(1), lhs, m.group(2), rhs)
        return None
    return "unknown EXPECT %r" % expect


def run(cmd, env=None, timeout=120):
    """Runs cmd and returns a CompletedProcess with its pid too; one that
    outlives the timeout (a hang) is killed and fails with returncode None
    and a note in stderr."""
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as p:
        try:
            out, err = p.communicate(timeout=timeout)
            r = subprocess.CompletedProcess(cmd, p.returncode, out, err)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
            r = subprocess.CompletedProcess(cmd, None, out, "timed out after %d s" % timeout)
    r.pid = p.pid
    return r


def report_files(work, stem):
    """The reports in `work` of the runs of `stem`, as (pid, path): the
    runner writes them to <stem>.%p.json."""
    for f in sorted(os.listdir(work)):
        m = re.fullmatch(re.escape(stem) + r"\.(\d+)\.json", f)
        if m:
            yield int(m.group(1)), os.path.join(work, f)


def load_reports(work, stem, pid):
    """The JSON reports the run of `stem` (started as `pid`) wrote: its own,
    or None, and its forked children's, as (report or None, [reports])."""
    own, children = None, []
    for writer, path in report_files(work, stem):
        with open(path) as fh:
            report = json.load(fh)
        if writer == pid:
            own = report
        else:
            children.append(report)
    return own, children


def join_dash_values(argv, keys):
    """argparse takes "--opt -O2" for two options: glue such values on ("--opt=-O2")."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] in keys and i + 1 < len(argv):
            out.append(argv[i] + "=" + argv[i + 1])
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--plugin-flags", required=True, help="flags that load the plugin")
    ap.add_argument("--opt", default="-O2", help="optimisation flags, e.g. -O2 or \"-O2 -flto\"")
    ap.add_argument("--include", required=True, help="runtime include directory")
    ap.add_argument("--lib", required=True, help="path of libhotpath.a")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--only", default=None, help="regex of program names")
    ap.add_argument("--sanitizer", default="",
                    help="the sanitizers both builds have (HOTPATH_SANITIZE), e.g. address,undefined")
    ap.add_argument("--plugin-arg-format", default="-fplugin-arg-hotpath-{}",
                    help="how one PLUGIN-ARGS word is passed to the compiler")
    a = ap.parse_args(join_dash_values(sys.argv[1:], ("--plugin-flags", "--opt", "--plugin-arg-format")))
    for k in ("include", "lib", "corpus", "work"):
        setattr(a, k, os.path.abspath(getattr(a, k)))
    os.makedirs(a.work, exist_ok=True)
    os.chdir(a.corpus)  # compile by bare file name: report names come from it
    plugin = shlex.split(a.plugin_flags)
    passed = failed = 0
    spent_build = spent_run = 0.0
    for fname in sorted(os.listdir(a.corpus)):
        if not fname.endswith((".c", ".cpp")) or (a.only and not re.search(a.only, fname)):
            continue
        src = os.path.join(a.corpus, fname)
        stem = fname.rsplit(".", 1)[0]
        d = directives(src)
        if "thread" in a.sanitizer and not THREADED.search(open(src, encoding="utf-8").read()):
            continue
        d, sanitized_alloc = sanitized_expects(sanitizer_expects(d, a.sanitizer), a.sanitizer)
        if any(k == "SKIP-IF-OPT" and a.opt in v.split() for k, v in d):
            continue
        extra = [x for k, v in d if k == "ARGS" for x in shlex.split(v)]
        link = [x for k, v in d if k == "LINK" for x in shlex.split(v)]
        cc = a.cxx if fname.endswith(".cpp") else a.cc
        cc_name = os.path.basename(shlex.split(cc)[0])
        if any(k == "SKIP-IF-CC" and any(w in cc_name for w in v.split()) for k, v in d):
            continue
        plugin_args = [a.plugin_arg_format.replace("{}", x)
                       for k, v in d if k == "PLUGIN-ARGS" for x in shlex.split(v)]
        errors = []
        t0 = time.monotonic()
        exe_i = os.path.join(a.work, stem + ".instr")
        exe_r = os.path.join(a.work, stem + ".ref")
        base = [cc] + shlex.split(a.opt) + ["-g", "-I", a.include] + extra
        ci = run(base + plugin + plugin_args + [fname, a.lib, "-lpthread", "-lm"] + link + ["-o", exe_i])
        cr = run(base + [fname, a.lib, "-lpthread", "-lm"] + link + ["-o", exe_r]) if ci.returncode == 0 else ci
        t_built = time.monotonic()
        if ci.returncode != 0 or cr.returncode != 0:
            errors.append("compile failed:\n" + (ci.stderr if ci.returncode else cr.stderr))
        else:
            for _, path in list(report_files(a.work, stem)):
                os.remove(path)
            out_json = os.path.join(a.work, stem + ".%p.json")
            env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_OUTPUT_PATH=out_json)
            env.update(kv.split("=", 1) for k, v in d if k == "ENV" for kv in shlex.split(v))
            env_r = dict(os.environ)
            san_env = [kv.split("=", 1) for k, v in d if k == "SANITIZER-ENV" and a.sanitizer
                       for kv in v.split("(", 1)[0].split()]
            for e in (env, env_r):
                for key, value in san_env:
                    if key.endswith("SAN_OPTIONS"):
                        value = ":".join([e.get(key, ""), value]).strip(":")
                    e[key] = value
            limit = 360 if a.sanitizer else 120
            ri = run([exe_i], env=env, timeout=limit)
            rr = run([exe_r], env=env_r, timeout=limit)
            for what, r in (("instrumented", ri), ("reference", rr)):
                if r.returncode is None:
                    errors.append("%s run %s" % (what, r.stderr))
            if (ri.returncode, ri.stdout) != (rr.returncode, rr.stdout):
                errors.append("behaviour differs: instrumented exit %s stdout %r, reference exit %s stdout %r"
                              % (ri.returncode, ri.stdout[:200], rr.returncode, rr.stdout[:200]))
            try:
                report, children = load_reports(a.work, stem, ri.pid)
            except (OSError, ValueError) as e:
                report, children = None, []
                errors.append("unreadable JSON report (%s)" % e)
            if report is None:
                errors.append("no JSON report; stderr: %s" % ri.stderr[-500:])
            else:
                for k, v in d:
                    if k != "EXPECT":
                        continue
                    word, _, rest = v.partition(" ")
                    if word == "children":
                        if len(children) != int(rest):
                            errors.append("%d children's reports, expected %s"
                                          % (len(children), rest))
                    elif word == "child":
                        errors += ["child: " + e for e in (check(rest, c, ri.stderr)
                                                           for c in children) if e]
                    else:
                        err = check(v, report, ri.stderr)
                        if err:
                            errors.append(err)
                if sanitized_alloc and STEP_ASIDE not in ri.stderr:
                    errors.append("no '%s ...' line on stderr, though the program asks for "
                                  "allocation tracking" % STEP_ASIDE)
        t_end = time.monotonic()
        times = " [build %.1f s, runs %.1f s]" % (t_built - t0, t_end - t_built)
        spent_build += t_built - t0
        spent_run += t_end - t_built
        if errors:
            failed += 1
            print("FAIL %s %s%s\n  %s" % (fname, a.opt, times, "\n  ".join(errors)), flush=True)
        else:
            passed += 1
            note = (" (-fsanitize=%s: %d allocation EXPECTs checked as tracking off)"
                    % (a.sanitizer, sanitized_alloc)) if sanitized_alloc else ""
            print("ok   %s %s%s%s" % (fname, a.opt, note, times), flush=True)
    print("%d passed, %d failed (wall time: builds %.0f s, runs %.0f s)"
          % (passed, failed, spent_build, spent_run))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
