/*
 * format.c — units and text width for the report.
 *
 * Numbers are written with integer arithmetic, never through printf's %f:
 * that consults the locale, and a program that calls setlocale(LC_ALL, "")
 * under de_DE.UTF-8 would get "8,46ms" in its table and "1,8114" in its
 * JSON. Rounding is half up on the exact value.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

/* hundredths "h" as "I.FF" followed by unit */
static const char *hundredths(unsigned long long h, const char *unit, char *buf) {
    snprintf(buf, 32, "%llu.%02llu%s", h / 100, h % 100, unit);
    return buf;
}

const char *hp_format_duration(uint64_t ns, char *buf) {
    if (ns < 1000u)
        snprintf(buf, 32, "%lluns", (unsigned long long)ns);
    else if (ns < 999995u) /* would round to "1000.00µs" */
        hundredths((ns + 5) / 10, "µs", buf);
    else if (ns < 999995000u)
        hundredths((ns + 5000) / 10000, "ms", buf);
    else
        hundredths(((unsigned __int128)ns + 5000000) / 10000000, "s", buf);
    return buf;
}

size_t hp_utf8_len(const char *str) {
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0; /* continuation byte, or overlong two-byte form */
    if (c < 0xE0)
        n = 2;
    else if (c < 0xF0) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* overlong */
        hi = c == 0xED ? 0x9F : 0xBF; /* surrogates */
    } else if (c < 0xF5) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80; /* overlong */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* above U+10FFFF */
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
    return n;
}

size_t hp_display_width(const char *s) {
    size_t w = 0;
    while (*s) {
        size_t n = hp_utf8_len(s);
        s += n ? n : 1;
        w++;
    }
    return w;
}

void hp_put_utf8(FILE *out, const char *s) {
    while (*s) {
        size_t n = hp_utf8_len(s);
        if (n) {
            fwrite(s, 1, n, out);
            s += n;
        } else {
            unsigned char c = (unsigned char)*s++;
            fputc(0xC0 | (c >> 6), out);
            fputc(0x80 | (c & 0x3F), out);
        }
    }
}

const char *hp_format_bytes(uint64_t b, char *buf) {
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (b < 1024) {
        snprintf(buf, 32, "%lluB", (unsigned long long)b);
        return buf;
    }
    int u = 0;
    unsigned __int128 div = 1024, h;
    /* the next unit when this one would print as "1024.00" */
    while ((h = ((unsigned __int128)b * 100 + div / 2) / div) >= 102400 && u < 3) {
        div *= 1024;
        u++;
    }
    return hundredths((unsigned long long)h, units[u], buf);
}

const char *hp_format_fixed(double v, int decimals, char *buf) {
    unsigned long long scale = 1;
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    const char *sign = v < 0 ? "-" : "";
    double a = v < 0 ? -v : v;
    if (!(a < 1e15)) { /* not finite, or too large for the integer below */
        snprintf(buf, 32, "%s", a == a ? "1e15" : "0");
        return buf;
    }
    unsigned long long x = (unsigned long long)(a * (double)scale + 0.5);
    char tmp[64];
    if (decimals > 0)
        snprintf(tmp, sizeof tmp, "%s%llu.%0*llu", sign, x / scale, decimals, x % scale);
    else
        snprintf(tmp, sizeof tmp, "%s%llu", sign, x);
    snprintf(buf, 32, "%.31s", tmp);
    return buf;
}

const char *hp_printable(const char *s, size_t max, char *buf, size_t size) {
    size_t n = 0, i = 0;
    if (size == 0)
        return buf;
    for (; s[i] && i < max && n + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\t' || c == '\r')
            n += (size_t)snprintf(buf + n, size - n, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
        else if (c < 0x20 || c == 0x7f)
            n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
        else
            buf[n++] = (char)c;
    }
    snprintf(buf + n, size - n, "%s", s[i] ? "..." : "");
    return buf;
}
