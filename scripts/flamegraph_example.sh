#!/bin/sh
# make flamegraph-example: runs examples/threads (built by CMake with the
# GCC plugin) with HOTPATH_TRACE, and turns its trace into the flame graph
# the README shows, with `hotpath flamegraph --svg`.
#   scripts/flamegraph_example.sh BUILD OUT_DIR
# writes OUT_DIR/threads-trace.json, threads.folded and threads-flamegraph.svg
# (make flamegraph-example: OUT_DIR = docs/images). The test
# flamegraph_example runs it into the build folder and checks the files.
set -eu
BUILD=${1:-build}
OUT=${2:-docs/images}
EXE=$BUILD/examples/threads
CLI=$BUILD/cli/hotpath
for f in "$EXE" "$CLI"; do
    [ -x "$f" ] || { echo "flamegraph-example: $f is not built" >&2; exit 1; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT/threads-trace.json"
HOTPATH_OUTPUT_FORMAT=none HOTPATH_TRACE="$OUT/threads-trace.json" "$EXE" >/dev/null
"$CLI" flamegraph -o "$OUT/threads.folded" "$OUT/threads-trace.json"
"$CLI" flamegraph --svg --title "examples/threads.c: self time by call chain (hotpath flamegraph --svg)" \
    -o "$OUT/threads-flamegraph.svg" "$OUT/threads-trace.json"
echo "flamegraph-example: $OUT/threads-flamegraph.svg ($(wc -l <"$OUT/threads.folded") call chains)"
