/* format.c — units and text width for the report. */
#include <stdio.h>
#include <string.h>

#include "report.h"

const char *hp_format_duration(uint64_t ns, char *buf) {
    if (ns < 1000u)
        snprintf(buf, 32, "%lluns", (unsigned long long)ns);
    else if (ns < 999995u) /* would round to "1000.00µs" */
        snprintf(buf, 32, "%.2fµs", (double)ns / 1e3);
    else if (ns < 999995000u)
        snprintf(buf, 32, "%.2fms", (double)ns / 1e6);
    else
        snprintf(buf, 32, "%.2fs", (double)ns / 1e9);
    return buf;
}

size_t hp_display_width(const char *s) {
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0u) != 0x80u)
            w++;
    return w;
}
