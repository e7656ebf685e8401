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

const char *hp_format_bytes(uint64_t b, char *buf) {
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (b < 1024)
        snprintf(buf, 32, "%lluB", (unsigned long long)b);
    else {
        double v = (double)b / 1024.0;
        int u = 0;
        while (v >= 1023.995 && u < 3) { /* would print as "1024.00" */
            v /= 1024.0;
            u++;
        }
        snprintf(buf, 32, "%.2f%s", v, units[u]);
    }
    return buf;
}
