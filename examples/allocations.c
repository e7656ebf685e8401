/*
 * allocations.c — where the memory goes. With HOTPATH_ALLOC=1 the report
 * gains a second table: the bytes and allocations of each measured function.
 * The program counts word frequencies: it builds a text in a growing string,
 * counts the words in a chained hash table that doubles its buckets, gathers
 * the entries into a growing array and formats the top five.
 *
 *   gcc -O2 -fplugin=build/plugin-gcc/hotpath.so -Iruntime/include \
 *       examples/allocations.c build/runtime/libhotpath.a -lpthread -lm -o allocations
 *   HOTPATH_ALLOC=1 ./allocations                              # exclusive
 *   HOTPATH_ALLOC=1 HOTPATH_ALLOC_CUMULATIVE=1 ./allocations   # cumulative
 *
 * Exclusive (the default): a function's figures leave out what its measured
 * callees allocate. count_words shows only its own 3 allocations (the table,
 * its first bucket array, its copy of the text); the 40 word nodes are in
 * table_put's row and the 2 larger bucket arrays in table_grow's.
 * Cumulative: count_words shows all 45, and table_put 42 (its nodes and the
 * bucket arrays of the table_grow calls it made).
 * strbuf_append is not measured: what it allocates counts in its measured
 * caller (make_text, format_top) in both modes.
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r, strdup */
#include <hotpath/hotpath.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS 2000
#define VOCABULARY 40

static const char *const vocabulary[VOCABULARY] = {
    "the",  "of",    "and", "to",    "in",  "is",   "that", "for",  "it",    "as",
    "was",  "with",  "be",  "by",    "on",  "not",  "he",   "this", "are",   "or",
    "his",  "from",  "at",  "which", "but", "have", "an",   "had",  "they",  "you",
    "were", "their", "one", "all",   "we",  "can",  "her",  "has",  "there", "been",
};

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) {
        perror("malloc");
        exit(1);
    }
    return p;
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n);
    if (!p) {
        perror("realloc");
        exit(1);
    }
    return p;
}

/* A growing string, doubling its capacity (one realloc per doubling). */
struct strbuf {
    char *data;
    size_t len, cap;
};

static void strbuf_append(struct strbuf *s, const char *text) {
    size_t n = strlen(text);
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 64;
        while (s->len + n + 1 > cap)
            cap *= 2;
        s->data = xrealloc(s->data, cap);
        s->cap = cap;
    }
    memcpy(s->data + s->len, text, n + 1);
    s->len += n;
}

/* The text: "the" every 7th word, "of" every 3rd, else vocabulary[i % 40],
 * so all 40 words occur, some far more often than others. */
HOTPATH_MEASURE static char *make_text(void) {
    struct strbuf s = {0};
    for (int i = 0; i < WORDS; i++) {
        strbuf_append(&s, vocabulary[i % 7 == 0 ? 0 : i % 3 == 0 ? 1 : i % VOCABULARY]);
        strbuf_append(&s, i % 12 == 11 ? ".\n" : " ");
    }
    return s.data;
}

/* A chained hash table; each node carries its own copy of the word. */
struct entry {
    struct entry *next;
    long count;
    char word[];
};

struct table {
    struct entry **buckets;
    size_t nbuckets, count;
};

static size_t hash(const char *s) { /* FNV-1a */
    uint64_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (size_t)h;
}

/* Doubles the bucket array: one calloc, and the old array freed. */
HOTPATH_MEASURE static void table_grow(struct table *t) {
    size_t n = t->nbuckets * 2;
    struct entry **b = calloc(n, sizeof *b);
    if (!b)
        exit(1);
    for (size_t i = 0; i < t->nbuckets; i++) {
        for (struct entry *e = t->buckets[i], *next; e; e = next) {
            next = e->next;
            e->next = b[hash(e->word) % n];
            b[hash(e->word) % n] = e;
        }
    }
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

/* Counts one occurrence of a word. A new word costs one allocation (its
 * node); the table grows first if it would become more than 3/4 full: from
 * 16 buckets to 32 at the 13th word, to 64 at the 25th. */
HOTPATH_MEASURE static void table_put(struct table *t, const char *word) {
    size_t h = hash(word);
    for (struct entry *e = t->buckets[h % t->nbuckets]; e; e = e->next) {
        if (strcmp(e->word, word) == 0) {
            e->count++;
            return;
        }
    }
    if ((t->count + 1) * 4 > t->nbuckets * 3)
        table_grow(t);
    size_t len = strlen(word);
    struct entry *e = xmalloc(sizeof *e + len + 1);
    memcpy(e->word, word, len + 1);
    e->count = 1;
    e->next = t->buckets[h % t->nbuckets];
    t->buckets[h % t->nbuckets] = e;
    t->count++;
}

HOTPATH_MEASURE static struct table *count_words(const char *text) {
    struct table *t = xmalloc(sizeof *t);
    t->nbuckets = 16;
    t->count = 0;
    t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
    char *copy = strdup(text); /* strtok_r writes into what it splits */
    if (!t->buckets || !copy)
        exit(1);
    char *save = NULL;
    for (char *w = strtok_r(copy, " .\n", &save); w; w = strtok_r(NULL, " .\n", &save))
        table_put(t, w);
    free(copy);
    return t;
}

/* The entries, most frequent first, in an array that doubles as it fills:
 * 8, 16, 32 and 64 slots for 40 words, so 4 reallocs, one block live at a
 * time. Insertion keeps it sorted (no qsort, which may allocate itself). */
HOTPATH_MEASURE static struct entry **sorted_entries(const struct table *t, size_t *n) {
    struct entry **v = NULL;
    size_t len = 0, cap = 0;
    for (size_t i = 0; i < t->nbuckets; i++) {
        for (struct entry *e = t->buckets[i]; e; e = e->next) {
            if (len == cap) {
                cap = cap ? cap * 2 : 8;
                v = xrealloc(v, cap * sizeof *v);
            }
            size_t j = len++;
            for (; j > 0 && (v[j - 1]->count < e->count ||
                             (v[j - 1]->count == e->count && strcmp(v[j - 1]->word, e->word) > 0));
                 j--)
                v[j] = v[j - 1];
            v[j] = e;
        }
    }
    *n = len;
    return v;
}

HOTPATH_MEASURE static char *format_top(struct entry **v, size_t n, size_t top) {
    struct strbuf s = {0};
    char line[64];
    for (size_t i = 0; i < n && i < top; i++) {
        snprintf(line, sizeof line, "%-6s %4ld\n", v[i]->word, v[i]->count);
        strbuf_append(&s, line);
    }
    return s.data;
}

static void free_table(struct table *t) {
    for (size_t i = 0; i < t->nbuckets; i++) {
        for (struct entry *e = t->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    }
    free(t->buckets);
    free(t);
}

HOTPATH_MAIN() int main(void) {
    char *text = make_text();
    struct table *t = count_words(text);
    size_t n = 0;
    struct entry **v = sorted_entries(t, &n);
    char *top = format_top(v, n, 5);
    printf("%zu distinct words in %d; the most frequent:\n%s", n, WORDS, top ? top : "");
    free(top);
    free(v);
    free_table(t);
    free(text);
    return 0;
}

/* What the report shows (checked by tests/e2e/check_example.py). Allocation
 * counts follow from the code above; byte counts are the sizes asked for,
 * which depend on the text's growth, so only their relations are checked.
 */
// ENV: HOTPATH_ALLOC=1
// RUN exclusive:
// RUN cumulative: HOTPATH_ALLOC_CUMULATIVE=1
// EXPECT main allocations::main
// EXPECT rows 6
// EXPECT row allocations::make_text calls=1
// EXPECT row allocations::count_words calls=1
// EXPECT row allocations::table_put calls=2000
// EXPECT row allocations::table_grow calls=2
// EXPECT row allocations::sorted_entries calls=1
// EXPECT row allocations::format_top calls=1
// EXPECT alloc allocations::table_grow calls=2 allocs=2
// EXPECT alloc allocations::sorted_entries allocs=4 peak_allocs=1
// EXPECT alloc allocations::make_text peak_allocs=1 allocs>1
// EXPECT alloc allocations::format_top peak_allocs=1
// EXPECT[exclusive] alloc allocations::count_words calls=1 allocs=3
// EXPECT[exclusive] alloc allocations::table_put calls=2000 allocs=40 peak_allocs=1
// EXPECT[cumulative] alloc allocations::count_words calls=1 allocs=45
// EXPECT[cumulative] alloc allocations::table_put calls=2000 allocs=42
// EXPECT[cumulative] alloc allocations::count_words bytes_total>allocations::table_put.bytes_total
// EXPECT[cumulative] alloc allocations::table_put bytes_total>allocations::table_grow.bytes_total
