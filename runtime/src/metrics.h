/* metrics.h — the Prometheus endpoint of HOTPATH_METRICS (private). */
#ifndef HOTPATH_METRICS_H
#define HOTPATH_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "report.h"

/* Parses HOTPATH_METRICS's value into out (config.c's parse_metrics):
 * NULL, or the reason it is refused (" (why)") with out untouched. An
 * empty value turns the endpoint off. */
const char *hp_metrics_parse(const char *v, struct hp_metrics_addr *out);

/* True while HOTPATH_METRICS asks for an endpoint that has not been tried
 * yet in this process: signals.c's hp_signals_start then calls
 * hp_metrics_start, on a thread that blocks no signal. */
bool hp_metrics_wanted(void);

/* Binds the endpoint and starts its thread; once per process (a busy port
 * or an address that cannot be bound is one line on stderr, and the
 * program carries on without the endpoint). Not from a signal handler. */
void hp_metrics_start(void);

/* At exit, before the final report: the endpoint's thread ends. */
void hp_metrics_exit(void);

/* In a forked child (pthread_atfork, async-signal-safe): closes the
 * parent's sockets; the child has no endpoint. */
void hp_metrics_fork_child(void);

/* Writes r in the Prometheus text exposition format 0.0.4, with
 * process_start_time_seconds = start_s (seconds since the epoch; < 0 to
 * leave it out). Exposed for tests. */
void hp_metrics_write(FILE *out, const struct hp_report *r, double start_s);

#endif
