/*
 * regex_cost.h — how costly a POSIX extended regular expression is for
 * glibc's regcomp, checked before compiling one from outside input
 * (HOTPATH_FOCUS in config.c, `hotpath report --focus` in cli/report.c),
 * so that a pathological one is refused with a message instead of hanging
 * the program for minutes. Found by the fuzz target tests/fuzz/fuzz_config.c.
 */
#ifndef HOTPATH_REGEX_COST_H
#define HOTPATH_REGEX_COST_H

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * The size of the tree glibc's regcomp builds for an extended regular
 * expression, in atoms: it copies a repeated part once per bound (x{2,5}:
 * five copies) and x+ as xx*, so that stacked or nested repetitions
 * multiply (a++++++++++++++++++++ took 18 s to compile, each + doubling it;
 * 30 would take hours and the memory with them), and parts that can match
 * nothing cost it about the square of their number ((a*){5000}: 3.7 s,
 * ((a*)*){1000}: 8 s). Brackets and escapes count as one atom. At most
 * HP_REGEX_MAX_ATOMS are accepted: under 0.2 s whatever their form (the
 * slowest found, ((a*)*){199}, took 180 ms on a loaded 2-core VM).
 */
#define HP_REGEX_MAX_ATOMS 1000
/* The interval that starts at p ('{') as glibc's regcomp reads it: {m},
 * {m,}, {m,n}, {,n} for {0,n}, {,} for *, and a digit or comma escaped by
 * a backslash read as itself ({\0,} is {0,}: found by the fuzz target in
 * CI). Returns its closing brace, or NULL when glibc takes the brace for
 * a character (then it is one atom). */
static inline const char *hp_regex_interval(const char *p, double *lo, double *hi,
                                            bool *unbounded) {
    double n[2] = {0, 0};
    bool digits[2] = {false, false};
    int part = 0;
    for (const char *q = p + 1; *q; q++) {
        char c = *q;
        if (c == '\\' && q[1] != '\0' && ((q[1] >= '0' && q[1] <= '9') || q[1] == ','))
            c = *++q;
        else if (c == '}') {
            if (!digits[0] && part == 0)
                return NULL; /* {} */
            *lo = n[0];
            *unbounded = part == 1 && !digits[1];
            *hi = part == 0 ? n[0] : *unbounded ? n[0] + 1 : n[1];
            return q;
        }
        if (c >= '0' && c <= '9') {
            n[part] = n[part] * 10 + (c - '0');
            if (n[part] > 1e9)
                n[part] = 1e9; /* far past what is accepted; no overflow */
            digits[part] = true;
        } else if (c == ',' && part == 0)
            part = 1;
        else
            return NULL;
    }
    return NULL;
}

/*
 * The end of the bracket expression that starts at p ('['), read as glibc
 * reads it: []x], [^]x], [[:alpha:]], [[.].]], a backslash taken as
 * itself. NULL when it is not closed (regcomp refuses it).
 */
static inline const char *hp_regex_bracket_end(const char *p) {
    p++;
    p += *p == '^';
    p += *p == ']';
    for (; *p && *p != ']'; p++)
        if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
            char kind = p[1];
            for (p += 2; *p && !(p[0] == kind && p[1] == ']'); p++)
                ;
            if (!*p)
                return NULL;
            p++;
        }
    return *p ? p : NULL;
}

/* Sets *unbounded_empty when an unbounded repetition (*, +, {m,}) applies
 * to a part that can match nothing ((a|)*, (a?|b?){5,}, a**): glibc's
 * regcomp takes exponential time on those ((a?|b?|...|p?){5,}: 15 s). */
static inline double hp_regex_size(const char *re, bool *unbounded_empty) {
    struct {
        double sum;
        bool any_empty, alt_empty, before_last;
    } outer[64];
    double sum = 0, last = 0;  /* the group's size so far; the last atom's */
    bool any_empty = false;    /* an alternative of the group so far can match nothing */
    bool alt_empty = true;     /* the current alternative, up to before its last atom */
    bool last_empty = false;   /* the last atom can match nothing */
    int depth = 0;
    const char *end;          /* an interval's closing brace */
    double lo, hi;            /* its bounds */
    bool unbounded;           /* {m,}: no upper bound */
    *unbounded_empty = false;
#define HP_ATOM(size, empty) (alt_empty = alt_empty && last_empty, sum += last = (size), last_empty = (empty))
    for (const char *p = re; *p; p++) {
        if (*p == '\\') {
            p += p[1] != '\0';
            /* glibc's zero-width escapes match nothing: \b \B \< \> \` \' */
            HP_ATOM(1, *p != '\0' && strchr("bB<>`'", *p) != NULL);
        } else if (*p == '^' || *p == '$') {
            HP_ATOM(1, true); /* anchors match nothing: ($){2,} is an unbounded empty repetition */
        } else if (*p == '[') {
            const char *close = hp_regex_bracket_end(p);
            if (!close)
                break;
            p = close;
            HP_ATOM(1, false);
        } else if (*p == '(') {
            if (depth == 64)
                return INFINITY;
            alt_empty = alt_empty && last_empty; /* the last atom is settled */
            outer[depth].sum = sum;
            outer[depth].any_empty = any_empty;
            outer[depth++].alt_empty = alt_empty;
            sum = last = 0;
            any_empty = false;
            alt_empty = last_empty = true; /* nothing yet: empty */
        } else if (*p == ')' && depth > 0) {
            bool empty = any_empty || (alt_empty && last_empty);
            double size = sum + 1;
            depth--;
            sum = outer[depth].sum;
            any_empty = outer[depth].any_empty;
            alt_empty = outer[depth].alt_empty;
            sum += last = size;
            last_empty = empty;
        } else if (*p == '|') {
            any_empty = any_empty || (alt_empty && last_empty);
            sum += 1;
            last = 0;
            alt_empty = last_empty = true;
        } else if (*p == '*' || *p == '?') {
            if (*p == '*' && last_empty && last > 0)
                *unbounded_empty = true;
            sum += 1;
            last += 1;
            last_empty = true;
        } else if (*p == '+') {
            if (last_empty && last > 0)
                *unbounded_empty = true;
            sum += last;
            last *= 2;
        } else if (*p == '{' && (end = hp_regex_interval(p, &lo, &hi, &unbounded)) != NULL) {
            double copies = hi > lo ? hi : lo > 0 ? lo : 1;
            if (unbounded && last_empty && last > 0)
                *unbounded_empty = true;
            sum += last * (copies - 1);
            last *= copies;
            last_empty = last_empty || lo == 0;
            p = end;
        } else
            HP_ATOM(1, false);
    }
#undef HP_ATOM
    while (depth > 0)
        sum += outer[--depth].sum;
    return sum;
}

/*
 * The rule behind the estimate, which does not depend on reading glibc's
 * parser exactly (the estimate mimics it, and the fuzz target found three
 * forms it read differently, each a timeout in CI): a repetition (* + ?
 * or any brace) may apply only to a character, a bracket, an escape, or
 * a group holding none of: a repetition, an empty alternative or group,
 * an anchor, a zero-width escape (\b \< ...), a back-reference; ? (which
 * copies nothing) to any group. Those are
 * the forms in which glibc's regcomp goes exponential ((a*)*, a++, (a|)*,
 * ($){2,}); what is left compiles in time linear in the atoms counted by
 * hp_regex_size. Returns NULL, or what was found, for the message.
 */
static inline const char *hp_regex_nested(const char *re) {
    enum { NONE, ATOM, SIMPLE_GROUP, OTHER_GROUP, REPEAT } prev = NONE;
    bool simple[64];      /* each open group holds nothing of the above so far */
    bool alt_empty = true; /* the innermost group's current alternative is empty so far */
    int depth = 0;
#define HP_COMPLEX() (depth > 0 ? (void)(simple[depth - 1] = false) : (void)0)
    for (const char *p = re; *p; p++) {
        char c = *p;
        if (c == '\\') {
            if (p[1] == '\0')
                break; /* regcomp refuses a trailing backslash */
            c = *++p;
            bool plain = !((c >= '1' && c <= '9') || strchr("bB<>`'", c));
            if (!plain)
                HP_COMPLEX();
            prev = plain ? ATOM : NONE;
            alt_empty = false;
        } else if (c == '[') {
            const char *end = hp_regex_bracket_end(p);
            if (!end)
                break;
            p = end;
            prev = ATOM;
            alt_empty = false;
        } else if (c == '(') {
            if (depth == 64)
                return "groups nested more than 64 deep";
            simple[depth++] = true;
            alt_empty = true;
            prev = NONE;
        } else if (c == ')' && depth > 0) {
            bool plain = simple[--depth] && !alt_empty;
            if (!plain)
                HP_COMPLEX();
            prev = plain ? SIMPLE_GROUP : OTHER_GROUP;
            alt_empty = false;
        } else if (c == '|') {
            if (alt_empty)
                HP_COMPLEX();
            alt_empty = true;
            prev = NONE;
        } else if (c == '^' || c == '$') {
            HP_COMPLEX();
            prev = NONE;
            alt_empty = false;
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
            if (prev == REPEAT)
                return "a repetition of a repetition, as in a** or a+{2}";
            if (prev == OTHER_GROUP && c != '?') /* x? copies nothing: (_[0-9]{1,3})? is fine */
                return "a repetition of a group that holds a repetition, an empty alternative, "
                       "an anchor or a back-reference, as in (a*)+, (a|)* or ($){2}";
            if (prev == NONE)
                return "a repetition of nothing, of an anchor or of a back-reference, as in *a, "
                       "^* or \\1+";
            HP_COMPLEX();
            prev = REPEAT;
            if (c == '{') { /* its bounds; regcomp refuses anything else in them */
                const char *end = strchr(p, '}');
                if (!end)
                    break;
                p = end;
            }
        } else {
            prev = ATOM;
            alt_empty = false;
        }
    }
#undef HP_COMPLEX
    return NULL;
}

#endif
