/*
 * trace.h — the timeline trace (HOTPATH_TRACE): every measured call's
 * thread, start and end, written at exit as Chrome trace event JSON
 * (private; see trace.c).
 */
#ifndef HOTPATH_TRACE_H
#define HOTPATH_TRACE_H

#include <stdbool.h>
#include <stdint.h>

/* Tracing is on (HOTPATH_TRACE set): hp_fast is then false, so that every
 * exit goes through exit_slow, which calls hp_trace_record. */
extern bool hp_trace_on;

/* Reads the configuration; once, at start-up, after the clock (core.c). */
void hp_trace_init(void);

/* One completed call of site `id` on the calling thread, from `start` to
 * `end` (clock ticks). No lock, no malloc; async-signal-safe. */
void hp_trace_record(uint32_t id, uint64_t start, uint64_t end);

/* Writes the trace file, once (with the final report). */
void hp_trace_write(void);

#endif
