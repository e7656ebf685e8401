#!/usr/bin/env python3
"""A real Prometheus server scrapes HOTPATH_METRICS.

The program of metrics_endpoint.py runs with HOTPATH_METRICS on a free
loopback port; Prometheus (Debian's `prometheus` package) is started on
another free loopback port with a temporary configuration that scrapes it
every second and a temporary data folder. The check: after two scrapes,
Prometheus's query API returns hotpath_calls_total{function="..."} for a
known function with a value that grew. Both processes are stopped at the
end, and every wait is bounded (60 s in all). Exits 77 (skipped) when
prometheus is not installed."""
import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics_endpoint as me  # noqa: E402

SKIP = 77
QUERY = 'hotpath_calls_total{function="%s"}' % me.FUNC
PANELS = [
    'topk(10, rate(hotpath_time_seconds_total{kind="self"}[1m]))',
    'rate(hotpath_calls_total[1m])',
    'histogram_quantile(0.95, sum by (le, function) (rate(hotpath_call_duration_seconds_bucket[1m])))',
]


def query(port, q):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": q}))
    with urllib.request.urlopen(url, timeout=2) as r:
        return json.load(r)


def stop(p, timeout=10):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--sanitizer", default="", help="HOTPATH_SANITIZE of the build (nothing changes)")
    a = ap.parse_args()
    prom = shutil.which("prometheus")
    if not prom:
        print("SKIP: prometheus not found (Debian package prometheus; scripts/deps.sh installs it)")
        return SKIP
    os.makedirs(a.work, exist_ok=True)
    src = os.path.join(a.work, "metrics_prog.c")
    exe = os.path.join(a.work, "metrics_prog")
    with open(src, "w") as f:
        f.write(me.PROGRAM)
    subprocess.run(shlex.split(a.cc) + ["-O2", "-std=gnu2x"] + shlex.split(a.plugin_flags) +
                   ["-I", a.include, src, a.lib, "-lpthread", "-lm", "-o", exe],
                   check=True, cwd=a.work)
    errors = []
    target, web = me.free_port(), me.free_port()
    tmp = tempfile.mkdtemp(prefix="prom-", dir=a.work)
    config = os.path.join(tmp, "prometheus.yml")
    with open(config, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                "scrape_configs:\n  - job_name: hotpath\n    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % target)
    prog = me.Program(exe, target, {"HOTPATH_LIVE_INTERVAL": "0.5"}, ["100000"])
    log = open(os.path.join(tmp, "prometheus.log"), "w")
    server = subprocess.Popen([prom, "--config.file=" + config,
                               "--storage.tsdb.path=" + os.path.join(tmp, "data"),
                               "--web.listen-address=127.0.0.1:%d" % web,
                               "--log.level=warn"], stdout=log, stderr=subprocess.STDOUT)
    values = []  # (timestamp of the sample, value), each new one
    try:
        end = time.monotonic() + a.timeout
        while time.monotonic() < end and server.poll() is None:
            time.sleep(0.5)
            try:
                r = query(web, QUERY)
            except OSError:
                continue  # not listening yet
            res = r.get("data", {}).get("result", [])
            if r.get("status") != "success" or not res:
                continue
            ts, v = res[0]["value"]
            if not values or float(v) != values[-1][1]:
                values.append((float(ts), float(v)))
                print("query %s: %s at %s (labels %s)" % (QUERY, v, ts, res[0]["metric"]))
            if len(values) >= 2:
                break
        if len(values) < 2:
            errors.append("fewer than two values in %.0fs: %s (prometheus %s)" %
                          (a.timeout, values, "running" if server.poll() is None
                           else "ended %s" % server.returncode))
        elif not values[1][1] > values[0][1] > 0:
            errors.append("values %s: expected growing" % values)
        if not errors:
            r = query(web, 'up{job="hotpath"}')
            res = r.get("data", {}).get("result", [])
            if not res or res[0]["value"][1] != "1":
                errors.append("up{job=\"hotpath\"}: %s" % res)
        # the queries docs/live.md gives for Grafana panels
        for q in PANELS:
            if errors:
                break
            res = query(web, q).get("data", {}).get("result", [])
            got = {x["metric"].get("function"): float(x["value"][1]) for x in res}
            print("query %s: %s" % (q, got))
            if not got.get(me.FUNC, 0) > 0:
                errors.append("query %s: %s, expected a value > 0 for %s" % (q, got, me.FUNC))
    finally:
        stop(server)
        rc, err = prog.stop()
        log.close()
    if errors:
        with open(log.name) as f:
            print("prometheus log:\n" + f.read()[-3000:])
    shutil.rmtree(tmp, ignore_errors=True)
    for e in errors:
        print("FAIL", e)
    print("%d passed, %d failed" % (0 if errors else 1, 1 if errors else 0))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
