#!/bin/sh
# Runs one libFuzzer target for a bounded time from its committed seeds:
#   run.sh BINARY SEED_DIR WORK_DIR SECONDS [libFuzzer flags...]
# New inputs go to WORK_DIR/corpus (the seed folder is only read); a crash,
# leak or timeout is saved in WORK_DIR and the command that replays it is
# printed. Prints the run's executions and executions per second.
set -u
BIN=$1 SEEDS=$2 WORK=$3 SECONDS_=$4
shift 4
mkdir -p "$WORK/corpus"
LOG=$WORK/fuzz.log
"$BIN" -max_total_time="$SECONDS_" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$WORK/" "$@" "$WORK/corpus" "$SEEDS" >"$LOG" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG")
secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$LOG")
if [ $rc -ne 0 ]; then
    tail -60 "$LOG"
    art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$LOG" | tail -1)
    echo "FAIL: $(basename "$BIN") exit $rc${art:+; replay: $BIN $art}"
    exit 1
fi
echo "$(basename "$BIN"): ${runs:-?} runs in ${secs:-?} s ($( [ -n "$runs" ] && [ -n "$secs" ] && [ "$secs" -gt 0 ] && echo $((runs / secs)) || echo '?') exec/s), corpus $(ls "$WORK/corpus" | wc -l) new + $(ls "$SEEDS" | wc -l) seeds, no crash"
