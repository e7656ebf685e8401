#!/bin/sh
# make fuzz [FUZZ_SECONDS=600] [FUZZ_ONLY=REGEX]: every libFuzzer target of
# the build (build/fuzz/targets.txt, written by cmake/HotpathFuzz.cmake) run
# for FUZZ_SECONDS each, one after the other, from its committed seeds plus
# what earlier runs found (kept in build/fuzz/<target>/corpus). A crash is
# saved beside it with the command that replays it; exit 1 if any target
# failed.
set -u
BUILD=${1:-build} SECONDS_=${2:-600} ONLY=${3:-.}
LIST=$BUILD/fuzz/targets.txt
HERE=$(dirname "$0")
if [ ! -s "$LIST" ]; then
    echo "fuzz: no fuzz targets in $BUILD (no clang with libFuzzer at configure time?)"
    exit 1
fi
cmake --build "$BUILD" --target hotpath_fuzz -j2 >"$BUILD/fuzz/build.log" 2>&1 || {
    tail -20 "$BUILD/fuzz/build.log"; exit 1; }
failed=0
TAB=$(printf '\t')
while IFS="$TAB" read -r name bin seeds work args; do
    echo "$name" | grep -Eq "$ONLY" || continue
    echo "fuzz: $name for $SECONDS_ s"
    # shellcheck disable=SC2086 # args are libFuzzer flags, split on purpose
    sh "$HERE/../tests/fuzz/run.sh" "$bin" "$seeds" "$work" "$SECONDS_" $args || failed=1
done <"$LIST"
exit $failed
