#!/bin/sh
# make bench: the overhead of a measured call, timed and in instructions,
# for each compiler plugin built: examples/benchmark.c built by CMake's C
# compiler (GCC, with the GCC plugin) and by each Clang with its plugin
# (benchmark-clang, benchmark-clang-N; examples/CMakeLists.txt), all -O2.
#   1. each binary times 1,000,000 calls of an empty function, unmeasured
#      and measured, beside two bare rdtsc reads, in one run; the binaries
#      run one after the other;
#   2. callgrind counts the instructions of each variant's loop, so the
#      added instructions per call do not depend on the machine's load.
# Ends with one line per compiler: what its plugin adds to a call.
# HOTPATH_BENCH_RT=1 runs the timing binaries at real-time priority
# (chrt -f 50, needs root): steadier figures on a loaded machine.
# Then the same for allocation tracking (examples/alloc_benchmark.cpp),
# linked with libhotpath.a and with libhotpath.so.
set -eu
BUILD=${1:-build}
N=1000000
benches=""
for b in "$BUILD/examples/benchmark" "$BUILD"/examples/benchmark-clang*; do
    case $b in *.compiler) continue ;; esac
    [ -x "$b" ] && benches="$benches $b"
done
label() { cat "$1.compiler" 2>/dev/null || basename "$1"; }
summary=$(mktemp)
trap 'rm -f "$summary" "$summary.i"' EXIT

rt=
if [ "${HOTPATH_BENCH_RT:-0}" = 1 ]; then
    rt="chrt -f 50"
fi
echo "== timing${rt:+ ($rt)} ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
for b in $benches; do
    echo "-- $(label "$b"): $b"
    out=$(HOTPATH_OUTPUT_FORMAT=none $rt "$b")
    echo "$out"
    added=$(echo "$out" | sed -n 's/.*measured, compiler plugin .*(\(+[0-9.]* ns\), \([0-9.]*\) x two rdtsc).*/\1 (\2 x two rdtsc)/p')
    printf '%s\t%s\n' "$b" "${added:-no plugin}" >> "$summary"
done

count() { # instructions of one variant's run
    HOTPATH_OUTPUT_FORMAT=none valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$1" --only="$2" "$N" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_call() { awk -v n="$1" -v b="$2" -v N="$N" 'BEGIN { printf "+%.1f", (n - b) / N }'; }
if command -v valgrind >/dev/null; then
    echo "== instructions per call (valgrind --tool=callgrind, $N calls per variant)"
    for b in $benches; do
        echo "-- $(label "$b")"
        bare=$(count "$b" bare)
        for v in manual plugin; do
            n=$(count "$b" "$v")
            echo "  measured, $(printf '%-8s' "$v") $(per_call "$n" "$bare") instructions per call"
            if [ "$v" = plugin ]; then
                printf '%s\t%s\n' "$b" "$(per_call "$n" "$bare")" >> "$summary.i"
            fi
        done
        echo "  two rdtsc (reference)  $(per_call "$(count "$b" rdtsc)" "$(count "$b" empty)") instructions per iteration"
    done
else
    echo "valgrind not installed: no instruction counts" >&2
fi

echo "== added by each compiler's plugin to a measured call, -O2, this run"
for b in $benches; do
    t=$(awk -F'\t' -v b="$b" '$1 == b { print $2 }' "$summary")
    i=$(awk -F'\t' -v b="$b" '$1 == b { print $2 }' "$summary.i" 2>/dev/null || true)
    printf '  %-45s %s%s\n' "$(label "$b")" "$t" "${i:+, $i instructions}"
done

# Allocation tracking: malloc+free and new+delete pairs, tracking off and
# on, beside glibc called directly (examples/alloc_benchmark.cpp), linked
# with libhotpath.a and with libhotpath.so.
for ab in $BUILD/examples/alloc_benchmark $BUILD/examples/alloc_benchmark_shared; do
    [ -x "$ab" ] || continue
    case $ab in *_shared) form=libhotpath.so ;; *) form=libhotpath.a ;; esac
    echo "== allocation tracking, $form: $ab"
    HOTPATH_OUTPUT_FORMAT=none $rt "$ab"
    if command -v valgrind >/dev/null; then
        echo "== instructions per pair, $form (valgrind --tool=callgrind, $N pairs per variant)"
        acount() { # instructions of N pairs of one variant, less its start-up
            full=$(count "$ab" "$1")
            HOTPATH_OUTPUT_FORMAT=none valgrind --tool=callgrind --callgrind-out-file=/dev/null \
                "$ab" --only="$1" 0 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' |
                awk -v f="$full" -v N="$N" '{ printf "%.1f", (f - $1) / N }'
        }
        for v in glibc malloc-off malloc-on new-off new-on; do
            printf '  %-12s %s\n' "$v" "$(acount "$v")"
        done
    fi
done
