/*
 * copies.h — one runtime per process (private; see copies.c).
 */
#ifndef HOTPATH_COPIES_H
#define HOTPATH_COPIES_H

#include <stdbool.h>
#include <stdint.h>

#include <hotpath/hotpath.h>

/* Bumped whenever a field below, or what the entry points mean, changes
 * (a test builds a copy with another, to see it step aside). */
#ifndef HP_COPY_ABI
#define HP_COPY_ABI 3u /* 2: the tokens' marks moved (HP_TOKEN_UNTIMED is the sign bit); 3: before_exit, HP_TOKEN_NESTED */
#endif

/* What one copy offers the others. Filled by core.c at start-up. */
struct hp_anchor {
    uint32_t magic, abi, site_size;
    uint32_t shared;        /* this copy is libhotpath.so */
    uint32_t stepped_aside; /* a secondary that could not hand its sites over */
    void (*init)(void);
    /* enter_slow and exit with the clock read: sp is the measured
     * function's stack pointer at its enter call (longjmp's frame drop). */
    uint64_t (*enter)(struct hotpath_site *site, uintptr_t sp);
    void (*exit)(struct hotpath_site *site, uint64_t token);
    int (*report)(void);
    void (*before_exit)(void); /* _exit's report (signals.c, hp_signals_before_exit) */
};

extern struct hp_anchor hp_anchor;

/* The copy this one hands its calls to; NULL in the primary. */
extern const struct hp_anchor *hp_primary;

static inline bool hp_is_secondary(void) { return hp_primary || hp_anchor.stepped_aside; }

/* core.c's entry points for the anchor. */
void hp_runtime_init(void);
uint64_t hp_copy_enter(struct hotpath_site *site, uintptr_t sp);
void hp_copy_exit(struct hotpath_site *site, uint64_t token);
int hp_copy_report(void);
void hp_copy_before_exit(void);

/* Looks for the process's primary copy. True when this copy is not it: then
 * hp_primary is set (its sites go there) or, if the primary is of another
 * ABI, one line on stderr says so and nothing is measured here. */
bool hp_copies_find_primary(void);

#endif
