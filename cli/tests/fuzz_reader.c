/*
 * fuzz_reader.c — libFuzzer target for the report reader (reportfile.c):
 * any bytes are parsed; a report that is accepted is merged with itself and
 * its percentiles read, so that every path a subcommand takes after a
 * successful parse runs on fuzzed figures too. A refused report gets one
 * message: not empty, one line without control characters (names and keys
 * from the file are escaped). Built with clang
 * -fsanitize=fuzzer,address,undefined by cli/tests/CMakeLists.txt and run
 * for a bounded time by the ctest cli_fuzz_reader; seeds in fuzz-seeds/.
 */
#include <stdint.h>
#include <string.h>

#include "reportfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct cli_report r, merged = {0};
    char why[CLI_WHY];
    if (!cli_report_parse((const char *)data, size, &r, why)) {
        if (memchr(why, '\0', sizeof why) == NULL || why[0] == '\0') /* one string, not empty */
            __builtin_trap();
        for (const char *s = why; *s; s++)
            if ((unsigned char)*s < 0x20 || *s == 0x7f) /* one line, whatever the file holds */
                __builtin_trap();
        return 0;
    }
    if (cli_report_merge(&merged, &r, why) && cli_report_merge(&merged, &r, why)) {
        for (size_t i = 0; i < merged.nfuncs; i++) {
            uint64_t v;
            const struct cli_func *f = &merged.funcs[i];
            for (double p = 0; p <= 100; p += 12.5)
                if (cli_func_percentile(f, merged.nfiles, p, &v) && f->calls &&
                    (v < f->min_ns || v > f->max_ns))
                    __builtin_trap(); /* a percentile outside the extremes */
        }
        for (size_t i = 0; i < merged.nallocs; i++) {
            uint64_t v;
            cli_alloc_percentile(&merged.allocs[i], merged.nfiles, 50, &v);
        }
    }
    cli_report_free(&merged);
    cli_report_free(&r);
    return 0;
}
