#!/usr/bin/env python3
"""Every kind of bad input to `hotpath` gets one clear line on stderr, of the
form "hotpath <command>: <file>: <why>", exit status 2, nothing on stdout,
and never a crash. The files are made from a real report of
examples/compare.c (its schema as the runtime writes it) and from a
schema-2 report built from it, so that both schemas' checks are reached.
docs/reliability.md ("Bad report files") lists the same cases."""
import argparse
import copy
import json
import os
import shutil
import subprocess
import sys

failures = []
RECORD = []  # every case run, for scripts/bad_input.py (--record FILE)


def expect(cli, args, want, code=2, what=None):
    p = subprocess.run([cli, *args], capture_output=True, text=True, timeout=30)
    ok = p.returncode == code and want in p.stderr and (code != 2 or p.stdout == "")
    label = what or " ".join(args)
    RECORD.append({"what": what, "args": list(args), "code": p.returncode, "stderr": p.stderr})
    print(f"{'ok  ' if ok else 'FAIL'} {label}: exit {p.returncode}: {p.stderr.strip()}")
    if not ok:
        failures.append(label)
        print(f"     wanted exit {code} and {want!r}")


def schema2(r):
    """A schema-2 report with the schema-1 report's figures: every call in
    one histogram bucket (bucket 100: 100 ticks at 1 ns a tick)."""
    r = copy.deepcopy(r)
    r.update(schema=2, pid=1234, ns_per_tick=1,
             histogram_layout={"sub_bits": 6, "max_exp": 43, "buckets": 2496})
    for f in r["functions"]:
        f["sum_ns"] = f["avg_ns"] * f["calls"]
        f["histogram"] = [[100, f["calls"]]]
    return r


def schema1(r):
    """The report as schema 1 had it: without schema 2's fields."""
    r = copy.deepcopy(r)
    r["schema"] = 1
    for k in ("pid", "ns_per_tick", "histogram_layout"):
        r.pop(k, None)
    for f in r["functions"]:
        f.pop("sum_ns", None)
        f.pop("histogram", None)
    for f in r.get("allocations", []):
        for k in ("bytes_sum", "min_bytes", "max_bytes", "bytes_histogram"):
            f.pop(k, None)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotpath", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--record", help="write every case run (args, exit status, stderr) as JSON here")
    a = ap.parse_args()
    w = a.work
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTPATH_")}
    good = os.path.join(w, "good.json")
    # sorted by calls (ties by name): the first function, which the messages
    # name, must not depend on timing (by total it changed run to run)
    env.update(HOTPATH_OUTPUT_FORMAT="json", HOTPATH_OUTPUT_PATH=good, HOTPATH_SORT="calls")
    subprocess.run([a.example], env=env, check=True, stdout=subprocess.DEVNULL, timeout=60)
    text = open(good).read()
    real = json.loads(text)

    def put(name, content):
        path = os.path.join(w, name)
        with open(path, "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))
        return path

    def mutated(name, change, base=None):
        r = copy.deepcopy(base if base is not None else real)
        change(r)
        return put(name, r)

    H = a.hotpath
    s2 = real if real["schema"] >= 2 else schema2(real)
    s1 = schema1(real)
    good1 = put("good1.json", s1)
    expect(H, ["report", good1], "", code=0, what="a schema-1 report is read")
    good2 = put("good2.json", s2)
    expect(H, ["report", good2], "", code=0, what="a schema-2 report is read")

    # a merge written as JSON reads back (schema 1: percentiles unknown, null)
    for name, src in (("merge1.json", good1), ("merge2.json", good2)):
        p = subprocess.run([H, "report", "--format", "json", src, src], capture_output=True,
                           text=True, timeout=30)
        back = put(name, p.stdout)
        expect(H, ["report", back], "", code=0, what=f"hotpath report reads its own JSON merge ({name})")

    missing = os.path.join(w, "missing.json")
    expect(H, ["report", missing], f"hotpath report: {missing}: cannot open it: No such file or directory")
    expect(H, ["compare", missing, good], f"hotpath compare: {missing}: cannot open it")
    expect(H, ["report", put("notjson.json", "this is not JSON\n")],
           "notjson.json: not JSON (a syntax error near byte 0, line 1)")
    expect(H, ["report", put("truncated.json", text[: len(text) // 2])],
           "truncated.json: not JSON (a syntax error near byte")
    expect(H, ["report", put("trailing.json", text.strip() + " {}\n")],
           "trailing.json: not JSON (text after the end of the report")
    expect(H, ["report", put("empty.json", "")], "empty.json: empty file: not a hotpath report")
    expect(H, ["report", put("other.json", '{"name": "x", "version": 3}')],
           'other.json: not a hotpath report (no "schema" member)')
    expect(H, ["report", put("array.json", "[1, 2, 3]")],
           "array.json: not a hotpath report (the JSON is not an object)")
    expect(H, ["report", mutated("nofuncs.json", lambda r: r.pop("functions"))],
           'nofuncs.json: not a hotpath report (no "functions" member)')
    expect(H, ["report", mutated("schema9.json", lambda r: r.update(schema=9))],
           "schema9.json: unknown schema version 9 (this hotpath reads schemas 1 and 2)")
    expect(H, ["report", mutated("schemaText.json", lambda r: r.update(schema="1"))],
           'schemaText.json: "schema" is not a whole number from 0 up')
    expect(H, ["report", mutated("funcsobj.json", lambda r: r.update(functions={}))],
           'funcsobj.json: "functions" is not an array')
    first = real["functions"][0]["name"]
    expect(H, ["report", mutated("negcalls.json", lambda r: r["functions"][0].update(calls=-1))],
           f'negcalls.json: functions[0] ("{first}"): "calls" is not a whole number from 0 up')
    expect(H, ["report", mutated("noname.json", lambda r: r["functions"][1].pop("name"))],
           'noname.json: functions[1]: "name" is missing')
    expect(H, ["report", mutated("nototal.json", lambda r: r["functions"][0].pop("total_ns"))],
           '"total_ns" is missing')
    expect(H, ["report", mutated("huge.json", lambda r: r["functions"][0].update(total_ns=1e300))],
           '"total_ns" is 1e+300, beyond 2^53')
    expect(H, ["report", mutated("minmax.json", lambda r: r["functions"][0].update(min_ns=5, max_ns=4))],
           '"min_ns" is larger than "max_ns"')
    expect(H, ["report", mutated("dup.json", lambda r: r["functions"].append(r["functions"][0]))],
           "the same name twice in \"functions\"")
    expect(H, ["report", mutated("pcts.json", lambda r: r["functions"][0].update(percentiles_ns={"abc": 5}))],
           '"percentiles_ns" holds "abc": expected a percentile (0 to 100) as key')
    expect(H, ["report", mutated("allocs.json", lambda r: r.update(allocations=[{"name": "x"}]))],
           'allocs.json: allocations[0] ("x"): "calls" is missing')
    # schema 2's own fields
    expect(H, ["report", mutated("nohist.json", lambda r: r["functions"][0].pop("histogram"), s2)],
           '"histogram" is missing (schema 2 carries it)')
    expect(H, ["report", mutated("histsum.json", lambda r: r["functions"][0].update(histogram=[[100, 1]]), s2)],
           '"histogram" counts add up to 1, but "calls" is 200')
    expect(H, ["report", mutated("historder.json",
                                 lambda r: r["functions"][0].update(histogram=[[101, 100], [100, 100]]), s2)],
           '"histogram": bucket 100 is out of ascending order')
    expect(H, ["report", mutated("histbig.json",
                                 lambda r: r["functions"][0].update(histogram=[[5000, 200]]), s2)],
           "bucket 5000 is beyond the layout's last bucket")
    expect(H, ["report", mutated("histitem.json",
                                 lambda r: r["functions"][0].update(histogram=[[1, 2, 3]]), s2)],
           "holds an item that is not [bucket, count]")
    expect(H, ["report", mutated("layout.json",
                                 lambda r: r["histogram_layout"].update(sub_bits=5), s2)],
           "histogram layout sub_bits 5, max_exp 43, buckets 2496 is not the one this hotpath reads (6, 43, 2496)")
    expect(H, ["report", mutated("badpid.json", lambda r: r.update(pid=-5), s2)],
           '"pid" is not a whole number from 0 up')
    expect(H, ["report", mutated("tick.json", lambda r: r.update(ns_per_tick=0), s2)],
           '"ns_per_tick" is not a positive number below 1e6')
    # folders
    empty_dir = os.path.join(w, "nothing")
    os.makedirs(empty_dir)
    put("nothing/readme.txt", "no reports here")
    expect(H, ["report", empty_dir], f"hotpath report: {empty_dir}: no reports in this folder (no *.json file)")
    expect(H, ["compare", good, empty_dir], f"hotpath compare: {empty_dir}: no reports in this folder")
    bad_dir = os.path.join(w, "onebad")
    os.makedirs(bad_dir)
    shutil.copy(good, os.path.join(bad_dir, "a.json"))
    shutil.copy(os.path.join(w, "notjson.json"), os.path.join(bad_dir, "b.json"))
    expect(H, ["compare", good, bad_dir], f"hotpath compare: {bad_dir}/b.json: not JSON")
    # comparisons that cannot be made
    other = mutated("otherprog.json", lambda r: r.update(program="other"))
    expect(H, ["compare", good, other],
           f"hotpath compare: warning: {other} is a report of 'other', {good} one of 'compare'; "
           "use --force to compare them anyway")
    expect(H, ["report", good, other], f"hotpath report: warning: merging reports of different programs: "
           f"{other} is of 'other', {good} of 'compare'", code=0, what="report warns of two programs")
    expect(H, ["compare", "--force", good, other], "comparing anyway (--force)", code=0,
           what="--force compares two programs anyway")
    disjoint = mutated("disjoint.json", lambda r: [f.update(name="x::" + f["name"]) for f in r["functions"]])
    expect(H, ["compare", good, disjoint], "have no functions in common (base: 3, head: 3); nothing to compare")
    expect(H, ["compare", "--metric", "bytes", good, good],
           "no allocation figures (run the program with HOTPATH_ALLOC=1 to compare --metric bytes)")
    expect(H, ["compare", "--metric", "p99.9", good1, good1], "no p99.9 figure (a schema-1 report holds only")
    # bad arguments
    expect(H, ["frobnicate"], "hotpath: unknown command 'frobnicate'; the commands are: report compare flamegraph top version")
    expect(H, ["report"], "hotpath report: no report named")
    expect(H, ["report", "--format", "xml", good], "hotpath report: --format: 'xml' is not one of table, markdown, csv, json")
    expect(H, ["report", "--sort", "speed", good], "--sort: 'speed' is not one of total, self, calls, avg, min, max, name")
    expect(H, ["report", "--limit", "-3", good], "--limit: '-3' is not a whole number from 0 to 1000000")
    expect(H, ["report", "--focus", "(", good], "--focus: '(' is not a POSIX extended regular expression")
    expect(H, ["report", "--focus", "a" + "+" * 24, good],
           "is not accepted: more than 1000 atoms once its repetitions are copied out")
    expect(H, ["report", "--focus", "(a|)*", good],
           "is not accepted: an unbounded repetition of a part that can match nothing")
    expect(H, ["report", "--percentiles", "50,101", good], "--percentiles: '50,101' is not a list of 1 to 16 numbers from 0 to 100")
    expect(H, ["report", "--bogus", good], "hotpath report: unrecognized option '--bogus'")
    expect(H, ["compare", good], "hotpath compare: needs two sides")
    expect(H, ["compare", good, good, good], "more than two arguments: put --vs between the sides")
    expect(H, ["compare", good, "--vs"], "hotpath compare: nothing after --vs")
    expect(H, ["compare", "--metric", "speed", good, good], "--metric: 'speed' is not one of total, self, avg")
    expect(H, ["compare", "--confidence", "100", good, good], "--confidence: '100' is not a percentage from 50 to 99.99")
    expect(H, ["compare", "--threshold", "x", good, good], "--threshold: 'x' is not a percentage from 0 to 1000")
    expect(H, ["compare", "--format", "json", good, good], "--format: 'json' is not one of table, markdown, csv")
    expect(H, ["version", "extra"], "hotpath version: takes no arguments (got 'extra')")
    # flamegraph: a trace (HOTPATH_TRACE) is wanted
    expect(H, ["flamegraph"], "hotpath flamegraph: expected one trace file")
    expect(H, ["flamegraph", good, good], "hotpath flamegraph: expected one trace file")
    expect(H, ["flamegraph", os.path.join(w, "missing.json")],
           "hotpath flamegraph: cannot read %s: No such file or directory" % os.path.join(w, "missing.json"))
    expect(H, ["flamegraph", put("notjson2.json", "this is not JSON\n")], "notjson2.json is not JSON")
    expect(H, ["flamegraph", good], "has no traceEvents array: not a trace (HOTPATH_TRACE writes one)")
    expect(H, ["flamegraph", "--unit", "ms", good], "hotpath flamegraph: --unit 'ms' is not valid: expected ns or us")
    expect(H, ["flamegraph", "--bogus", good], "hotpath flamegraph: unrecognized option '--bogus'")
    # top: a running process's live figures (cli/tests/top.py has the rest)
    expect(H, ["top"], "hotpath top: which process? usage: hotpath top [--interval SECONDS] PID")
    expect(H, ["top", "12abc"], "hotpath top: '12abc' is not a process id (a whole number from 1 to 4194304)")
    expect(H, ["top", "--interval", "0", "1"], "hotpath top: --interval takes a number of seconds from 0.1 to 60 (got '0')")
    expect(H, ["top", "4194303"], "hotpath top: no process 4194303 is running", code=1)
    # --help of each subcommand: its usage on stdout, exit 0
    for cmd in ("report", "compare", "flamegraph", "top", "version"):
        p = subprocess.run([H, cmd, "--help"], capture_output=True, text=True, timeout=30)
        ok = p.returncode == 0 and p.stdout.startswith(f"usage: hotpath {cmd}")
        print(f"{'ok  ' if ok else 'FAIL'} {cmd} --help")
        if not ok:
            failures.append(f"{cmd} --help")
    if a.record:
        with open(a.record, "w") as f:
            json.dump(RECORD, f, indent=1)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
