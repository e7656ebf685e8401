/*
 * compare.c — the program behind docs/compare.md: three measured functions
 * and a knob that makes one of them slower, to try `hotpath compare` on.
 *
 *   ./compare        the base: checksum, sort_small and parse_numbers
 *   ./compare 20     checksum does 20% more work (a regression to find)
 *
 * Run it a few times each way with JSON reports, then compare:
 *   HOTPATH_OUTPUT_FORMAT=json HOTPATH_OUTPUT_PATH=base/run.%p.json ./compare
 *   HOTPATH_OUTPUT_FORMAT=json HOTPATH_OUTPUT_PATH=head/run.%p.json ./compare 20
 *   hotpath compare base head
 * One run takes a few milliseconds.
 */
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 200
#define BLOCK 8192

static unsigned char data[BLOCK * 4];
static volatile unsigned sink;

/* FNV-1a over n bytes of data, wrapping around the buffer. */
HOTPATH_MEASURE static unsigned checksum(size_t n) {
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ data[i % sizeof data]) * 16777619u;
    return h;
}

/* Insertion sort of 128 pseudo-random numbers. */
HOTPATH_MEASURE static unsigned sort_small(unsigned seed) {
    unsigned v[128];
    for (int i = 0; i < 128; i++)
        v[i] = seed = seed * 1103515245u + 12345u;
    for (int i = 1; i < 128; i++) {
        unsigned x = v[i];
        int j = i - 1;
        for (; j >= 0 && v[j] > x; j--)
            v[j + 1] = v[j];
        v[j + 1] = x;
    }
    return v[64];
}

/* Sums the numbers in a line of text. */
HOTPATH_MEASURE static long parse_numbers(const char *text) {
    long sum = 0;
    char *end;
    for (const char *p = text; *p; p = end) {
        sum += strtol(p, &end, 10);
        if (end == p)
            end++;
    }
    return sum;
}

HOTPATH_MAIN() int main(int argc, char **argv) {
    long extra = argc > 1 ? strtol(argv[1], NULL, 10) : 0; /* percent more checksum work */
    if (extra < 0 || extra > 10000) {
        fprintf(stderr, "compare: the extra work is a percentage from 0 to 10000\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 31u);
    char text[512];
    size_t len = 0;
    for (int i = 0; i < 60; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%d ", i * 7919);
    long total = 0;
    for (int r = 0; r < ROUNDS; r++) {
        sink = checksum(BLOCK + (size_t)(BLOCK * extra / 100));
        sink = sort_small((unsigned)r);
        total += parse_numbers(text);
    }
    printf("%ld\n", total);
    return 0;
}

/* What the report shows (checked by tests/e2e/check_example.py): */
// EXPECT main compare::main
// EXPECT rows 3
// EXPECT row compare::checksum calls=200
// EXPECT row compare::sort_small calls=200
// EXPECT row compare::parse_numbers calls=200
