#!/bin/sh
# make bench: the overhead of a measured call, timed and in instructions.
#   1. examples/benchmark times 1,000,000 calls of an empty function,
#      unmeasured and measured, beside two bare rdtsc reads, in one run;
#   2. callgrind counts the instructions of each variant's loop, so the
#      added instructions per call do not depend on the machine's load.
set -eu
BUILD=${1:-build}
bench=$BUILD/examples/benchmark
N=1000000

echo "== timing ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
HOTPATH_OUTPUT_FORMAT=none "$bench"

if ! command -v valgrind >/dev/null; then
    echo "valgrind not installed: no instruction counts" >&2
    exit 0
fi
count() { # instructions of one variant's run
    HOTPATH_OUTPUT_FORMAT=none valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$bench" --only="$1" "$N" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "== instructions per call (valgrind --tool=callgrind, $N calls per variant)"
bare=$(count bare)
for v in manual plugin; do
    n=$(count "$v")
    awk -v v="$v" -v n="$n" -v b="$bare" -v N="$N" \
        'BEGIN { printf "  measured, %-8s +%.1f instructions per call\n", v, (n - b) / N }'
done
empty=$(count empty)
rdtsc=$(count rdtsc)
awk -v r="$rdtsc" -v e="$empty" -v N="$N" \
    'BEGIN { printf "  two rdtsc (reference)  +%.1f instructions per iteration\n", (r - e) / N }'
