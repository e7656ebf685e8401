#!/bin/sh
# Builds fuzz_plugin_args with clang -fsanitize=fuzzer,address,undefined and
# runs it for 30 s from the committed seed corpus (new inputs go to a
# scratch copy). Exit 77 (skip) when clang or libFuzzer is missing.
set -eu
WORK=$1 SRC=$2 COMMON=$3
CLANG=$(command -v clang || true)
if [ -z "$CLANG" ]; then
    echo "SKIP: clang not installed; the fuzz target needs clang's libFuzzer"
    exit 77
fi
mkdir -p "$WORK"
if ! "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$COMMON" "$SRC/fuzz_plugin_args.c" "$COMMON/plugin_args.c" \
        -o "$WORK/fuzz_plugin_args" 2>"$WORK/build.log"; then
    if grep -q "fuzzer" "$WORK/build.log"; then
        echo "SKIP: libFuzzer is not available to $CLANG:"; head -3 "$WORK/build.log"
        exit 77
    fi
    cat "$WORK/build.log"; exit 1
fi
rm -rf "$WORK/corpus" && cp -r "$SRC/corpus" "$WORK/corpus"
cd "$WORK"
./fuzz_plugin_args -max_total_time=30 -max_len=512 -print_final_stats=1 corpus 2>fuzz.log || {
    tail -40 fuzz.log; exit 1; }
grep -E "stat::number_of_executed_units|Done" fuzz.log
